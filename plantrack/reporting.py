"""填报进度: for each period and responsible department, what is due, reported and late.

What is due in a period (quarter ``2024Q1`` or year ``2024``):

- every reported indicator (not a milestone, not computed by a formula) whose frequency
  matches the period (quarterly in a quarter, yearly in a year) and whose plan runs in that
  year; it is due from each of its lead departments (牵头部门);
- in a year: the yearly progress of every key task (主要任务) of a plan running in that
  year, due from each of its lead departments.

The report is due ``quarter_due_days`` (default 20) / ``year_due_days`` (default 31) days after
the period ends; set them in ``plantrack.toml`` under ``[reporting]``. An item is reported when
any value (any area) or any progress row for it exists; its first recording decides whether it
was on time. Status of an item at ``as_of``: 按时报送, 逾期报送 (reported after the due date),
逾期未报 (not reported, due date passed), 待报送 (not reported, not yet due).
A department has reported a period when every item due from it is reported. Next to these
counts each department × period carries its approval status (``approval``: 草稿 / 已提交 /
已审核, from the periods table of :mod:`plantrack.auth.periods`; 草稿 when never submitted).

All functions here are pure over the store's current data; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.departments import normalise_all
from plantrack.periods import Period, parse_period, period_of_date
from plantrack.store.reporting_sql import first_reported, progress_reported

if TYPE_CHECKING:
    from plantrack.workspace import Workspace

ON_TIME = "按时报送"
LATE_REPORTED = "逾期报送"
LATE = "逾期未报"
PENDING = "待报送"
STATUSES = (LATE, PENDING, LATE_REPORTED, ON_TIME)
DEPT_DONE = "已报送"
DEPT_LATE = "有逾期"
DEPT_PENDING = "未报齐"
ITEM_COLUMNS = [
    "department", "period", "kind", "item", "name", "plan", "due_date", "reported_at", "status",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "department", "period", "due_date", "due", "reported", "on_time", "late_reported", "late",
    "pending", "state", "approval",
]  # fmt: skip
DRAFT = "草稿"  # the approval status of a department × period never submitted


@dataclass(frozen=True)
class ReportingRules:
    quarter_due_days: int = 20
    year_due_days: int = 31

    def due_date(self, period: Period) -> date:
        days = self.year_due_days if period.is_annual else self.quarter_due_days
        return period.end + timedelta(days=days)


def rules_from_settings(values: dict | None = None) -> ReportingRules:
    """``[reporting]`` of the settings file (plantrack.toml), or the defaults."""
    if values is None:
        from plantrack.settings import settings_file

        values = settings_file().get("reporting", {})
    base = ReportingRules()
    return ReportingRules(
        quarter_due_days=int(values.get("quarter_due_days", base.quarter_due_days)),
        year_due_days=int(values.get("year_due_days", base.year_due_days)),
    )


class PeriodError(ValueError):
    """A period that is not a quarter or a year, in Chinese."""


def parse(text: str) -> Period:
    period = parse_period(text)
    if period is None:
        raise PeriodError(f"期间 “{text}” 无法识别 — 请写成 2024Q1（季度）或 2024（年度）")
    return period


def due_items(ws: Workspace, period: Period) -> pd.DataFrame:
    """One row per (department, item) due in ``period`` (module docstring)."""
    rows = []
    freq = "year" if period.is_annual else "quarter"
    for ind in ws.registry.indicators:
        plan = ws.plans[ind.plan]
        if ind.kind == "milestone" or ind.formula or ind.frequency != freq:
            continue
        if not plan.start_year <= period.year <= plan.end_year:
            continue
        for dept in normalise_all(ind.lead):
            rows.append((dept, "indicator", ind.id, ind.name, ind.plan))
    if period.is_annual:
        for task in ws.plan_tasks:
            if task.start_year <= period.year <= task.end_year:
                for dept in task.lead:
                    rows.append((dept, "task", task.id, task.title, task.plan))
    return pd.DataFrame(rows, columns=["department", "kind", "item", "name", "plan"])


def item_status(
    due: pd.DataFrame,
    reported: Mapping[str, datetime],
    due_date: date,
    as_of: date,
) -> pd.Series:
    """Status of each due item given when each item was first reported (pure)."""
    out = []
    for item in due["item"]:
        first = reported.get(item)
        if first is None or pd.isna(first):
            out.append(LATE if as_of > due_date else PENDING)
        else:
            out.append(ON_TIME if pd.Timestamp(first).date() <= due_date else LATE_REPORTED)
    return pd.Series(out, index=due.index, dtype=object)


@dataclass(frozen=True)
class PeriodRecord:
    """What 填报进度 reads from the store for one period: what is due, when each item was
    first recorded (at any time) and the approval statuses. Everything at an as-of date
    follows from it without another read (:func:`items_at`); the dashboard keeps it per data
    version, so a new as-of date costs no query."""

    period: Period
    due: pd.DataFrame
    first: dict[str, pd.Timestamp]
    approval: dict[tuple[str, str], str]


def period_record(ws: Workspace, period: Period) -> PeriodRecord:
    obs = first_reported(ws.store, [str(period)])
    first = {
        str(i): pd.Timestamp(t) for i, t in zip(obs["indicator"], obs["first_at"], strict=True)
    }
    if period.is_annual:
        prog = progress_reported(ws.store, [period.year])
        first |= {
            str(i): pd.Timestamp(t) for i, t in zip(prog["task_id"], prog["first_at"], strict=True)
        }
    return PeriodRecord(period, due_items(ws, period), first, approvals(ws))


def items_at(
    record: PeriodRecord, as_of: date, rules: ReportingRules | None = None
) -> pd.DataFrame:
    """Every item due in the record's period with its department, due date, first report and
    status at ``as_of``, counting only recordings made by the end of that day (pure)."""
    rules = rules or rules_from_settings()
    period, due = record.period, record.due
    due_date = rules.due_date(period)
    limit = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    reported = {i: t for i, t in record.first.items() if t < limit}
    out = due.assign(
        period=str(period),
        due_date=due_date,
        reported_at=pd.Series([reported.get(i) for i in due["item"]], dtype=object),
    )
    out["status"] = item_status(due, reported, due_date, as_of)
    return out[ITEM_COLUMNS].reset_index(drop=True)


def period_items(
    ws: Workspace, period: Period, as_of: date, rules: ReportingRules | None = None
) -> pd.DataFrame:
    """Every item due in ``period`` with its department, due date, first report and status."""
    return items_at(period_record(ws, period), as_of, rules)


def approvals(ws: Workspace) -> dict[tuple[str, str], str]:
    """(department, period) → 草稿 / 已提交 / 已审核, as stored (absent: 草稿)."""
    from plantrack.auth.periods import statuses

    return {(str(r["department"]), str(r["period"])): str(r["status"]) for r in statuses(ws.store)}


def summarise(
    items: pd.DataFrame, approval: dict[tuple[str, str], str] | None = None
) -> pd.DataFrame:
    """Per (department, period): counts by status, the department's state, and its approval
    status from ``approval`` (:func:`approvals`; 草稿 where absent) (pure)."""
    if items.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    s = items["status"]
    counts = pd.DataFrame(
        {
            "department": items["department"],
            "period": items["period"],
            "due_date": items["due_date"],
            "due": 1,
            "reported": s.isin([ON_TIME, LATE_REPORTED]).astype(int),
            "on_time": (s == ON_TIME).astype(int),
            "late_reported": (s == LATE_REPORTED).astype(int),
            "late": (s == LATE).astype(int),
            "pending": (s == PENDING).astype(int),
        }
    )
    out = counts.groupby(["department", "period", "due_date"], sort=False).sum().reset_index()
    out["state"] = [
        DEPT_DONE if r == d else (DEPT_LATE if n else DEPT_PENDING)
        for r, d, n in zip(out["reported"], out["due"], out["late"], strict=True)
    ]
    steps = approval or {}
    out["approval"] = [
        steps.get((str(d), str(p)), DRAFT)
        for d, p in zip(out["department"], out["period"], strict=True)
    ]
    order = {DEPT_LATE: 0, DEPT_PENDING: 1, DEPT_DONE: 2}
    out = out.assign(_o=out["state"].map(order)).sort_values(["_o", "department"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)[SUMMARY_COLUMNS]


def summary_at(
    record: PeriodRecord, as_of: date, rules: ReportingRules | None = None
) -> pd.DataFrame:
    """:func:`summarise` of the record's items at ``as_of``, with its approval statuses (pure)."""
    return summarise(items_at(record, as_of, rules), record.approval)


def period_summary(
    ws: Workspace, period: Period, as_of: date, rules: ReportingRules | None = None
) -> pd.DataFrame:
    return summary_at(period_record(ws, period), as_of, rules)


def departments_reported(summary: pd.DataFrame) -> tuple[int, int]:
    """(departments that reported everything due, departments with anything due)."""
    return int((summary["state"] == DEPT_DONE).sum()), len(summary)


def latest_due_quarter(as_of: date) -> Period:
    """The last quarter that ended before ``as_of`` (the one departments report now)."""
    q = period_of_date(as_of)
    return Period(q.year - 1, 4) if q.quarter == 1 else Period(q.year, (q.quarter or 1) - 1)


def overview_line(
    ws: Workspace,
    as_of: date,
    rules: ReportingRules | None = None,
    label: Callable[[Period], str] = str,
    read: Callable[[Period], PeriodRecord] | None = None,
) -> str:
    """ "x/y 个部门已报送 2024Q1" for the quarter being reported at ``as_of`` (``label``
    writes the period, e.g. 2024年一季度 on a page; ``read`` gives a period's record, e.g.
    from a cache, instead of :func:`period_record`)."""
    period = latest_due_quarter(as_of)
    record = (read or partial(period_record, ws))(period)
    done, total = departments_reported(summary_at(record, as_of, rules))
    if not total:
        return f"{label(period)} 无应报事项"
    return f"{done}/{total} 个部门已报送 {label(period)}"


def recent_periods(as_of: date, quarters: int = 4, years: int = 2) -> list[Period]:
    """The last ``quarters`` ended quarters and ``years`` ended years before ``as_of``."""
    out: list[Period] = []
    q = latest_due_quarter(as_of)
    for _ in range(quarters):
        out.append(q)
        q = Period(q.year - 1, 4) if q.quarter == 1 else Period(q.year, (q.quarter or 1) - 1)
    last_year = as_of.year - 1
    out += [Period(y) for y in range(last_year, last_year - years, -1)]
    return sorted(out, key=lambda p: (p.end, p.is_annual))


def grid(
    ws: Workspace,
    periods: list[Period],
    as_of: date,
    rules: ReportingRules | None = None,
    read: Callable[[Period], PeriodRecord] | None = None,
) -> pd.DataFrame:
    """The summary of several periods stacked (department × period); ``read`` gives a
    period's record (e.g. from a cache) instead of :func:`period_record`."""
    read = read or partial(period_record, ws)
    parts = [summary_at(read(p), as_of, rules) for p in periods]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    return pd.concat(parts, ignore_index=True)
