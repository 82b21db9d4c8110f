"""Every Streamlit cache of the app, in one place. Keys include the store's data_version,
so a load in any process refreshes them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from plantrack.scorecard import assessment_table, observations
from plantrack.settings import Settings, resolve
from plantrack.workspace import Workspace, open_workspace


def workspace() -> Workspace:
    """The workspace for the current settings (env / settings file), opened once per process."""
    return _workspace(resolve())


@st.cache_resource(show_spinner=False)
def _workspace(settings: Settings) -> Workspace:
    return open_workspace(settings=settings)


def data_version(ws: Workspace) -> int:
    return ws.store.data_version()


@st.cache_data(show_spinner=False, max_entries=32)
def cached_observations(_ws: Workspace, known_on: date | None, version: int) -> pd.DataFrame:
    return observations(_ws, known_on=known_on)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_assessment(
    _ws: Workspace, as_of: date, known_on: date | None, area: str | None, version: int
) -> pd.DataFrame:
    obs = cached_observations(_ws, known_on, version)
    return assessment_table(_ws, as_of, known_on=known_on, area=area, obs=obs)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_history(_ws: Workspace, indicator: str, area: str | None, version: int) -> pd.DataFrame:
    return _ws.store.history(indicator, area)


def clear() -> None:
    """After a successful load: drop every cached table."""
    st.cache_data.clear()
