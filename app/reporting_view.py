"""Pieces of the 填报进度 page: counts, the department × period grid (an HTML table: red
cells carry a × and the words 逾期未报, never colour alone), the list of missing items, and the
one-line status the overview shows. Every rule is in :mod:`plantrack.reporting`."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from app import cache
from app.components import period_label
from app.i18n import t
from plantrack import reporting as rp
from plantrack.periods import Period, parse_period
from plantrack.workspace import Workspace

CELL_STYLE = {
    rp.DEPT_LATE: "background:#fde2e1;color:#7a1212",
    rp.DEPT_PENDING: "background:#fff4cc;color:#5c4400",
    rp.DEPT_DONE: "background:#e3f4e6;color:#14532d",
}
MARKS = {rp.DEPT_LATE: "×", rp.DEPT_PENDING: "…", rp.DEPT_DONE: "✓"}
TABLE_CSS = (
    "<style>.pt-grid{border-collapse:collapse;font-size:.9rem;width:100%}"
    ".pt-grid th,.pt-grid td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left}"
    ".pt-grid th{white-space:nowrap}.pt-grid td{min-width:5.5rem}"
    ".pt-grid thead th{background:#f0f2f6}.pt-wrap{overflow-x:auto}"
    ".pt-grid caption{text-align:left;font-weight:600;padding:.3rem 0}</style>"
)


@st.cache_data(show_spinner=False, max_entries=16)
def _grid(_ws: Workspace, db: str, periods: tuple[str, ...], as_of: date, version: int):
    read = _reader(_ws, db, version)
    return rp.grid(_ws, [parse_period(p) for p in periods], as_of, read=read)  # type: ignore[misc]


@st.cache_data(show_spinner=False, max_entries=16)
def _items(_ws: Workspace, db: str, period: str, as_of: date, version: int) -> pd.DataFrame:
    return rp.items_at(_record(_ws, db, period, version), as_of)


@st.cache_resource(show_spinner=False, max_entries=16)
def _record(_ws: Workspace, db: str, period: str, version: int) -> rp.PeriodRecord:
    """A period's 填报进度 record per data version (read-only): a new as-of date in the
    same quarter, or a quarter seen before, reads nothing."""
    return rp.period_record(_ws, parse_period(period))  # type: ignore[arg-type]


def _reader(ws: Workspace, db: str, version: int) -> Callable[[Period], rp.PeriodRecord]:
    """Periods' records from :func:`_record` (for rp.grid and rp.overview_line)."""
    return lambda period: _record(ws, db, str(period), version)


@st.cache_data(show_spinner=False, max_entries=8)
def _overview(_ws: Workspace, db: str, as_of: date, version: int) -> str:
    return rp.overview_line(_ws, as_of, label=period_label, read=_reader(_ws, db, version))


def _db(ws: Workspace) -> str:
    return f"{ws.settings.db_path}|{ws.config_hash}"


def overview_status(ws: Workspace, as_of: date) -> None:
    """ "x/y 个部门已报送 2024Q1" on the overview, linking to the page."""
    line = _overview(ws, _db(ws), as_of, cache.run_version(ws))
    st.markdown(f":material/outbox: [{t('reporting.overview', line=line)}](/reporting)")


def choose_period(as_of: date) -> Period:
    periods = rp.recent_periods(as_of, quarters=8, years=3)[::-1]
    labels = [str(p) for p in periods]
    default = str(rp.latest_due_quarter(as_of))
    chosen = st.selectbox(
        t("reporting.period"),
        labels,
        index=labels.index(default),
        format_func=period_label,
        placeholder=t("widget.choose"),
        key="reporting_period",
    )
    return parse_period(chosen) or periods[0]


def counts(ws: Workspace, period: Period, as_of: date) -> pd.DataFrame:
    version = cache.data_version(ws)
    items = _items(ws, _db(ws), str(period), as_of, version)
    summary = rp.summarise(items, _record(ws, _db(ws), str(period), version).approval)
    done, total = rp.departments_reported(summary)
    cols = st.columns(4)
    cols[0].metric(
        t("reporting.metric.depts", period=period_label(period)), f"{done}/{total}", border=True
    )
    cols[1].metric(t("reporting.metric.due"), len(items), border=True)
    reported = int(items["status"].isin([rp.ON_TIME, rp.LATE_REPORTED]).sum())
    cols[2].metric(t("reporting.metric.reported"), reported, border=True)
    cols[3].metric(
        "× " + t("reporting.metric.late"), int((items["status"] == rp.LATE).sum()), border=True
    )
    return items


def _cell(row: pd.Series | None) -> str:
    if row is None:
        return '<td><span aria-label="无应报事项">—</span></td>'
    state = str(row["state"])
    text = f"{MARKS[state]} {row['reported']}/{row['due']}"
    if row["late"]:
        text += f" {rp.LATE} {row['late']}"
    elif state == rp.DEPT_PENDING:
        text += f" {rp.PENDING}"
    text += f" · {row['approval']}"  # 草稿 / 已提交 / 已审核
    return f'<td style="{CELL_STYLE[state]}">{html.escape(text)}</td>'


def grid(ws: Workspace, as_of: date) -> None:
    """Departments × recent periods; each cell: mark, reported/due, overdue count in words."""
    periods = tuple(str(p) for p in rp.recent_periods(as_of, quarters=4, years=2))
    table = _grid(ws, _db(ws), periods, as_of, cache.data_version(ws))
    if table.empty:
        st.info(t("reporting.none"))
        return
    lookup = {(r["department"], r["period"]): r for _, r in table.iterrows()}
    late = table.groupby("department")["late"].sum().sort_values(ascending=False, kind="stable")
    head = "".join(f'<th scope="col">{html.escape(period_label(p))}</th>' for p in periods)
    body = []
    for dept in late.index:
        cells = "".join(_cell(lookup.get((dept, p))) for p in periods)
        body.append(f'<tr><th scope="row">{html.escape(str(dept))}</th>{cells}</tr>')
    caption = html.escape(t("reporting.grid"))
    st.markdown(
        f'{TABLE_CSS}<div class="pt-wrap" role="region" tabindex="0" aria-label="{caption}">'
        f'<table class="pt-grid"><caption>{caption}</caption>'
        f'<thead><tr><th scope="col">{t("reporting.grid.dept")}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>",
        unsafe_allow_html=True,
    )


def missing(items: pd.DataFrame, period: Period) -> None:
    """The items not reported yet in the period, overdue first."""
    st.subheader(t("reporting.detail", period=period_label(period)))
    open_ = items[items["status"].isin([rp.LATE, rp.PENDING])]
    if open_.empty:
        st.success(t("reporting.detail.none", period=period_label(period)))
        return
    rank = (open_["status"] != rp.LATE).astype(int)
    open_ = open_.assign(_r=rank).sort_values(["_r", "department"], kind="stable")
    view = pd.DataFrame(
        {
            t("reporting.col.status"): open_["status"].map(
                lambda s: ("× " if s == rp.LATE else "… ") + s
            ),
            t("reporting.grid.dept"): open_["department"],
            t("reporting.col.kind"): open_["kind"].map(lambda k: t(f"reporting.kind.{k}")),
            t("reporting.col.item"): open_["item"],
            t("reporting.col.name"): open_["name"],
            t("reporting.col.due"): open_["due_date"],
        }
    )
    st.dataframe(view, hide_index=True, width="stretch", key="reporting_missing")
