"""Pieces of the indicator page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app import cache
from app.i18n import t
from plantrack.charts import series_figure
from plantrack.config import Indicator
from plantrack.present import LIGHT_DOTS, fmt_number, fmt_share, fmt_target, verdict_icon
from plantrack.workspace import Workspace


def choose(ws: Workspace) -> tuple[Indicator, str]:
    """Indicator and area from the query string (shareable URL) or the pickers."""
    ids = [i.id for i in ws.registry.indicators]
    first_target = next((i.id for i in ws.registry.indicators if i.kind == "target"), ids[0])
    qp = st.query_params
    if "ind_id" not in st.session_state:
        st.session_state["ind_id"] = qp.get("id") if qp.get("id") in ids else first_target
    if "ind_area" not in st.session_state:
        st.session_state["ind_area"] = (
            qp.get("area") if qp.get("area") in ws.area_names else ws.district
        )
    c1, c2 = st.columns([3, 2])
    ind_id = c1.selectbox(
        t("indicator.choose"),
        ids,
        key="ind_id",
        format_func=lambda i: (
            f"{ws.indicators[i].name}（{ws.plans[ws.indicators[i].plan].short_name}）"
        ),
    )
    area = c2.selectbox(
        t("indicator.area"),
        list(ws.area_names),
        key="ind_area",
        format_func=lambda c: ws.area_names[c],
    )
    st.query_params["id"] = ind_id
    st.query_params["area"] = area
    return ws.indicators[ind_id], area


def assessment_row(ws: Workspace, ind_id: str, area: str, as_of: date, version: int) -> dict:
    table = cache.cached_assessment(ws, as_of, None, area, version)
    hit = table[table["indicator"] == ind_id]
    return hit.iloc[0].to_dict() if not hit.empty else {}


def headline(ind: Indicator, row: dict) -> None:
    p = ind.precision
    verdict = row.get("verdict") or "无法评估"
    cols = st.columns(5)
    cols[0].metric(
        t("col.verdict"),
        f"{LIGHT_DOTS.get(row.get('light') or 'grey')} {verdict_icon(verdict)} {verdict}",
    )
    cols[1].metric(
        t("col.latest"), fmt_number(row.get("latest_value"), p, ind.unit), row.get("latest_period")
    )
    cols[2].metric(
        t("col.target"), fmt_target(row.get("comparator"), row.get("target_value"), ind.unit, p)
    )
    cols[3].metric(t("col.completion"), fmt_share(row.get("completion")))
    cols[4].metric(t("col.time_share"), fmt_share(row.get("time_share")))
    if row.get("reason"):
        st.info(row["reason"])


def series_chart(ws: Workspace, ind: Indicator, area: str, row: dict, version: int) -> None:
    obs = cache.cached_observations(ws, None, version)
    series = obs[(obs["indicator"] == ind.id) & (obs["area"] == area)]
    if series.empty:
        st.info(t("indicator.nodata"))
        return
    labels = {k: t(f"chart.{k}") for k in ("actual", "target", "path", "projection", "revised")}
    st.plotly_chart(series_figure(series, row, ind.unit, labels=labels), width="stretch")


def values_table(ws: Workspace, ind: Indicator, area: str, version: int) -> None:
    hist = cache.cached_history(ws, ind.id, area, version)
    if hist.empty:
        st.info(t("indicator.nodata"))
        return
    view = hist[["period", "value", "revision", "recorded_at", "user_name", "reason", "file_name"]]
    st.dataframe(view.iloc[::-1], hide_index=True, width="stretch")


def definition(ws: Workspace, ind: Indicator) -> None:
    plan = ws.plans[ind.plan]
    rows = {
        "指标代码": ind.id,
        "所属规划": f"{plan.name}（{plan.doc_no}）",
        "单位": ind.unit,
        "属性": ind.attribute or "—",
        "目标": ind.target.text if ind.target else "—",
        "牵头部门": "、".join(ind.lead),
        "参与部门": "、".join(ind.participating) or "—",
        "计算公式": ind.formula or "—",
        "汇总方式": ind.rollup.method,
        "条款原文": ind.clause,
    }
    st.table(pd.DataFrame({"项目": list(rows), "内容": list(rows.values())}))
