"""Pieces of the report page: choices, cached content, preview with editable text, export.

The report itself is built by :mod:`plantrack.report`; this module only shows it. Files are
generated when a download button is clicked (deferred ``data`` callables), not on every rerun.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from app import cache, components
from app.i18n import t
from app.text import md_escape
from plantrack.report import SECTIONS, ReportContent, build_content, render
from plantrack.report.content import default_org
from plantrack.report.output import pdf_available
from plantrack.report.rows import COLUMNS
from plantrack.report.tasks import KIND_NAMES, status_columns
from plantrack.workspace import Workspace

MIME = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}

BATCH_NAMES = {
    "id": "批次",
    "created_at": "入库时间",
    "file_name": "文件",
    "user_name": "上报人",
    "source": "来源",
    "status": "状态",
}
OVERDUE_NAMES = {"title": "事项", "units": "责任单位", "deadline_text": "完成时限", "label": "状态"}
PROBLEM_NAMES = {"name": "指标", "attribute": "属性", "verdict": "评价", "lead": "牵头部门"}
HASH_SHOWN = 12  # characters of the config hash on screen (the whole one is in the files)


def default_known_on(as_of: date, today: date | None = None) -> date:
    """数据截至日 that goes with an as-of date: the end of the following quarter (when the
    figures for the as-of quarter have been reported), never after today."""
    today = today or date.today()
    quarter_end_month = ((as_of.month - 1) // 3 + 1) * 3
    year, month = as_of.year, quarter_end_month + 3
    if month > 12:
        year, month = year + 1, month - 12
    end = (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date()
    return min(end, today)


def _plain(df: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """A table with Chinese headings and no None (the report itself is written in Chinese)."""
    out = df[list(names)].rename(columns=names)
    return out.astype(object).where(out.notna(), "—")


@dataclass(frozen=True)
class Choice:
    plans: tuple[str, ...]
    as_of: date
    known_on: date
    area: str
    org: str

    @property
    def key(self) -> str:
        """Widget-key suffix: new text areas (with new defaults) when the numbers change."""
        text = f"{self.plans}|{self.as_of}|{self.known_on}|{self.area}"
        return hashlib.sha1(text.encode()).hexdigest()[:10]


def controls(ws: Workspace) -> Choice:
    if "report_as_of" not in st.session_state:
        st.session_state["report_as_of"] = st.session_state.get(
            components.SHARED_AS_OF, components.plan_dates(ws)[1]
        )
    as_of = components.as_of_picker(key="report_as_of")
    c1, c2, c3 = st.columns([3, 2, 2])
    plans = c1.multiselect(
        t("report.plans"),
        list(ws.plans),
        default=list(ws.plans),
        key="report_plans",
        format_func=lambda p: ws.plans[p].short_name,
        placeholder=t("widget.choose_many"),
    )
    if (
        st.session_state.get("_report_known_for") != as_of
        or "report_known_on" not in st.session_state
    ):
        st.session_state["report_known_on"] = default_known_on(as_of)
        st.session_state["_report_known_for"] = as_of
    known_on = c2.date_input(
        t("report.known_on"),
        key="report_known_on",
        format=components.DATE_FORMAT,
        help=t("report.known_on.help"),
    )
    area = c3.selectbox(
        t("report.area"),
        list(ws.area_names),
        key="report_area",
        format_func=ws.area_names.get,
        placeholder=t("widget.choose"),
    )
    org = st.text_input(t("report.org"), value=default_org(ws), key="report_org")
    return Choice(tuple(plans), as_of, known_on, area, org)


@st.cache_data(show_spinner=False, max_entries=16)
def _content(_ws: Workspace, choice: Choice, version: int) -> ReportContent:
    return build_content(
        _ws, choice.as_of, choice.known_on, plans=list(choice.plans), area=choice.area
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _charts(_ws: Workspace, choice: Choice, version: int) -> list[tuple[str, bytes]]:
    from plantrack.report.figures import report_charts

    return report_charts(_content(_ws, choice, version))


def load(ws: Workspace, choice: Choice) -> ReportContent | None:
    if not choice.plans:
        st.info(t("report.no_plan"))
        return None
    try:
        with st.spinner(t("report.building")):
            return _content(ws, choice, cache.data_version(ws))
    except (ValueError, KeyError) as exc:
        st.error(t("report.failed", msg=md_escape(exc)))
        return None


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def _editor(key: str, content: ReportContent, choice: Choice) -> str:
    return st.text_area(
        t("report.edit"),
        value=content.narrative[key],
        # a new default (new numbers, a saved cause or measure) gives a fresh text area
        key=f"report_text_{key}_{choice.key}_{_digest(content.narrative[key])}",
        height=160,
    )


def _counts(content: ReportContent) -> None:
    cols = st.columns(max(len(content.counts), 1))
    for col, (verdict, n) in zip(cols, content.counts.items(), strict=False):
        col.metric(components.verdict_md(verdict), n)


def _table(content: ReportContent) -> None:
    colours = {"green": "#c8e6c9", "yellow": "#fff59d", "red": "#ffcdd2", "grey": "#e0e0e0"}
    df = pd.DataFrame([{k: r[k] for k in COLUMNS} for r in content.rows], columns=COLUMNS)
    lights = [r["_light"] for r in content.rows]

    def shade(col: pd.Series) -> list[str]:
        return [f"background-color: {colours[lights[i]]}" for i in range(len(col))]

    st.dataframe(
        df.style.apply(shade, subset=["评价"]), hide_index=True, width="stretch", placeholder="—"
    )


def _tasks(content: ReportContent) -> None:
    s = content.tasks
    if not s.available:
        st.info(t("report.tasks_none"))
        return
    cols = status_columns(content.final)  # a 总结评估 has no 进行中 and says 未完成
    counts = pd.DataFrame(s.counts).T.rename(index=KIND_NAMES)
    if not counts.empty:
        counts = counts[[k for k, _ in cols]].rename(columns=dict(cols))
        st.dataframe(counts, width="stretch", placeholder="—")
    if not s.overdue.empty:
        st.caption(t("report.overdue.final" if content.final else "report.overdue"))
        st.dataframe(
            _plain(s.overdue, OVERDUE_NAMES), hide_index=True, width="stretch", placeholder="—"
        )


def analysis_editor(ws: Workspace, content: ReportContent) -> None:
    """原因分析和措施 per indicator (append-only in the database; the report uses the latest),
    saved as the logged-in user: the store re-checks the rights (统计员: own indicators)."""
    from app import session
    from plantrack.auth.roles import Action, allows
    from plantrack.store import StoreError
    from plantrack.store.analysis import MAX_TEXT, record_analysis

    with st.expander(t("report.analysis"), expanded=False):
        ids = list(content.problems["indicator"]) + [
            i for i in content.table["indicator"] if i not in set(content.problems["indicator"])
        ]
        if not ids:
            return
        actor = session.current()
        if actor is None or not allows(actor.role, Action.ANALYSIS):
            st.caption(t("auth.readonly", role=actor.role if actor else "—"))
            return
        names = dict(zip(content.table["indicator"], content.table["name"], strict=True))
        ind = st.selectbox(
            t("report.analysis_indicator"),
            ids,
            key="report_analysis_ind",
            format_func=names.get,
            placeholder=t("widget.choose"),
        )
        cause, measures = content.analysis.get(ind, (None, None))
        with st.form(key=f"report_analysis_form_{ind}"):
            new_cause = st.text_area(t("report.analysis_cause"), value=cause or "", height=100)
            new_measures = st.text_area(
                t("report.analysis_measures"), value=measures or "", height=100
            )
            st.caption(t("report.analysis_as", name=actor.label, role=actor.role))
            saved = st.form_submit_button(t("report.analysis_save"))
        if not saved:
            return
        if max(len(new_cause), len(new_measures)) > MAX_TEXT:
            st.error(t("report.analysis_too_long", n=MAX_TEXT))
            return
        try:
            record_analysis(
                ws.store, ind, content.area, cause=new_cause, measures=new_measures,
                actor=actor, scope=ws.scope,
            )  # fmt: skip
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.success(t("report.analysis_saved", name=names[ind]))
            st.rerun()


def preview(ws: Workspace, content: ReportContent, choice: Choice) -> ReportContent:
    """Show every section; return the content with the edited texts and title."""
    title = st.text_input(
        t("report.doc_title"), value=content.title, key=f"report_title_{choice.key}"
    )
    st.caption(
        t(
            "report.meta",
            hash=content.config_hash[:HASH_SHOWN],
            fp=content.fingerprint,
            batches="、".join(map(str, content.batch_ids)) or "—",
        )
    )
    with st.expander(t("report.hash.full")):
        st.code(content.config_hash, language=None)
    texts: dict[str, str] = {}
    for key, heading in SECTIONS:
        st.header(heading)
        if key == "overview":
            st.caption(t("report.counts"))
            _counts(content)
        elif key == "indicators":
            st.caption(t("report.table"))
            _table(content)
            if st.checkbox(t("report.charts"), key="report_show_charts"):
                for caption, png in _charts(ws, choice, cache.data_version(ws)):
                    st.image(png, caption=caption)
        elif key == "tasks":
            _tasks(content)
        elif key == "problems" and not content.problems.empty:
            st.caption(t("report.problems"))
            st.dataframe(
                _plain(content.problems, PROBLEM_NAMES),
                hide_index=True,
                width="stretch",
                placeholder="—",
            )
        if key == "problems":
            analysis_editor(ws, content)
        if key == "methods":
            # paragraphs: each already starts with its own number (一、二、…), no bullet
            st.markdown("\n\n".join(content.methods))
            st.caption(t("report.batches"))
            shown = [k for k in BATCH_NAMES if k in content.batches]
            st.dataframe(
                _plain(content.batches, {k: BATCH_NAMES[k] for k in shown}),
                hide_index=True,
                width="stretch",
                placeholder="—",
            )
        else:
            texts[key] = _editor(key, content, choice)
    return content.with_edits(org=choice.org, title=title, **texts)


def export(ws: Workspace, content: ReportContent, choice: Choice) -> None:
    st.header(t("report.export"))
    st.caption(t("report.export_note"))
    version = cache.data_version(ws)
    charts = _charts(ws, choice, version) if st.session_state.get("report_show_charts") else None
    stem = f"{content.area_name}{content.evaluation}报告_{content.as_of:%Y%m%d}"
    formats = [".docx", ".xlsx"] + ([".pdf"] if pdf_available() else [])
    if not pdf_available():
        st.caption(t("report.no_pdf"))
    cols = st.columns(3)
    for col, fmt in zip(cols, formats, strict=False):
        col.download_button(
            t(f"report.{fmt[1:]}"),
            data=lambda fmt=fmt: render(content, fmt, charts),
            file_name=stem + ("_附表" if fmt == ".xlsx" else "") + fmt,
            mime=MIME[fmt],
            key=f"report_dl_{fmt[1:]}",
            on_click="ignore",
            width="stretch",
        )
