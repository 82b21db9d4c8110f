"""Pieces of the department page (按牵头部门): everything one department owns, with verdicts.

Department names are normalised (:mod:`plantrack.departments`), so the variants a plan uses
for one bureau land on one page. Tasks come from :func:`plantrack.tasks.board.task_table`.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from app import cache, overview_view
from app import components as c
from app.i18n import lang, t
from plantrack import departments as dep
from plantrack.workspace import Workspace

TASK_LIGHTS = {"逾期": "red", "逾期完成": "yellow", "进行中": "grey", "已完成": "green"}


def tasks(ws: Workspace, as_of: date, version: int) -> pd.DataFrame | None:
    """The task board at ``as_of``, or None while the task module is not installed."""
    try:
        return cache.cached_tasks(ws, as_of, version)
    except ImportError:
        return None


def summary(ws: Workspace, table: pd.DataFrame, task_table: pd.DataFrame | None) -> pd.DataFrame:
    roles = dep.indicator_roles(ws.registry.indicators)
    empty = pd.DataFrame(columns=["id", "status", "overdue", "unit_list"])
    board = empty if task_table is None else task_table
    return dep.summary(roles, table, dep.task_units(board), board)


def _pick(names: list[str]) -> None:
    """on_select of the summary table: open the department of the selected row."""
    row = c.selected_row(st.session_state.get("dept_summary"))
    if row is not None and row < len(names):
        st.session_state["dept"] = names[row]


def choose(ws: Workspace, summ: pd.DataFrame) -> str | None:
    """The department (``?dept=`` in the URL), most red lights first in the list."""
    names = summ["department"].tolist()
    if not names:
        return None
    c.sync_from_url("dept", "dept", lambda v: v if v in names else None, names[0])
    labels = {n: c.dept_name(ws, n) for n in names}
    chosen = st.selectbox(
        t("dept.choose"), names, key="dept", format_func=labels.get, placeholder=t("widget.choose")
    )
    c.sync_to_url("dept", chosen)
    return chosen


def overview_table(ws: Workspace, summ: pd.DataFrame) -> None:
    """Every department at once; selecting a row opens it. Column heads are plain text, so
    the lights are text shapes (■ ◆ ●), never emoji."""
    names = summ["department"].tolist()
    cc = st.column_config
    dots = c.LIGHT_DOTS
    labels = {
        "department": cc.TextColumn(t("dept.col.department"), width="medium"),
        "indicators": cc.NumberColumn(t("dept.col.indicators")),
        "red": cc.NumberColumn(f"{dots['red']} {t('light.red')}"),
        "yellow": cc.NumberColumn(f"{dots['yellow']} {t('light.yellow')}"),
        "green": cc.NumberColumn(f"{dots['green']} {t('light.green')}"),
        "monitor": cc.NumberColumn(t("dept.col.monitor")),
        "tasks": cc.NumberColumn(t("dept.col.tasks")),
        "overdue": cc.NumberColumn(f"{c.verdict_icon('逾期')} {t('dept.col.overdue')}"),
        "done": cc.NumberColumn(f"{c.verdict_icon('已完成')} {t('dept.col.done')}"),
    }
    view = summ.assign(department=summ["department"].map(lambda n: c.dept_name(ws, n)))
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        placeholder="—",
        key="dept_summary",
        column_config=labels,
        on_select=partial(_pick, names),
        selection_mode="single-row",
        height=min(38 + 35 * len(summ), 420),
    )


def detail(
    ws: Workspace,
    dept_name: str,
    table: pd.DataFrame,
    summ: pd.DataFrame,
    task_table: pd.DataFrame | None,
    as_of: date,
) -> None:
    roles = dep.indicator_roles(ws.registry.indicators)
    mine = roles[roles["department"] == dept_name]
    lead_ids = mine.loc[mine["role"] == dep.ROLE_LEAD, "indicator"]
    part_ids = mine.loc[mine["role"] == dep.ROLE_PARTICIPATING, "indicator"]
    row = summ[summ["department"] == dept_name].iloc[0]
    cols = st.columns(4)
    cols[0].metric(t("dept.col.indicators"), int(row["indicators"]), border=True)
    cols[1].metric(":red[:material/cancel:] " + t("dept.metric.red"), int(row["red"]), border=True)
    cols[2].metric(t("dept.col.tasks"), int(row["tasks"]), border=True)
    cols[3].metric(
        f"{c.verdict_icon_md('逾期')} {t('dept.col.overdue')}", int(row["overdue"]), border=True
    )

    st.markdown("#### " + t("dept.lead"))
    led = table[table["indicator"].isin(lead_ids)]
    if led.empty:
        st.caption(t("dept.lead.none"))
    else:
        order = led["kind"].eq("monitor").astype(int) * 1000 + led["order"]
        led = led.loc[order.sort_values(kind="stable").index]
        overview_view.scorecard_table(ws, led, as_of, key="dept_lead")
    if len(part_ids):
        with st.expander(t("dept.participating", n=len(part_ids))):
            overview_view.scorecard_table(
                ws, table[table["indicator"].isin(part_ids)], as_of, key="dept_part"
            )
    st.markdown("#### " + t("dept.tasks"))
    if task_table is None:
        st.info(t("dept.tasks.missing"))
        return
    task_list(ws, dept_name, task_table)


def task_list(ws: Workspace, dept_name: str, task_table: pd.DataFrame) -> None:
    ids = dep.task_units(task_table)
    mine = task_table[task_table["id"].isin(ids.loc[ids["department"] == dept_name, "id"])]
    if mine.empty:
        st.caption(t("dept.tasks.none"))
        return
    rank = {"逾期": 0, "进行中": 1, "逾期完成": 2, "已完成": 3}
    mine = mine.assign(_r=mine["status"].map(rank).fillna(9)).sort_values(["_r", "due"])
    icons = mine["status"].map(lambda s: c.verdict_icon(s) + " ")
    zh = lang() == "zh"
    words = icons + mine["label"].astype(str) if zh else c.verdict_texts(mine["status"])
    view = pd.DataFrame(
        {
            "status": words.astype(str).to_numpy(),
            "title": mine["title"].to_numpy(),
            "plan": mine["plan"].map(lambda p: c.plan_name(ws, p)).to_numpy(),
            "deadline": mine["deadline_text"].fillna("").to_numpy(),
            "due": mine["due"].to_numpy(),
            "note": mine["note"].fillna("").to_numpy(),
        }
    )
    lights = mine["status"].map(TASK_LIGHTS).reset_index(drop=True)
    styled = view.style.apply(lambda col: c.light_styles(lights), subset=["status"])
    cc = st.column_config
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        placeholder="—",
        key="dept_tasks",
        column_config={
            "status": cc.TextColumn(t("dept.task.status")),
            "title": cc.TextColumn(t("dept.task.title"), width="large"),
            "plan": cc.TextColumn(t("plan.label")),
            "deadline": cc.TextColumn(t("dept.task.deadline")),
            "due": cc.DateColumn(t("dept.task.due"), format=c.DATE_FORMAT),
            "note": cc.TextColumn(t("dept.task.note")),
        },
    )
