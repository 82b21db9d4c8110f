"""Causes and measures per indicator (报告 §四/§五), filled by the lead department.

Append-only like observations: every save is a new row; the report uses the latest row of
each (indicator, area) recorded by its 数据截至日, so an issued report can be reproduced.
SQL in the subset DuckDB and PostgreSQL share (plain types, parameters, window function).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from plantrack.store.schema import MIGRATIONS
from plantrack.store.store import Store

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
    user: str,
    recorded_at: datetime | None = None,
) -> None:
    """Append one entry; bumps the data version.

    ``None`` keeps the text of the latest entry, an empty string clears it.
    """
    store.ensure_schema()
    with store._transaction() as con:
        if cause is None or measures is None:
            prev = con.execute(
                "SELECT cause, measures FROM indicator_analysis WHERE indicator = ? AND area = ? "
                "ORDER BY recorded_at DESC LIMIT 1",
                [indicator, area],
            ).fetchone()
            if prev:
                cause = prev[0] if cause is None else cause
                measures = prev[1] if measures is None else measures
        row = [
            indicator,
            area,
            _clean(cause),
            _clean(measures),
            user,
            recorded_at or datetime.now(),
        ]
        con.execute(
            "INSERT INTO indicator_analysis "
            "(indicator, area, cause, measures, user_name, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            row,
        )
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) "
            "WHERE key = 'data_version'"
        )


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
    if not store.path.exists() or _version(store) < ANALYSIS_MIGRATION:
        return pd.DataFrame(columns=ANALYSIS_COLUMNS)
    with store._connect(read_only=True) as con:
        return con.execute(sql, [until, until]).df()


def analysis_history(store: Store, indicator: str, area: str | None = None) -> pd.DataFrame:
    if not store.path.exists() or _version(store) < ANALYSIS_MIGRATION:
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
