"""Pieces of the task page (任务进展): filters, board, rates, timeline, the two update forms.

The table and every rule come from :mod:`plantrack.tasks`; this module only draws them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from app import cache, session
from app import components as c
from app.bulk_view import BulkBlock, bulk_block
from app.i18n import t
from app.text import md_escape, md_list
from plantrack.charts_tasks import deadline_timeline
from plantrack.store import StoreError
from plantrack.store.task_updates import task_history
from plantrack.tasks import board as tb
from plantrack.tasks.bulk import load_bulk, template_bytes
from plantrack.tasks.history import withdrawn_marks
from plantrack.tasks.updates import (
    EVIDENCE_SUFFIXES,
    NOTE_MAX,
    STATUSES,
    UpdateError,
    evidence_path,
    record_update,
)
from plantrack.workspace import Workspace

LIGHTS = {"逾期": "red", "进行中": "grey", "逾期完成": "yellow", "已完成": "green"}
ROW_STYLE = {"overdue": "background-color: #fde2e1", "soon": "background-color: #fff1c2"}
FORM_SOURCE = "页面填报"
FORM_LABELS = {
    "task_id": "「任务」",
    "status": "「状态」",
    "status_date": "「进展日期」",
    "note": "「进展说明」",
    "evidence": "「佐证材料」",
    "user": "「填报人」",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def flash() -> None:
    """A success message left by the previous run (saved, then rerun to refresh the board)."""
    if msg := st.session_state.pop("tasks_flash", None):
        st.success(md_escape(msg))


def filters(ws: Workspace, table: pd.DataFrame) -> tuple[pd.DataFrame, str | None, str | None]:
    c1, c2, c3 = st.columns([2, 2, 3])
    everything = t("tasks.filter.all")  # format_func must not read the session (AppTest)
    plans = {"": everything} | {p: c.plan_name(ws, p) for p in ws.plans}
    plan = c1.selectbox(
        t("tasks.filter.plan"),
        ["", *ws.plans],
        key="tasks_plan",
        format_func=plans.get,
        placeholder=t("widget.choose"),
    )
    units = {"": everything} | {u: c.dept_name(ws, u) for u in tb.all_units(table)}
    unit = c2.selectbox(
        t("tasks.filter.unit"),
        list(units),
        key="tasks_unit",
        format_func=units.get,
        placeholder=t("widget.choose"),
    )
    words = {v: c.verdict_text(v) for v in tb.VERDICTS}
    statuses = c3.multiselect(
        t("tasks.filter.status"),
        list(tb.VERDICTS),
        key="tasks_status",
        placeholder=t("tasks.filter.all"),
        format_func=words.get,
    )
    part = tb.filter_table(table, plan=plan or None, unit=unit or None, statuses=statuses)
    return part, plan or None, unit or None


def summary(table: pd.DataFrame) -> None:
    cols = st.columns(6)
    cols[0].metric(t("tasks.count.total"), len(table))
    counts = table["status"].value_counts()
    for col, status in zip(cols[1:5], tb.VERDICTS, strict=True):
        col.metric(c.verdict_md(status), int(counts.get(status, 0)))
    cols[5].metric(
        f":orange[:material/event_upcoming:] {t('tasks.count.soon')}", int(table["due_soon"].sum())
    )


def _evidence_text(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    return t("tasks.evidence.file") if value.startswith("file:") else value


def _date(value: object) -> str:
    """A date as the UI writes every date (2023-12-31); nothing as —."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "—"
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _styled(ws: Workspace, part: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The board as readers see it: the plan's item number (序号), never the internal id."""
    status_col = t("tasks.col.status")
    view = pd.DataFrame(
        {
            status_col: [
                f"{c.verdict_icon(s)} {lb}"
                for s, lb in zip(part["status"], part["label"], strict=True)
            ],
            t("tasks.col.seq"): part["seq"],
            t("tasks.col.title"): part["title"],
            t("tasks.col.units"): c.dept_names(ws, part["units"]),
            t("tasks.col.deadline"): part["deadline_text"].fillna("—"),
            t("tasks.col.due"): part["due"].map(_date),
            t("tasks.col.latest"): [
                f"{u} {_date(d)}" if isinstance(u, str) else "—"
                for u, d in zip(part["update_status"], part["status_date"], strict=True)
            ],
            t("tasks.col.note"): part["note"].fillna(""),
            t("tasks.col.evidence"): part["evidence"].map(_evidence_text),
        }
    )
    styles = [
        ROW_STYLE["overdue"] if o else ROW_STYLE["soon"] if s else ""
        for o, s in zip(part["overdue"], part["due_soon"], strict=True)
    ]
    lights = c.light_styles(part["status"].map(LIGHTS))
    return view.style.apply(lambda row: [styles[row.name]] * len(row), axis=1).apply(
        lambda col: [f"{a}; {b}" if a else b for a, b in zip(styles, lights, strict=True)],
        subset=[status_col],
    )


def board(ws: Workspace, table: pd.DataFrame) -> None:
    by = st.radio(
        t("tasks.group.label"),
        ["category", "unit"],
        key="tasks_group",
        horizontal=True,
        format_func={g: t(f"tasks.group.{g}") for g in ("category", "unit")}.get,
    )
    st.caption(t("tasks.legend"))
    if table.empty:
        st.info(t("tasks.empty"))
        return
    if by == "category":
        groups = list(table.groupby("category", sort=False))
    else:
        groups = [(c.dept_name(ws, u), tb.filter_table(table, unit=u)) for u in tb.all_units(table)]
    for name, part in groups:
        overdue, soon = int(part["overdue"].sum()), int(part["due_soon"].sum())
        mark = (
            ":red[:material/alarm:] "
            if overdue
            else ":orange[:material/event_upcoming:] "
            if soon
            else ""
        )
        text = t("tasks.group.summary", n=len(part), overdue=overdue, soon=soon)
        with st.expander(f"{mark}{name} — {text}", expanded=bool(overdue or soon)):
            st.dataframe(
                _styled(ws, part.reset_index(drop=True)),
                hide_index=True,
                width="stretch",
                placeholder="—",
            )


def rates(table: pd.DataFrame, as_of: date) -> None:
    st.info(t("tasks.rates.definition", as_of=as_of))
    df = tb.department_rates(table, as_of)
    names = {c: t(f"tasks.rate.{c}") for c in tb.RATE_COLUMNS}
    view = df.assign(rate=df["rate"].astype(float)).rename(columns=names)
    rate = names["rate"]
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            rate: st.column_config.ProgressColumn(
                rate, format="percent", min_value=0.0, max_value=1.0
            )
        },
    )


def timeline(table: pd.DataFrame, as_of: date) -> None:
    st.caption(t("tasks.timeline.caption"))
    if table.empty:
        st.info(t("tasks.empty"))
        return
    st.plotly_chart(deadline_timeline(table, as_of), width="stretch")


def update_form(ws: Workspace, table: pd.DataFrame) -> None:
    if table.empty:
        st.info(t("tasks.empty"))
        return
    titles = {
        i: f"{c.plan_name(ws, p)} {t('tasks.seq', n=n)}  {title}"
        for i, p, n, title in zip(table["id"], table["plan"], table["seq"], table["title"],
                                  strict=True)
    }  # fmt: skip
    st.session_state["_tasks_titles"] = dict(zip(table["id"], table["title"], strict=True))
    task = st.selectbox(
        t("tasks.form.task"),
        list(titles),
        key="tasks_form_task",
        format_func=titles.get,
        placeholder=t("widget.choose"),
    )
    row = table[table["id"] == task].iloc[0]
    st.caption(
        f"{c.verdict_md(row.status)}（{row.label}）· {row.deadline_text}（{_date(row.due)}）"
        f"· {c.dept_name(ws, row.units)}"
    )
    with st.expander(t("tasks.requirement")):
        st.text(row.requirement)
    today = date.today()
    with st.form("tasks_form"):
        status = st.radio(
            t("tasks.form.status"),
            list(STATUSES),
            index=1,
            key="tasks_form_status",
            horizontal=True,
        )
        day = st.date_input(
            t("tasks.form.date"),
            value=today,
            min_value=ws.plans[row.plan].issued,
            max_value=today,
            key="tasks_form_date",
            format=c.DATE_FORMAT,
        )
        note = st.text_area(t("tasks.form.note"), max_chars=NOTE_MAX, key="tasks_form_note")
        link = st.text_input(t("tasks.form.link"), key="tasks_form_link")
        types = [s.lstrip(".") for s in EVIDENCE_SUFFIXES]
        file = st.file_uploader(t("tasks.form.file"), type=types, key="tasks_form_file")
        submitted = st.form_submit_button(t("tasks.form.submit"), type="primary")
    if submitted:
        if link.strip() and file is not None:
            st.error(t("tasks.form.both"))
        else:
            update = {
                "task_id": task,
                "status": status,
                "status_date": day,
                "note": note,
                "evidence": link,
            }
            evidence = (file.name, file.getvalue()) if file is not None else None
            _save(ws, update, evidence)
    _history(ws, task)


def _save(ws: Workspace, update: dict, evidence: tuple[str, bytes] | None) -> None:
    actor = session.current()
    if actor is None:
        st.error(t("auth.login.prompt"))
        return
    try:
        record_update(
            ws, update, actor=actor, source=FORM_SOURCE, labels=FORM_LABELS, evidence_file=evidence
        )
    except UpdateError as exc:
        st.error(t("tasks.form.refused") + "\n\n" + md_list(exc.problems))
        return
    except StoreError as exc:
        st.error(md_escape(exc))
        return
    cache.clear()
    for key in ("tasks_form_note", "tasks_form_link"):
        st.session_state.pop(key, None)
    title = st.session_state.get("_tasks_titles", {}).get(update["task_id"], update["task_id"])
    st.session_state["tasks_flash"] = t(
        "tasks.form.saved",
        task=title,
        status=update["status"],
        date=update["status_date"],
    )
    st.rerun()


def _history(ws: Workspace, task: str) -> None:
    st.markdown(f"**{t('tasks.history')}**")
    hist = task_history(ws.store, task)
    if hist.empty:
        st.caption(t("tasks.history.none"))
        return
    view = hist.iloc[::-1]
    st.dataframe(
        pd.DataFrame(
            {
                t("tasks.hist.date"): view["status_date"].map(_date).to_numpy(),
                t("tasks.hist.status"): (
                    view["status"].fillna("—") + withdrawn_marks(view)
                ).to_numpy(),
                t("tasks.hist.note"): view["note"].fillna("").to_numpy(),
                t("tasks.hist.evidence"): view["evidence"].map(_evidence_text).to_numpy(),
                t("tasks.hist.user"): view["user_name"].fillna("—").to_numpy(),
                t("tasks.hist.recorded"): pd.to_datetime(view["recorded_at"])
                .dt.strftime("%Y-%m-%d %H:%M")
                .fillna("—")
                .to_numpy(),
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="—",
    )
    for i, ev in enumerate(hist["evidence"].dropna()):
        path = evidence_path(ws, ev)
        if path and Path(path).exists():
            name = Path(path).name
            st.download_button(
                f"{name[:12]}…{Path(path).suffix}",
                Path(path).read_bytes(),
                file_name=name,
                key=f"tasks_ev_{i}",
                icon=":material/attach_file:",
            )


BULK = BulkBlock(
    "tasks.bulk",
    "任务进展填报模板.xlsx",
    ("tasks_template", "tasks_bulk_file", "tasks_bulk_go"),
    load_bulk,
    primary=True,
)


def bulk(ws: Workspace, plan: str | None, unit: str | None) -> None:
    st.caption(t("tasks.bulk.help"))
    result = bulk_block(ws, BULK, template_bytes(ws, plan=plan, unit=unit))
    if result is not None:
        n, batch = result.stored, result.batch_id
        st.session_state["tasks_flash"] = t("tasks.bulk.loaded", file=result.file, n=n, batch=batch)
        st.rerun()
