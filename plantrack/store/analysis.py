"""Causes and measures per indicator (报告 §四/§五), filled by the lead department.

Append-only like observations: every save is a new row, written as a logged-in user (see
:func:`record_analysis` for who may write what) and audited; the report uses the latest row of
each (indicator, area) recorded by its 数据截至日, so an issued report can be reproduced.
SQL in the subset DuckDB and PostgreSQL share (plain types, parameters, window function).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from plantrack.auth.roles import Action
from plantrack.store import auth_sql
from plantrack.store.auth_sql import Scope
from plantrack.store.schema import MIGRATIONS
from plantrack.store.store import Store

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor

ANALYSIS_COLUMNS = ["indicator", "area", "cause", "measures", "user_name", "recorded_at"]
MAX_TEXT = 2000
ANALYSIS_MIGRATION = next(
    i for i, m in enumerate(MIGRATIONS, 1) if any("indicator_analysis" in sql for sql in m)
)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def record_analysis(
    store: Store,
    indicator: str,
    area: str,
    *,
    cause: str | None,
    measures: str | None,
    actor: Actor,
    scope: Scope | None = None,
    recorded_at: datetime | None = None,
) -> str:
    """Append one entry as ``actor``; bumps the data version. Returns the account name stored.

    In the same transaction as the insert, :func:`~plantrack.store.auth_sql.authorize`
    re-checks the session and the user row: 管理员 and 评估人员 may write for any indicator,
    a 统计员 only for one whose lead or participating department (``scope``) is theirs, a
    领导 never. A refusal is audited and stores nothing. The name stored is the account's.
    ``None`` keeps the text of the latest entry, an empty string clears it.
    """
    obj = f"{indicator} {area}"
    with store.guarded(actor, Action.ANALYSIS, obj) as con:
        owners = scope.owners_of([indicator]) if scope is not None else None
        user = str(auth_sql.authorize(con, actor, Action.ANALYSIS, owners=owners)["name"])
        prev = con.execute(
            "SELECT cause, measures FROM indicator_analysis WHERE indicator = ? AND area = ? "
            "ORDER BY recorded_at DESC LIMIT 1",
            [indicator, area],
        ).fetchall()
        before = {"cause": prev[0][0], "measures": prev[0][1]} if prev else None
        if before is not None:
            cause = before["cause"] if cause is None else cause
            measures = before["measures"] if measures is None else measures
        after = {"cause": _clean(cause), "measures": _clean(measures)}
        row = [indicator, area, after["cause"], after["measures"], user]
        con.execute(
            "INSERT INTO indicator_analysis "
            "(indicator, area, cause, measures, user_name, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [*row, recorded_at or datetime.now()],
        )
        store.bump_data_version(con)
        auth_sql.append_audit(
            con, user_id=actor.user_id or None, user_name=user, method=actor.method,
            action=str(Action.ANALYSIS), obj=obj, before=before, after=after,
        )  # fmt: skip
    return user


def latest_analysis(store: Store, known_on: date | None = None) -> pd.DataFrame:
    """The latest entry of each (indicator, area) recorded by the end of ``known_on``."""
    until = datetime.combine(known_on + timedelta(days=1), time()) if known_on else None
    sql = """SELECT indicator, area, cause, measures, user_name, recorded_at FROM (
                SELECT indicator, area, cause, measures, user_name, recorded_at,
                       row_number() OVER (
                           PARTITION BY indicator, area ORDER BY recorded_at DESC) AS rn
                FROM indicator_analysis
                WHERE (? IS NULL OR recorded_at < ?)) AS r
             WHERE rn = 1
             ORDER BY indicator, area"""
    if not store.exists() or _version(store) < ANALYSIS_MIGRATION:
        return pd.DataFrame(columns=ANALYSIS_COLUMNS)
    with store._connect(read_only=True) as con:
        return con.execute(sql, [until, until]).df()


def analysis_history(store: Store, indicator: str, area: str | None = None) -> pd.DataFrame:
    if not store.exists() or _version(store) < ANALYSIS_MIGRATION:
        return pd.DataFrame(columns=ANALYSIS_COLUMNS)
    with store._connect(read_only=True) as con:
        return con.execute(
            "SELECT indicator, area, cause, measures, user_name, recorded_at "
            "FROM indicator_analysis WHERE indicator = ? AND (? IS NULL OR area = ?) "
            "ORDER BY recorded_at",
            [indicator, area, area],
        ).df()


def _version(store: Store) -> int:
    try:
        return int(store.meta("schema_version") or 0)
    except duckdb.Error:  # a file without a meta table: an empty database
        return 0
