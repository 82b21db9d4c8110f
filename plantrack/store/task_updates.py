"""Append-only progress updates of tasks and milestones (like observations, never edited)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from plantrack.store.store import Store, first_row

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
    with store._connect() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("incoming", df)
            con.execute(
                """INSERT INTO task_updates
                   SELECT task_id, status, status_date, note, evidence, user_name, recorded_at, NULL
                   FROM incoming"""
            )
            con.unregister("incoming")
            con.execute(
                "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) "
                "WHERE key = 'data_version'"
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return len(df)


def latest_updates(
    store: Store, as_of: date | None = None, known_on: date | None = None
) -> pd.DataFrame:
    """The latest update of each task with a status date by ``as_of`` (recorded by ``known_on``)."""
    sql = """SELECT task_id, status, status_date, note, evidence, user_name, recorded_at FROM (
                SELECT *, row_number() OVER (
                    PARTITION BY task_id ORDER BY status_date DESC, recorded_at DESC) AS rn
                FROM task_updates
                WHERE (? IS NULL OR status_date <= ?)
                  AND (? IS NULL OR recorded_at < CAST(? AS DATE) + INTERVAL 1 DAY)) AS r
             WHERE rn = 1"""
    with store._connect(read_only=True) as con:
        return con.execute(sql, [as_of, as_of, known_on, known_on]).df()


def task_history(store: Store, task_id: str) -> pd.DataFrame:
    with store._connect(read_only=True) as con:
        return con.execute(
            "SELECT * FROM task_updates WHERE task_id = ? ORDER BY status_date, recorded_at",
            [task_id],
        ).df()


def count_updates(store: Store) -> int:
    with store._connect(read_only=True) as con:
        row = first_row(con, "SELECT count(*) FROM task_updates")
    return int(row[0]) if row else 0
