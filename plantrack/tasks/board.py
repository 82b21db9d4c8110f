"""The task board: every task, decision and milestone with its status at an as-of date.

Status (methods.md §4, milestone; :func:`plantrack.tasks.registry.task_status_at`):
已完成 done by the due date, 逾期完成 done after it, 进行中 not done and not yet due, 逾期 not
done after the due date. An update's own status (未开始 / 进行中 / 已完成) is kept beside it
as ``update_status``: a task not started before its due date is 进行中 by §4, and the board
labels it 进行中（未开始）; a task without any update is 进行中（无进展记录）or 逾期（…）.

Done date (:func:`done_dates`, also used for milestone verdicts in the scorecard): the date
of the latest update when it says 已完成. A task that was already 已完成 at its due date and is
已完成 at the as-of date counts as done on time, so that later 已完成 updates (a recurring
长期坚持 task reporting again, evidence added) do not make it late; a task reopened (进行中)
and done again after its due date does, if it was not 已完成 at the due date. A milestone
without a deadline is done on the date of its latest 已完成 update.

按期完成率 (on-time completion rate) of a unit = tasks it shares that were done by their due
date / tasks it shares that are due by the as-of date (due ≤ as-of). A task with several
units counts once for each; collective units (区政府各部门, 各街道办事处) count as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, cast

import pandas as pd

from plantrack.departments import normalise_all
from plantrack.store.task_updates import latest_in, latest_updates
from plantrack.tasks.registry import (
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_IN_PROGRESS,
    STATUS_OVERDUE,
    is_due_soon,
    task_status_at,
)

if TYPE_CHECKING:
    from plantrack.workspace import Workspace

UPDATE_DONE = "已完成"
UPDATE_NOT_STARTED = "未开始"
MILESTONE_CATEGORY = "规划里程碑指标"
VERDICTS = (STATUS_OVERDUE, STATUS_IN_PROGRESS, STATUS_DONE_LATE, STATUS_DONE)
DUE_SOON_DAYS = 30

ITEM_COLUMNS = [
    "id", "kind", "plan", "seq", "category", "subcategory", "title", "unit_list",
    "deadline_text", "due", "recurring", "requirement",
]  # fmt: skip
COLUMNS = [
    "id", "kind", "plan", "seq", "category", "subcategory", "title", "units", "unit_list",
    "deadline_text", "due", "recurring", "status", "label", "update_status", "status_date",
    "done_on", "note", "evidence", "user_name", "overdue", "due_soon", "requirement",
]  # fmt: skip
RATE_COLUMNS = [
    "unit", "total", "due", "done_on_time", "done_late", "overdue", "due_open", "rate",
]  # fmt: skip


def deadline_text(due: date) -> str:
    """A milestone's deadline as a task table would write it."""
    if (due.month, due.day) == (12, 31):
        return f"{due.year}年年底前"
    return f"{due.year}年{due.month}月{due.day}日前"


def board_items(ws: Workspace) -> pd.DataFrame:
    """Tasks, decisions and milestone indicators (kind ``milestone`` with a deadline)."""
    rows = [
        (t.id, t.kind, t.plan, t.seq, t.category, t.subcategory, t.title, t.units,
         t.deadline_text, t.due, t.recurring, t.requirement)
        for t in ws.tasks
    ]  # fmt: skip
    seq: dict[str, int] = {}
    for ind in ws.registry.indicators:
        if ind.kind != "milestone" or ind.deadline is None:
            continue
        seq[ind.plan] = seq.get(ind.plan, 0) + 1
        rows.append(
            (ind.id, "milestone", ind.plan, seq[ind.plan], MILESTONE_CATEGORY, ind.section,
             ind.name, tuple(ind.lead), deadline_text(ind.deadline), ind.deadline, False,
             ind.clause)
        )  # fmt: skip
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    # one spelling per department (区卫健局 = 区卫生健康局), as in the department view
    items["unit_list"] = [tuple(normalise_all(u)) for u in items["unit_list"]]
    order = {p: i for i, p in enumerate(ws.plans)}
    kinds = {"task": 0, "decision": 1, "milestone": 2}
    items["_o"] = items["plan"].map(order).fillna(len(order)) * 10 + items["kind"].map(kinds)
    return items.sort_values(["_o", "seq"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _as_date(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def due_dates(ws: Workspace) -> dict[str, date | None]:
    """Due date of every task and decision, and deadline of every milestone (None if unset)."""
    due: dict[str, date | None] = {t.id: t.due for t in ws.tasks}
    due |= {i.id: i.deadline for i in ws.registry.indicators if i.kind == "milestone"}
    return due


def done_dates(
    ws: Workspace,
    as_of: date,
    known_on: date | None = None,
    updates: pd.DataFrame | None = None,
) -> dict[str, date]:
    """Done date of every task, decision and milestone done by ``as_of`` (module docstring).

    The one rule for the task board and the scorecard's milestone verdicts: an item already
    已完成 at its due date stays done on time when a later 已完成 update adds evidence.
    ``updates`` (:func:`~plantrack.store.task_updates.all_updates`, e.g. cached by the
    dashboard): pick from it instead of querying the database for each date.
    """
    snapshot = _snapshots(ws, known_on, updates)
    return _done_on(due_dates(ws), snapshot(as_of), snapshot)


Snapshot = Callable[[date], pd.DataFrame]


def _snapshots(ws: Workspace, known_on: date | None, updates: pd.DataFrame | None) -> Snapshot:
    """The latest update of each task at a date (status dates as ``date``), from the
    database or from ``updates``."""

    def snapshot(when: date) -> pd.DataFrame:
        if updates is not None:
            return latest_in(updates, when, known_on)
        latest = latest_updates(ws.store, when, known_on)
        latest["status_date"] = [_as_date(v) for v in latest["status_date"]]
        return latest

    return snapshot


def _done_on(due: Mapping[str, date | None], latest: pd.DataFrame,
             snapshot: Snapshot) -> dict[str, date]:  # fmt: skip
    """Done date of each item of ``due`` whose ``latest`` update is 已完成 (see done_dates)."""
    done: dict[str, date] = {}
    late: dict[date, list[str]] = {}
    for r in latest.itertuples():
        task_id, status_date = cast(str, r.task_id), cast(date, r.status_date)
        if r.status != UPDATE_DONE or task_id not in due:
            continue
        done[task_id] = status_date
        deadline = due[task_id]
        if deadline is not None and status_date > deadline:
            late.setdefault(deadline, []).append(task_id)
    for when, ids in late.items():  # one look-up per distinct due date with a late update
        snap = snapshot(when)
        snap = snap[snap["task_id"].isin(ids) & (snap["status"] == UPDATE_DONE)]
        for r in snap.itertuples():
            done[cast(str, r.task_id)] = _as_date(r.status_date)  # type: ignore[assignment]
    return done


def status_label(status: str, update_status: str | None, recurring: bool) -> str:
    """The §4 verdict with the update's own state where it adds something."""
    if status in (STATUS_DONE, STATUS_DONE_LATE):
        return f"{status}（长期坚持）" if recurring else status
    if update_status is None:
        return f"{status}（无进展记录）"
    if update_status == UPDATE_NOT_STARTED:
        return f"{status}（未开始）"
    return status


def task_table(ws: Workspace, as_of: date, known_on: date | None = None) -> pd.DataFrame:
    """Every task and milestone with its status at ``as_of`` (updates recorded by ``known_on``)."""
    items = board_items(ws)
    snapshot = _snapshots(ws, known_on, None)
    latest = snapshot(as_of)
    done = _done_on(dict(zip(items["id"], items["due"], strict=True)), latest, snapshot)
    last = latest.set_index("task_id")
    out = items.copy()
    out["units"] = ["、".join(u) for u in out["unit_list"]]

    def pick(col: str) -> pd.Series:
        values = [
            None if i not in last.index or pd.isna(last.at[i, col]) else last.at[i, col]  # type: ignore[arg-type]
            for i in out["id"]
        ]
        return pd.Series(values, index=out.index, dtype=object)

    out["update_status"] = pick("status")
    out["status_date"] = pick("status_date")
    out["note"] = pick("note")
    out["evidence"] = pick("evidence")
    out["user_name"] = pick("user_name")
    out["done_on"] = pd.Series([done.get(i) for i in out["id"]], index=out.index, dtype=object)
    out["status"] = [
        task_status_at(d, o, as_of) for d, o in zip(out["due"], out["done_on"], strict=True)
    ]
    out["label"] = [
        status_label(s, u, r)
        for s, u, r in zip(out["status"], out["update_status"], out["recurring"], strict=True)
    ]
    out["overdue"] = out["status"] == STATUS_OVERDUE
    open_ = out["status"].isin([STATUS_IN_PROGRESS, STATUS_OVERDUE])
    soon = [is_due_soon(d, as_of, DUE_SOON_DAYS) for d in out["due"]]
    out["due_soon"] = open_ & pd.Series(soon, index=out.index, dtype=bool)
    return out[COLUMNS]


def filter_table(
    table: pd.DataFrame,
    plan: str | None = None,
    unit: str | None = None,
    statuses: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of one plan, one unit (exact name in the unit list), some statuses or kinds."""
    keep = pd.Series(True, index=table.index)
    if plan:
        keep &= table["plan"] == plan
    if unit:
        keep &= table["unit_list"].map(lambda units: unit in units).astype(bool)
    if statuses:
        keep &= table["status"].isin(list(statuses))
    if kinds:
        keep &= table["kind"].isin(list(kinds))
    return table[keep]


def all_units(table: pd.DataFrame) -> list[str]:
    """Every unit named in the table, in order of first appearance."""
    return list(dict.fromkeys(u for units in table["unit_list"] for u in units))


def department_rates(table: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """按期完成率 per unit: done by the due date / due by ``as_of`` (module docstring).

    ``due_open`` counts tasks due exactly on ``as_of`` and not done yet (neither done nor
    逾期 on that day), so that due = done_on_time + done_late + overdue + due_open.
    """
    if table.empty:
        return pd.DataFrame(columns=RATE_COLUMNS)
    rows = table[["unit_list", "due", "status"]].explode("unit_list")
    rows = rows.rename(columns={"unit_list": "unit"})
    is_due = rows["due"] <= as_of
    counts = pd.DataFrame(
        {
            "unit": rows["unit"],
            "total": 1,
            "due": is_due.astype(int),
            "done_on_time": (is_due & (rows["status"] == STATUS_DONE)).astype(int),
            "done_late": (rows["status"] == STATUS_DONE_LATE).astype(int),
            "overdue": (rows["status"] == STATUS_OVERDUE).astype(int),
            "due_open": (is_due & (rows["status"] == STATUS_IN_PROGRESS)).astype(int),
        }
    )
    out = counts.groupby("unit", sort=False).sum().reset_index()
    out["rate"] = [
        None if d == 0 else n / d for n, d in zip(out["done_on_time"], out["due"], strict=True)
    ]
    out["_r"] = out["rate"].astype(float)
    out = out.sort_values(["_r", "due"], ascending=[True, False], na_position="last", kind="stable")
    return out.drop(columns="_r").reset_index(drop=True)[RATE_COLUMNS]
