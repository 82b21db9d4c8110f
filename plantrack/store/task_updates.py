"""Append-only progress updates of tasks and milestones (like observations, never edited)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from plantrack.store import sql
from plantrack.store.store import Store, end_of_day, first_row

UPDATE_COLUMNS = ["task_id", "status", "status_date", "note", "evidence"]
STATUSES = ("未开始", "进行中", "已完成")


def record_updates(
    store: Store, updates: pd.DataFrame, *, user: str, recorded_at: datetime | None = None
) -> int:
    """Append updates (columns task_id, status, status_date, note, evidence) in one transaction."""
    store.ensure_schema()
    df = updates[UPDATE_COLUMNS].copy()
    df["status_date"] = pd.to_datetime(df["status_date"]).dt.date
    df["user_name"] = user
    if "recorded_at" in updates.columns:
        df["recorded_at"] = pd.to_datetime(updates["recorded_at"])
    else:
        df["recorded_at"] = recorded_at or datetime.now()
    for col in ("note", "evidence"):
        df[col] = df[col].astype(object)
    with store.transaction() as con:
        con.register("incoming", df)
        con.execute(sql.INSERT_TASK_UPDATES)
        con.unregister("incoming")
        store.bump_data_version(con)
    return len(df)


def latest_updates(
    store: Store, as_of: date | None = None, known_on: date | None = None
) -> pd.DataFrame:
    """The latest update of each task with a status date by ``as_of`` (recorded by ``known_on``)."""
    bound = end_of_day(known_on) if known_on is not None else None
    with store.connect(read_only=True) as con:
        return con.execute(sql.LATEST_TASK_UPDATES, [as_of, as_of, bound, bound]).df()


def task_history(store: Store, task_id: str) -> pd.DataFrame:
    with store.connect(read_only=True) as con:
        return con.execute(sql.TASK_HISTORY, [task_id]).df()


def count_updates(store: Store) -> int:
    with store.connect(read_only=True) as con:
        row = first_row(con, sql.COUNT_TASK_UPDATES)
    return int(row[0]) if row else 0
