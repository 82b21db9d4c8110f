"""When each (indicator, period) was first reported, for 填报进度 (portable SQL)."""

from __future__ import annotations

import pandas as pd

from plantrack.store.sql import NOT_WITHDRAWN
from plantrack.store.store import Store


def first_reported(store: Store, periods: list[str]) -> pd.DataFrame:
    """indicator, period, first_at (the first non-deleted revision of any area) per pair."""
    if not periods:
        return pd.DataFrame(columns=["indicator", "period", "first_at"])
    marks = ", ".join("?" for _ in periods)
    sql = f"""SELECT indicator, period, MIN(recorded_at) AS first_at
              FROM observations
              WHERE NOT deleted AND period IN ({marks})
              GROUP BY indicator, period"""
    with store.connect(read_only=True) as con:
        return con.execute(sql, list(periods)).df()


def progress_reported(store: Store, years: list[int]) -> pd.DataFrame:
    """task_id, year, first_at: when each key task's yearly progress was first recorded."""
    if not years:
        return pd.DataFrame(columns=["task_id", "year", "first_at"])
    marks = ", ".join("?" for _ in years)
    sql = f"""SELECT task_id, year, MIN(recorded_at) AS first_at
              FROM plan_task_progress WHERE year IN ({marks}) AND {NOT_WITHDRAWN}
              GROUP BY task_id, year"""
    with store.connect(read_only=True) as con:
        return con.execute(sql, [int(y) for y in years]).df()
