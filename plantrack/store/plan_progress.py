"""Yearly progress of the plans' key tasks (进展情况, 完成程度, 佐证): append-only rows, the
latest recorded per (task, year) is current. SQL in the subset DuckDB and PostgreSQL share."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.auth.roles import Action
from plantrack.departments import normalise
from plantrack.store import auth_sql
from plantrack.store.sql import NOT_WITHDRAWN, WITHDRAWN_BY
from plantrack.store.store import Store
from plantrack.store.task_updates import FileBatch, open_batch

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor

PROGRESS_COLUMNS = ["task_id", "year", "degree", "progress", "evidence", "department"]
_INSERT = """INSERT INTO plan_task_progress
    (task_id, year, degree, progress, evidence, department, user_name, recorded_at, source,
     batch_id)
    SELECT task_id, year, degree, progress, evidence, department, user_name, recorded_at, source,
           batch_id
    FROM incoming_progress"""
_CURRENT = (
    """SELECT task_id, year, degree, progress, evidence, department, user_name,
                     recorded_at, source
              FROM (SELECT p.*, row_number() OVER (
                        PARTITION BY task_id, year ORDER BY recorded_at DESC) AS rn
                    FROM plan_task_progress AS p
                    WHERE (CAST(? AS TIMESTAMP) IS NULL OR recorded_at < ?)
                      AND """
    + NOT_WITHDRAWN
    + """) AS r
              WHERE rn = 1
              ORDER BY task_id, year"""
)


def record_progress(
    store: Store,
    rows: pd.DataFrame,
    *,
    actor: Actor,
    source: str,
    recorded_at: datetime | None = None,
    batch: FileBatch | None = None,
) -> int:
    """Append progress rows (columns PROGRESS_COLUMNS) in one transaction; returns the count.
    ``actor``'s rights are re-checked in that transaction (a statistician only for rows of
    their departments); the change or the refusal is audited."""
    when = recorded_at or datetime.now()
    df = pd.DataFrame(
        {
            "task_id": rows["task_id"].astype(str),
            "year": rows["year"].astype(int),
            "degree": rows["degree"].astype(str),
            "progress": rows["progress"].fillna("").astype(str),
            "evidence": [e if isinstance(e, str) and e else None for e in rows["evidence"]],
            "department": rows["department"].astype(str),
        }
    )
    df["evidence"] = df["evidence"].astype(object)
    df["recorded_at"] = pd.Timestamp(when)
    df["source"] = source
    ids = sorted(set(df["task_id"]))
    obj = ids[0] if len(ids) == 1 else f"{len(ids)} 项重点任务"
    owners: dict[str, list[str]] = {}
    for task, dept in zip(df["task_id"], df["department"], strict=True):
        owners.setdefault(f"{task}（{dept}）", []).append(normalise(dept))
    with store.guarded(actor, Action.TASK_UPDATE, obj) as con:
        user = str(auth_sql.authorize(con, actor, Action.TASK_UPDATE, owners=owners)["name"])
        df["user_name"] = user
        df = df[["task_id", "year", "degree", "progress", "evidence", "department", "user_name",
                 "recorded_at", "source"]]  # fmt: skip
        df["batch_id"] = pd.array([None] * len(df), dtype="Int32")
        if batch is not None:
            df["batch_id"] = open_batch(con, user, batch, len(df), when)
        after = [
            {"task": t, "year": int(y), "degree": d}
            for t, y, d in zip(df["task_id"], df["year"], df["degree"], strict=True)
        ]
        auth_sql.append_audit(
            con, user_id=actor.user_id or None, user_name=user, method=actor.method,
            action=str(Action.TASK_UPDATE), obj=obj,
            after=after if len(after) <= 200 else {"rows": len(after), "source": source},
        )  # fmt: skip
        con.register("incoming_progress", df)
        con.execute(_INSERT)
        con.unregister("incoming_progress")
        store.bump_data_version(con)
    return len(df)


def current_progress(store: Store, recorded_before: datetime | None = None) -> pd.DataFrame:
    """The latest progress of every (task, year), optionally as recorded before a moment."""
    with store.connect(read_only=True) as con:
        return con.execute(_CURRENT, [recorded_before, recorded_before]).df()


def progress_history(store: Store, task_id: str) -> pd.DataFrame:
    """Every record of a key task, by year; ``withdrawn_by`` as in ``task_history``."""
    with store.connect(read_only=True) as con:
        return con.execute(
            "SELECT u.*, " + WITHDRAWN_BY + " FROM plan_task_progress AS u"
            " WHERE u.task_id = ? ORDER BY u.year, u.recorded_at",
            [task_id],
        ).df()
