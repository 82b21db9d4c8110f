"""Append-only progress updates of tasks and milestones (like observations, never edited)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.auth.roles import Action
from plantrack.store import auth_sql, sql
from plantrack.store.auth_sql import Scope
from plantrack.store.store import Store, end_of_day, first_row

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor

UPDATE_COLUMNS = ["task_id", "status", "status_date", "note", "evidence"]
STATUSES = ("未开始", "进行中", "已完成")


def record_updates(
    store: Store,
    updates: pd.DataFrame,
    *,
    actor: Actor,
    scope: Scope | None = None,
    recorded_at: datetime | None = None,
    source: str = "task_update",
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
