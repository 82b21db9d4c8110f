"""Pieces shared by the pages: the as-of date, verdict words, links to an indicator.

State that should survive a change of page (the as-of date, the indicator last opened) is
kept under ``_``-prefixed session keys: Streamlit forgets a widget's own key when a page
without that widget runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.i18n import STRINGS, lang, lang_params, t
from plantrack.periods import parse_period
from plantrack.present import LIGHT_DOTS, VERDICTS, fmt_share, verdict_icon
from plantrack.workspace import Workspace

MID, FINAL = date(2023, 12, 31), date(2025, 12, 31)  # the demo's; see plan_dates
MIN_DATE = date(2020, 1, 1)
DATE_FORMAT = "YYYY-MM-DD"  # the one date format of the UI (date_input and DateColumn)
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


def plan_dates(ws: Workspace) -> tuple[date, date, date]:
    """(earliest date, 中期, 终期) of the configured plans: from the first day of the earliest
    base period (or start year) to the end of the last plan year; 中期 is the end of the
    middle year. A registry for 2001–2011 can be read at 2008, not only from 2020."""
    plans = list(ws.plans.values())
    if not plans:
        return MIN_DATE, MID, FINAL
    firsts = []
    for p in plans:
        base = parse_period(p.base_period) if p.base_period else None
        firsts.append(date(base.year, 1, 1) if base else date(p.start_year - 1, 1, 1))
    start, end = min(p.start_year for p in plans), max(p.end_year for p in plans)
    return min(firsts), date((start + end) // 2, 12, 31), date(end, 12, 31)


def parse_date(text: str, earliest: date = MIN_DATE) -> date | None:
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return None
    return d if d >= earliest else None


def as_of_picker(key: str = "as_of", url: bool = False) -> date:
    """An as-of date (default today) with quick picks 中期 / 终期 / 今天.

    The date is shared by every page of the session; with ``url`` it is also read from and
    written to ``?as_of=`` so that a shared link opens on the same date.
    """
    from app.cache import workspace

    first, mid, final = plan_dates(workspace())
    today = date.today()
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(SHARED_AS_OF, today)
    if url:
        sync_from_url(key, "as_of", lambda text: parse_date(text, first), today)
    if isinstance(st.session_state[key], date) and st.session_state[key] < first:
        st.session_state[key] = first  # a date from another registry's session
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    # the quick picks stay in one row on a phone (columns would stack them)
    picks = right.container(horizontal=True, gap="small")
    for label, value in (
        (t("asof.mid"), mid),
        (t("asof.final"), final),
        (t("asof.today"), today),
    ):
        if picks.button(label, key=f"{key}_{value}"):
            st.session_state[key] = value
    chosen = left.date_input(
        t("asof.label"), key=key, min_value=first, format=DATE_FORMAT, help=t("asof.help")
    )
    st.session_state[SHARED_AS_OF] = chosen
    if url:
        sync_to_url("as_of", chosen)
    return chosen


# -- words ------------------------------------------------------------------------------


# Material icon and colour per verdict, for text Streamlit draws as markdown (labels,
# captions, links): no emoji font is needed. Tables (plain text cells) use the text icons of
# plantrack.present and a text colour per light (:func:`light_styles`).
MATERIAL = {
    "逆向": "trending_down",
    "未实现": "cancel",
    "未保持": "cancel",
    "逾期": "alarm",
    "滞后": "hourglass_bottom",
    "未达标": "cancel",
    "逾期完成": "history",
    "基本符合预期": "check",
    "快于预期": "trending_up",
    "进行中": "pending",
    "提前实现": "star",
    "已实现": "check_circle",
    "已达标": "check_circle",
    "已完成": "task_alt",
    "监测": "monitoring",
    "无法评估": "help",
}
FAR_ABOVE = 1.5  # completion above 150% is written as 远超目标
MD_COLOURS = {"green": "green", "yellow": "orange", "red": "red", "grey": "gray"}
TEXT_COLOURS = {"green": "#1b5e20", "yellow": "#8a5a00", "red": "#b71c1c", "grey": "#616161"}


def _verdict(verdict: object) -> str:
    return verdict if isinstance(verdict, str) and verdict else "无法评估"


def verdict_text(verdict: object) -> str:
    """The verdict in the reader's language, with its icon (which survives grey-scale print)."""
    v = _verdict(verdict)
    return f"{verdict_icon(v)} {t('verdict.' + v)}"


def verdict_icon_md(verdict: object) -> str:
    """The verdict's Material icon in its light's colour (markdown)."""
    v = _verdict(verdict)
    light = VERDICTS.get(v, ("grey",))[0]
    return f":{MD_COLOURS[light]}[:material/{MATERIAL.get(v, 'help')}:]"


def verdict_md(verdict: object) -> str:
    """Icon and word as markdown, for labels, links and captions."""
    return f"{verdict_icon_md(verdict)} {t('verdict.' + _verdict(verdict))}"


def light_styles(lights: pd.Series) -> list[str]:
    """CSS per table cell: the light's colour as bold text (the word and icon carry it too)."""
    return [
        f"color: {TEXT_COLOURS.get(x, TEXT_COLOURS['grey'])}; font-weight: 600"
        for x in lights.fillna("grey")
    ]


def badges(texts: pd.Series, lights: pd.Series) -> tuple[list[list[str]], list[str], list[str]]:
    """Cells, options and colours of a badge column (``st.column_config.MultiselectColumn``,
    read-only): each text drawn white on its light's colour. Cheaper to send than a pandas
    Styler (~20 ms a table less on every run, no jinja2 templates on the first)."""
    colour = lights.fillna("grey").map(TEXT_COLOURS).fillna(TEXT_COLOURS["grey"]).to_numpy()
    options = dict(zip(texts.astype(str).to_numpy(), colour, strict=True))
    return [[x] for x in texts.astype(str)], list(options), list(options.values())


def completion_parts(value: object) -> tuple[str, str | None]:
    """Completion as a figure and, far outside 0–100%, its meaning ("远超目标")."""
    if value is None or not isinstance(value, int | float) or pd.isna(value):
        return "—", None
    share = fmt_share(float(value), 0).replace("-", "−")
    if value > FAR_ABOVE:
        return share, t("completion.far_above.word")
    if value < 0:
        return share, t("completion.below_base.word")
    return share, None


def completion_text(value: object) -> str:
    """Completion with its meaning when it is far outside 0–100% (a base near the target or
    a value past it makes the ratio large): "远超目标（597%）", "比基期倒退（−20%）"."""
    share, meaning = completion_parts(value)
    return share if meaning is None else f"{meaning}（{share}）"


def completion_note(value: object) -> str | None:
    """Why a completion is far outside 0–100%, for a help text or caption."""
    if value is None or not isinstance(value, int | float) or pd.isna(value):
        return None
    if value > FAR_ABOVE:
        return t("completion.far_above.help")
    if value < 0:
        return t("completion.below_base.help")
    return None


def verdict_texts(verdicts: pd.Series) -> pd.Series:
    words = {v: verdict_text(v) for v in pd.unique(verdicts.fillna("无法评估"))}
    return verdicts.fillna("无法评估").map(words)


def light_dots(lights: pd.Series) -> pd.Series:
    """A text shape per light (● ◆ ■ ○), for plain-text cells."""
    return lights.fillna("grey").map(LIGHT_DOTS).fillna(LIGHT_DOTS["grey"])


def growth_text(cls: object) -> str:
    return t("growth." + cls) if isinstance(cls, str) and cls else "—"


def names(ws: Workspace, ids: pd.Series) -> pd.Series:
    """Indicator names in the reader's language."""
    if lang() == "en":
        return ids.map(
            lambda i: (
                (ws.indicators[i].name_en or ws.indicators[i].name) if i in ws.indicators else i
            )
        )
    return ids.map(lambda i: ws.indicators[i].name if i in ws.indicators else i)


def plan_name(ws: Workspace, plan_id: str) -> str:
    """The plan's short name in the reader's language (Chinese where no English is given)."""
    plan = ws.plans.get(plan_id)
    if plan is None:
        return plan_id
    return (plan.short_name_en or plan.short_name) if lang() == "en" else plan.short_name


def plan_full_name(ws: Workspace, plan_id: str) -> str:
    plan = ws.plans.get(plan_id)
    if plan is None:
        return plan_id
    return (plan.name_en or plan.name) if lang() == "en" else plan.name


def area_labels(ws: Workspace) -> dict[str, str]:
    """Area code → name in the reader's language (for pickers and tables)."""
    if lang() != "en":
        return dict(ws.area_names)
    areas = [ws.registry.areas.district, *ws.registry.areas.subareas]
    return {a.code: a.name_en or a.name for a in areas}


def dept_name(ws: Workspace, name: object) -> str:
    """A department or unit as the plans name it, in English where the registry has it."""
    if not isinstance(name, str) or not name:
        return "—"
    if lang() != "en":
        return name
    return ws.registry.names_en.get(name, name)


def dept_names(ws: Workspace, names: pd.Series) -> pd.Series:
    """:func:`dept_name` over a column; a cell may list several, joined by 、."""
    if lang() != "en":
        return names.fillna("—")
    glossary = ws.registry.names_en

    def one(cell: object) -> str:
        if not isinstance(cell, str) or not cell:
            return "—"
        return ", ".join(glossary.get(p, p) for p in cell.split("、"))

    return names.map(one)


def period_label(period: object) -> str:
    """A data period as readers write it: 2025年四季度 / 2025年3月 / 2025年 in Chinese,
    2025 Q4 / 2025-03 / 2025 in English (the stored code ``2025Q4`` is for files)."""
    p = parse_period(period) if period is not None and not pd.isna(period) else None
    if p is None:
        return "—" if period is None or pd.isna(period) else str(period)
    if p.month:
        return t("period.month", year=p.year, month=p.month)
    if p.quarter:
        return t("period.quarter", year=p.year, q=t("period.quarters")[p.quarter - 1])
    return t("period.year", year=p.year)


def unit_text(unit: str) -> str:
    """A unit of measure in the reader's language (``%`` and Chinese units)."""
    return t("unit." + unit) if lang() == "en" and ("unit." + unit) in STRINGS else unit


# -- links to the indicator page ----------------------------------------------------------


def indicator_params(ind_id: str, area: str, as_of: date) -> dict[str, str]:
    return {"id": ind_id, "area": area, "as_of": as_of.isoformat(), **lang_params()}


def indicator_url(ind_id: str, area: str, as_of: date) -> str:
    """A relative link (works under any base path): ``indicator?id=…&area=…&as_of=…``
    (and ``&lang=en`` in English)."""
    p = indicator_params(ind_id, area, as_of)
    extra = "&lang=en" if "lang" in p else ""
    return f"indicator?id={p['id']}&area={p['area']}&as_of={p['as_of']}{extra}"


def indicator_urls(ids: Iterable[str], area: str, as_of: date) -> list[str]:
    """:func:`indicator_url` for many indicators (the language is read once, not per row)."""
    extra = "&lang=en" if lang_params() else ""
    return [f"indicator?id={i}&area={area}&as_of={as_of.isoformat()}{extra}" for i in ids]


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
