"""Append-only progress updates of tasks and milestones (like observations, never edited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from plantrack.auth.roles import Action
from plantrack.store import auth_sql, sql
from plantrack.store.auth_sql import Scope
from plantrack.store.engine import Session
from plantrack.store.errors import StoreError
from plantrack.store.store import LoadSummary, Store, end_of_day, first_row

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor

UPDATE_COLUMNS = ["task_id", "status", "status_date", "note", "evidence"]
STATUSES = ("未开始", "进行中", "已完成")
FILE_SOURCES = ("task-load", "plan-task-load")  # batches.source of task progress files


@dataclass(frozen=True)
class Withdrawal(LoadSummary):
    """The rollback of a progress file: ``stored`` rows of ``source`` (a ``FILE_SOURCES``
    entry) withdrawn — not values restored, as a rollback of observations does."""

    source: str = "task-load"

    @property
    def withdrawn(self) -> int:
        return self.new


@dataclass(frozen=True)
class FileBatch:
    """A progress file stored as one batch (like an upload): its source, name and sha256."""

    source: str
    file_name: str
    sha256: str


def open_batch(con: Session, user: str, batch: FileBatch, n_rows: int, when: datetime) -> int:
    """In the write transaction: refuse a file already loaded, then add its batch row."""
    earlier = first_row(con, sql.LOADED_SHA, [batch.sha256])
    if earlier:
        raise StoreError(
            f"文件 {batch.file_name} 与已导入的批次 #{earlier[0]} 完全相同"
            f"（sha256 {batch.sha256[:12]}…），不会重复导入。"
        )
    (batch_id,) = first_row(con, sql.NEXT_BATCH_ID)  # type: ignore[misc]
    values = [int(batch_id), when, user, batch.source, batch.file_name, batch.sha256, n_rows]
    con.execute(sql.INSERT_BATCH, [*values, n_rows, 0, 0, None, None, None])
    return int(batch_id)


def record_updates(
    store: Store,
    updates: pd.DataFrame,
    *,
    actor: Actor,
    scope: Scope | None = None,
    recorded_at: datetime | None = None,
    source: str = "task_update",
    batch: FileBatch | None = None,
) -> int:
    """Append updates (columns task_id, status, status_date, note, evidence) in one
    transaction, after checking in it that ``actor`` may update these tasks (``scope``:
    task id → its units' departments). The audit row lists the updates."""
    df = updates[UPDATE_COLUMNS].copy()
    df["status_date"] = pd.to_datetime(df["status_date"]).dt.date
    if "recorded_at" in updates.columns:
        df["recorded_at"] = pd.to_datetime(updates["recorded_at"])
    else:
        df["recorded_at"] = recorded_at or datetime.now()
    for col in ("note", "evidence"):
        df[col] = df[col].astype(object)
    ids = sorted(set(df["task_id"]))
    obj = ids[0] if len(ids) == 1 else f"{len(ids)} 项任务"
    with store.guarded(actor, Action.TASK_UPDATE, obj) as con:
        owners = scope.owners_of(ids) if scope is not None else None
        user = auth_sql.authorize(con, actor, Action.TASK_UPDATE, owners=owners)
        df["user_name"] = str(user["name"])
        df["batch_id"] = pd.array([None] * len(df), dtype="Int32")
        if batch is not None:
            when = df["recorded_at"].iloc[0].to_pydatetime()
            df["batch_id"] = open_batch(con, str(user["name"]), batch, len(df), when)
        con.register("incoming", df)
        con.execute(sql.INSERT_TASK_UPDATES)
        con.unregister("incoming")
        store.bump_data_version(con)
        after = [
            {"task": r.task_id, "status": r.status, "date": str(r.status_date), "note": r.note}
            for r in df.itertuples()
        ]
        auth_sql.append_audit(
            con,
            user_id=actor.user_id or None,
            user_name=str(user["name"]),
            method=actor.method,
            action=str(Action.TASK_UPDATE),
            obj=obj,
            after=after if len(after) <= 200 else {"updates": len(after), "source": source},
        )
    return len(df)


def rollback_file_batch(
    store: Store, batch_id: int, *, actor: Actor, reason: str
) -> Withdrawal | None:
    """Undo a task progress file (``FILE_SOURCES``): its rows are withdrawn (every read skips
    them) by a new, empty rollback batch. None when ``batch_id`` is not such a batch."""
    with store.guarded(actor, Action.ROLLBACK, f"批次#{batch_id}", reason) as con:
        # the check and the write in one transaction (no read-only look first)
        row = first_row(con, "SELECT source FROM batches WHERE id = ?", [batch_id])
        if row is None or row[0] not in FILE_SOURCES:
            return None
        table = "task_updates" if row[0] == "task-load" else "plan_task_progress"
        user = str(auth_sql.authorize(con, actor, Action.ROLLBACK)["name"])
        (status,) = first_row(con, sql.BATCH_STATUS, [batch_id])  # type: ignore[misc]
        if status == "rolled_back":
            raise StoreError(f"批次 {batch_id} 已经回滚过。")
        count = f"SELECT count(*) FROM {table} WHERE batch_id = ?"  # noqa: S608 — fixed names
        (n,) = first_row(con, count, [batch_id])  # type: ignore[misc]
        (new_id,) = first_row(con, sql.NEXT_BATCH_ID)  # type: ignore[misc]
        values = [int(new_id), datetime.now(), user, "rollback", f"回滚批次 {batch_id}", None]
        con.execute(sql.INSERT_BATCH, [*values, int(n), 0, 0, 0, None, reason, batch_id])
        con.execute(sql.MARK_ROLLED_BACK, [batch_id])
        store.bump_data_version(con)
        auth_sql.append_audit(
            con, user_id=actor.user_id or None, user_name=user, method=actor.method,
            action=str(Action.ROLLBACK), obj=f"批次#{new_id}", reason=reason,
            before={"batch": batch_id, "status": "loaded"},
            after={"batch": int(new_id), "withdrawn": int(n), "table": table},
        )  # fmt: skip
    return Withdrawal(int(new_id), int(n), 0, 0, source=str(row[0]))


def latest_updates(
    store: Store, as_of: date | None = None, known_on: date | None = None
) -> pd.DataFrame:
    """The latest update of each task with a status date by ``as_of`` (recorded by ``known_on``)."""
    bound = end_of_day(known_on) if known_on is not None else None
    with store.connect(read_only=True) as con:
        return con.execute(sql.LATEST_TASK_UPDATES, [as_of, as_of, bound, bound]).df()


def all_updates(store: Store) -> pd.DataFrame:
    """Every update in force (not withdrawn by a rollback), ranked once by the rule of
    :func:`latest_in` (each task's latest first): what it picks from, for as many dates as
    needed, with neither a query nor a sort each."""
    with store.connect(read_only=True) as con:
        out = con.execute(sql.ALL_TASK_UPDATES).df()
    out["status_date"] = pd.to_datetime(out["status_date"]).dt.date.astype(object)
    return _ranked(out)


_STATUS_RANK = {"已完成": 2, "进行中": 1}  # a tie goes to the furthest status, as in the SQL
_DAY, _RANKED = "_day", "plantrack.ranked"  # the status date as a day number; the frame's mark


def _ranked(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in the order of the SQL rule (by task; latest status date, then latest
    recording, then furthest status first), with the status date as a day number."""
    rank = rows["status"].map(_STATUS_RANK).fillna(0)
    day = [d.toordinal() for d in rows["status_date"]]
    out = rows.assign(_rank=rank, **{_DAY: pd.array(day, dtype="int64")}).sort_values(
        ["task_id", _DAY, "recorded_at", "_rank"],
        ascending=[True, False, False, False],
        kind="stable",
    )
    out = out.drop(columns="_rank").reset_index(drop=True)
    out.attrs[_RANKED] = True  # latest_in then takes the order as it is
    return out


def latest_in(
    updates: pd.DataFrame, as_of: date | None = None, known_on: date | None = None
) -> pd.DataFrame:
    """:func:`latest_updates` over :func:`all_updates`' frame instead of the database: the
    latest update of each task with a status date by ``as_of`` (recorded by ``known_on``),
    ordered by task; the same rule as ``sql.LATEST_TASK_UPDATES``."""
    rows = updates if updates.attrs.get(_RANKED) else _ranked(updates)
    keep = np.ones(len(rows), dtype=bool)
    if as_of is not None:
        keep &= rows[_DAY].to_numpy() <= as_of.toordinal()
    if known_on is not None:
        keep &= (rows["recorded_at"] < end_of_day(known_on)).to_numpy()
    # ranked: the first kept row of each task is its latest (the filter keeps the order)
    at = np.flatnonzero(keep)
    task = rows["task_id"].to_numpy()[at]
    at = at[~pd.Series(task).duplicated().to_numpy()]
    columns = [i for i, c in enumerate(rows.columns) if c != _DAY]
    return rows.iloc[at, columns].reset_index(drop=True)


def task_history(store: Store, task_id: str) -> pd.DataFrame:
    """Every update of a task, oldest first; ``withdrawn_by`` is the rollback batch that
    withdrew it (its file was rolled back), else missing."""
    with store.connect(read_only=True) as con:
        return con.execute(sql.TASK_HISTORY, [task_id]).df()


def count_updates(store: Store) -> int:
    with store.connect(read_only=True) as con:
        row = first_row(con, sql.COUNT_TASK_UPDATES)
    return int(row[0]) if row else 0
