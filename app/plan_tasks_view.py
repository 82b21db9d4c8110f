"""The plans' key tasks (规划主要任务): list, the yearly progress form, bulk Excel, and the
department view's section. Rules and data come from :mod:`plantrack.tasks.plan_tasks`."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app import cache, session
from app.bulk_view import BulkBlock, bulk_block
from app.i18n import t
from app.text import md_escape, md_escape_all, md_list
from plantrack.store import StoreError
from plantrack.store.plan_progress import progress_history
from plantrack.tasks.history import withdrawn_marks
from plantrack.tasks.plan_bulk import load_plan_bulk, template_bytes
from plantrack.tasks.plan_tasks import (
    DEGREES,
    NOTE_MAX,
    degree_counts,
    plan_task_table,
    store_progress,
)
from plantrack.tasks.updates import UpdateError
from plantrack.workspace import Workspace

# text marks Noto Sans CJK draws (no emoji or symbol font needed)
MARKS = {"未启动": "○", "推进中": "◐", "基本完成": "◉", "已完成": "●", "未报送": "×"}
FORM_LABELS = {
    "task_id": "「任务」",
    "year": "「年度」",
    "degree": "「完成程度」",
    "progress": "「进展情况」",
    "evidence": "「佐证材料」",
    "department": "「填报部门」",
    "user": "「填报人」",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _view(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("ptasks.col.section"): table["section"],
            t("ptasks.col.title"): table["title"],
            t("ptasks.col.lead"): table["lead"].map("、".join),
            t("ptasks.col.year"): table["year"].map(lambda y: "" if pd.isna(y) else str(y)),
            t("ptasks.col.degree"): table["degree"].map(lambda d: f"{MARKS.get(d, '')} {d}"),
            t("ptasks.col.progress"): table["progress"].fillna(""),
        }
    )


def tab(ws: Workspace) -> None:
    """The 规划主要任务 tab of the task page: list with counts, form, bulk."""
    if not ws.plan_tasks:
        st.info(t("ptasks.none"))
        return
    st.caption(t("ptasks.caption"))
    plans = list(dict.fromkeys(pt.plan for pt in ws.plan_tasks))
    plan = st.selectbox(
        t("ptasks.plan"),
        plans,
        placeholder=t("widget.choose"),
        key="ptasks_plan",
        format_func=lambda p: ws.plans[p].short_name,
    )
    table = plan_task_table(ws)
    part = table[table["plan"] == plan]
    counts = degree_counts(part)
    st.markdown(" · ".join(f"{MARKS[k]} {k} **{v}**" for k, v in counts.items()))
    st.dataframe(_view(part), hide_index=True, width="stretch", key="ptasks_table")
    form(ws, part)
    bulk(ws, plan)


def form(ws: Workspace, part: pd.DataFrame) -> None:
    st.markdown(f"**{t('ptasks.form.title')}**")
    titles = dict(zip(part["id"], part["section"] + " " + part["title"], strict=True))
    task_id = st.selectbox(
        t("ptasks.form.task"),
        list(titles),
        placeholder=t("widget.choose"),
        key="ptasks_task",
        format_func=titles.__getitem__,
    )
    task = next(pt for pt in ws.plan_tasks if pt.id == task_id)
    with st.expander(task.section + task.title):
        st.text(task.text)
    today = date.today()
    years = list(range(task.start_year, min(task.end_year, today.year) + 1))[::-1]
    with st.form("ptasks_form"):
        c1, c2, c3 = st.columns(3)
        year = c1.selectbox(
            t("ptasks.year"), years, placeholder=t("widget.choose"), key="ptasks_year"
        )
        dept = c2.selectbox(
            t("ptasks.form.dept"),
            list(task.lead),
            placeholder=t("widget.choose"),
            key="ptasks_dept",
        )
        degree = c3.selectbox(
            t("ptasks.form.degree"),
            list(DEGREES),
            placeholder=t("widget.choose"),
            key="ptasks_degree",
        )
        progress = st.text_area(
            t("ptasks.form.progress"), max_chars=NOTE_MAX, key="ptasks_progress"
        )
        evidence = st.text_input(t("ptasks.form.evidence"), key="ptasks_evidence")
        submitted = st.form_submit_button(t("ptasks.form.submit"), type="primary")
    if submitted:
        _save(ws, task_id, year, degree, progress, evidence, dept)
    history(ws, task_id)


def _save(
    ws: Workspace, task_id: str, year: int, degree: str, progress: str, evidence: str, dept: str
) -> None:
    row = {
        "task_id": task_id,
        "year": year,
        "degree": degree,
        "progress": progress,
        "evidence": evidence,
        "department": dept,
    }
    try:
        actor = session.current()
        if actor is None:
            st.error(t("auth.login.prompt"))
            return
        store_progress(ws, [row], actor=actor, source="页面填报", labels=FORM_LABELS)
    except UpdateError as exc:
        st.error(t("ptasks.form.refused") + "\n\n" + md_list(exc.problems))
        return
    except StoreError as exc:
        st.error(md_escape(exc))
        return
    cache.clear()
    st.success(t("ptasks.form.saved", **md_escape_all(task=task_id, year=year, degree=degree)))


def history(ws: Workspace, task_id: str) -> None:
    """A key task's records, newest first; those of a rolled-back file marked 已撤回."""
    st.markdown(f"**{t('ptasks.history')}**")
    hist = progress_history(ws.store, task_id)
    if hist.empty:
        st.caption(t("ptasks.history.none"))
        return
    view = hist.iloc[::-1]
    recorded = pd.to_datetime(view["recorded_at"]).dt.strftime("%Y-%m-%d %H:%M")
    st.dataframe(
        pd.DataFrame(
            {
                t("ptasks.col.year"): view["year"].astype(str).to_numpy(),
                t("ptasks.col.degree"): (view["degree"] + withdrawn_marks(view)).to_numpy(),
                t("ptasks.col.progress"): view["progress"].fillna("").to_numpy(),
                t("ptasks.form.dept"): view["department"].fillna("—").to_numpy(),
                t("ptasks.form.user"): view["user_name"].fillna("—").to_numpy(),
                t("ptasks.hist.recorded"): recorded.fillna("—").to_numpy(),
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="—",
        key="ptasks_history",
    )


BULK = BulkBlock(
    "ptasks.bulk",
    "规划主要任务进展模板.xlsx",
    ("ptasks_template", "ptasks_file", "ptasks_bulk_go"),
    load_plan_bulk,
)


def bulk(ws: Workspace, plan: str) -> None:
    st.markdown(f"**{t('ptasks.bulk.title')}**")
    result = bulk_block(ws, BULK, template_bytes(ws, plan=plan))
    if result is not None:
        n, batch = result.stored, result.batch_id
        st.success(t("ptasks.bulk.loaded", file=md_escape(result.file), n=n, batch=batch))


def department_section(ws: Workspace, dept: str) -> None:
    """The key tasks a department leads, with their latest yearly progress."""
    if not ws.plan_tasks:
        return
    st.markdown("#### " + t("ptasks.dept"))
    table = plan_task_table(ws)
    mine = table[table["lead"].map(lambda leads: dept in leads)]
    if mine.empty:
        st.caption(t("ptasks.dept.none"))
        return
    st.dataframe(_view(mine), hide_index=True, width="stretch", key="dept_plan_tasks")
