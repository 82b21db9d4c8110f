"""Pieces shared by the pages: the as-of date, verdict words, links to an indicator.

State that should survive a change of page (the as-of date, the indicator last opened) is
kept under ``_``-prefixed session keys: Streamlit forgets a widget's own key when a page
without that widget runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.i18n import lang, t
from plantrack.present import LIGHT_DOTS, verdict_icon
from plantrack.workspace import Workspace

MID, FINAL = date(2023, 12, 31), date(2025, 12, 31)
MIN_DATE = date(2020, 1, 1)
SHARED_AS_OF = "_as_of"
INDICATOR_PAGE = "pages/indicator.py"


# -- state shared with the URL ------------------------------------------------------------


def sync_from_url(key: str, param: str, parse: Callable[[str], Any], default: Any) -> None:
    """Set widget state ``key`` from query parameter ``param`` when the URL brings a new value.

    A value the page itself wrote last time (:func:`sync_to_url`) is not re-applied, so a
    widget change is not undone by the stale URL of the run before. Otherwise the widget
    keeps its state, or starts from the last value this session chose, or ``default``.
    """
    raw = st.query_params.get(param)
    seen = f"_url_{param}"
    if raw is not None and raw != st.session_state.get(seen):
        value = parse(raw)
        if value is not None:
            st.session_state[key] = value
    if key not in st.session_state:
        last = st.session_state.get(seen)
        value = parse(last) if last is not None else None
        st.session_state[key] = default if value is None else value


def sync_to_url(param: str, value: object) -> None:
    text = value.isoformat() if isinstance(value, date) else str(value)
    st.query_params[param] = text
    st.session_state[f"_url_{param}"] = text


def parse_date(text: str) -> date | None:
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return None
    return d if d >= MIN_DATE else None


def as_of_picker(key: str = "as_of", url: bool = False) -> date:
    """An as-of date (default today) with quick picks 中期 / 终期 / 今天.

    The date is shared by every page of the session; with ``url`` it is also read from and
    written to ``?as_of=`` so that a shared link opens on the same date.
    """
    today = date.today()
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(SHARED_AS_OF, today)
    if url:
        sync_from_url(key, "as_of", parse_date, today)
    cols = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    for col, label, value in (
        (cols[1], t("asof.mid"), MID),
        (cols[2], t("asof.final"), FINAL),
        (cols[3], t("asof.today"), today),
    ):
        if col.button(label, key=f"{key}_{value}", width="stretch"):
            st.session_state[key] = value
    chosen = cols[0].date_input(t("asof.label"), key=key, min_value=MIN_DATE, format="YYYY-MM-DD")
    st.session_state[SHARED_AS_OF] = chosen
    if url:
        sync_to_url("as_of", chosen)
    return chosen


# -- words ------------------------------------------------------------------------------


def verdict_text(verdict: object) -> str:
    """The verdict in the reader's language, with its icon (which survives grey-scale print)."""
    v = verdict if isinstance(verdict, str) and verdict else "无法评估"
    return f"{verdict_icon(v)} {t('verdict.' + v)}"


def verdict_texts(verdicts: pd.Series) -> pd.Series:
    words = {v: verdict_text(v) for v in pd.unique(verdicts.fillna("无法评估"))}
    return verdicts.fillna("无法评估").map(words)


def light_dots(lights: pd.Series) -> pd.Series:
    return lights.fillna("grey").map(LIGHT_DOTS).fillna(LIGHT_DOTS["grey"])


def growth_text(cls: object) -> str:
    return t("growth." + cls) if isinstance(cls, str) and cls else "—"


def names(ws: Workspace, ids: pd.Series) -> pd.Series:
    """Indicator names in the reader's language."""
    if lang() == "en":
        return ids.map(lambda i: ws.indicators[i].name_en if i in ws.indicators else i)
    return ids.map(lambda i: ws.indicators[i].name if i in ws.indicators else i)


def plan_name(ws: Workspace, plan_id: str) -> str:
    plan = ws.plans.get(plan_id)
    return plan.short_name if plan else plan_id


# -- links to the indicator page ----------------------------------------------------------


def indicator_params(ind_id: str, area: str, as_of: date) -> dict[str, str]:
    return {"id": ind_id, "area": area, "as_of": as_of.isoformat()}


def indicator_url(ind_id: str, area: str, as_of: date) -> str:
    """A relative link (works under any base path): ``indicator?id=…&area=…&as_of=…``."""
    p = indicator_params(ind_id, area, as_of)
    return f"indicator?id={p['id']}&area={p['area']}&as_of={p['as_of']}"


def indicator_link(label: str, ind_id: str, area: str, as_of: date) -> None:
    """``st.page_link`` to one indicator; a plain link where the page list is unknown (a
    page run on its own, e.g. in AppTest)."""
    try:
        st.page_link(
            INDICATOR_PAGE, label=label, query_params=indicator_params(ind_id, area, as_of)
        )
    except StreamlitAPIException:
        st.markdown(f"[{label}]({indicator_url(ind_id, area, as_of)})")


def open_indicator(ind_id: str, area: str, as_of: date) -> None:
    """Go to the indicator page (from a selection in a table or a chart)."""
    st.switch_page(INDICATOR_PAGE, query_params=indicator_params(ind_id, area, as_of))


def _selection(event: object) -> dict:
    if event is None:
        return {}
    sel = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    return dict(sel) if sel else {}


def selected_row(event: object) -> int | None:
    """The first selected row of an ``st.dataframe`` selection event (or its session state)."""
    rows = _selection(event).get("rows") or []
    return int(rows[0]) if rows else None


def selected_point(event: object) -> str | None:
    """The indicator id (``customdata[0]``) of the first point clicked in a plotly chart."""
    for p in _selection(event).get("points") or []:
        data = p.get("customdata")
        if isinstance(data, list | tuple) and data:
            return str(data[0])
        if isinstance(data, str):
            return data
    return None
