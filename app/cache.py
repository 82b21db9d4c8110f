"""Every Streamlit cache of the app, in one place.

Keys hold the database (path and config hash) and the store's ``data_version``, so a load in
any process refreshes them and two databases in one process never share an entry.

- The observation table (all areas, with roll-ups) is large: it is a ``cache_resource``,
  shared by every session and never copied or pickled, and only the latest version or two
  are kept. Callers must not modify it. It is read without ORDER BY (through Arrow); each
  slice of it (one area, one indicator) is put in order.
- Small results (the assessment of one area at one date, the task board, the revisions of
  one indicator) are ``cache_data``: each as-of date is assessed once.
"""

from __future__ import annotations

import os
from datetime import date

import pandas as pd
import streamlit as st

from plantrack.periods import parse_period
from plantrack.scorecard import assessment_table, observations
from plantrack.settings import Settings, resolve
from plantrack.store.connection import keep_readers_open
from plantrack.workspace import Workspace, open_workspace

_OBS_COLUMNS = ["indicator", "area", "period", "value", "revision", "source"]


def workspace() -> Workspace:
    """The workspace for the current settings (env / settings file), opened once per process."""
    return _workspace(resolve())


@st.cache_resource(show_spinner=False)
def _workspace(settings: Settings) -> Workspace:
    ws = open_workspace(settings=settings)
    keep_readers_open(reader_linger())
    return ws


def reader_linger() -> float:
    """Seconds the server keeps a DuckDB file open for reading after its last read
    (``PLANTRACK_READER_LINGER``, default 1; 0: a new connection for every read). A run
    reads 5–7 times and each fresh open costs 30–150 ms (plantrack/store/connection.py)."""
    try:
        return max(0.0, float(os.environ.get("PLANTRACK_READER_LINGER", "1")))
    except ValueError:
        return 1.0


def data_version(ws: Workspace) -> int:
    return ws.store.data_version()


_RUN_VERSION = "_plantrack_data_version_this_run"


def run_state(ws: Workspace) -> bool:
    """Read ``data_version`` and the demo flag in one go at the top of a run (bootstrap);
    returns whether the data is the demo. :func:`run_version` then gives the version
    read at the start of this run without another connection."""
    version, demo = ws.store.state()
    st.session_state[_RUN_VERSION] = version
    return ws.settings.demo or demo


def run_version(ws: Workspace) -> int:
    """The data version read by :func:`run_state` in this run (read now if there was none)."""
    version = st.session_state.get(_RUN_VERSION)
    return version if isinstance(version, int) else data_version(ws)


def _db(ws: Workspace) -> str:
    return f"{ws.settings.database}|{ws.config_hash}"


def _compact(obs: pd.DataFrame) -> pd.DataFrame:
    """The columns the pages use, text as categories (a tenth of the memory at 1M rows)."""
    out = obs[[c for c in _OBS_COLUMNS if c in obs]].copy()
    for col in ("indicator", "area", "period", "source"):
        if col in out:
            out[col] = out[col].astype("category")
    out["value"] = out["value"].astype(float)
    return out


@st.cache_resource(show_spinner=False, max_entries=2)
def _observations(_ws: Workspace, db: str, known_on: date | None, version: int) -> pd.DataFrame:
    return _compact(observations(_ws, known_on=known_on, ordered=False, categories=True))


def _in_order(part: pd.DataFrame) -> pd.DataFrame:
    """A slice by indicator, area and period end (the whole table is read unordered)."""
    ends = {p: getattr(parse_period(str(p)), "index", -1) for p in pd.unique(part["period"])}
    key = part["period"].map(ends).astype("int64")
    return (
        part.assign(_end=key)
        .sort_values(["indicator", "area", "_end"], kind="stable")
        .drop(columns="_end")
        .reset_index(drop=True)
    )


def cached_observations(ws: Workspace, known_on: date | None, version: int) -> pd.DataFrame:
    """Current values of every indicator and area, with roll-ups (read-only: do not modify)."""
    return _observations(ws, _db(ws), known_on, version)


@st.cache_resource(show_spinner=False, max_entries=64)
def _slice(_ws: Workspace, db: str, known_on, version: int, column: str, value: str):
    obs = cached_observations(_ws, known_on, version)
    return _in_order(obs[obs[column] == value])


def area_observations(ws: Workspace, area: str, version: int, known_on=None) -> pd.DataFrame:
    """Current values in one area (read-only)."""
    return _slice(ws, _db(ws), known_on, version, "area", area)


def indicator_observations(ws: Workspace, ind: str, version: int, known_on=None) -> pd.DataFrame:
    """Current values of one indicator in every area (read-only)."""
    return _slice(ws, _db(ws), known_on, version, "indicator", ind)


@st.cache_data(show_spinner=False, max_entries=128)
def _assessment(
    _ws: Workspace, db: str, as_of: date, known_on: date | None, area: str, version: int
) -> pd.DataFrame:
    obs = area_observations(_ws, area, version, known_on)
    updates = _task_updates(_ws, db, version)
    return assessment_table(_ws, as_of, known_on=known_on, area=area, obs=obs, updates=updates)


@st.cache_resource(show_spinner=False, max_entries=2)
def _task_updates(_ws: Workspace, db: str, version: int) -> pd.DataFrame:
    """Every task update in force (a few hundred rows; read-only): each as-of date's
    milestone verdicts are picked from it instead of querying the database again."""
    from plantrack.store.task_updates import all_updates

    return all_updates(_ws.store)


def cached_assessment(
    ws: Workspace, as_of: date, known_on: date | None, area: str | None, version: int
) -> pd.DataFrame:
    """The scorecard of one area (default the district) at ``as_of``."""
    return _assessment(ws, _db(ws), as_of, known_on, area or ws.district, version)


@st.cache_data(show_spinner=False, max_entries=16)
def _approved_assessment(_ws: Workspace, db: str, as_of: date, version: int) -> pd.DataFrame:
    obs = observations(_ws, approved_only=True)
    return assessment_table(_ws, as_of, area=_ws.district, obs=obs)


def cached_approved_assessment(ws: Workspace, as_of: date, version: int) -> pd.DataFrame:
    """The district scorecard at ``as_of`` from approved (已审核) figures only, each as
    approved (the overview's 仅显示已审核数据)."""
    return _approved_assessment(ws, _db(ws), as_of, version)


@st.cache_data(show_spinner=False, max_entries=64)
def _history(_ws: Workspace, db: str, indicator: str, area: str | None, version: int):
    return _ws.store.history(indicator, area)


def cached_history(ws: Workspace, indicator: str, area: str | None, version: int) -> pd.DataFrame:
    """Every revision of one indicator (in one area, or all)."""
    return _history(ws, _db(ws), indicator, area, version)


@st.cache_data(show_spinner=False, max_entries=32)
def _tasks(_ws: Workspace, db: str, as_of: date, version: int) -> pd.DataFrame:
    from plantrack.tasks.board import task_table

    return task_table(_ws, as_of)


def cached_tasks(ws: Workspace, as_of: date, version: int) -> pd.DataFrame:
    """The task board at ``as_of`` (task updates bump the data version too)."""
    return _tasks(ws, _db(ws), as_of, version)


def clear() -> None:
    """After a successful load: drop every cached table."""
    st.cache_data.clear()
    _observations.clear()
    _slice.clear()
    _task_updates.clear()
