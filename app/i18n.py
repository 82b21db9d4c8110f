"""Every UI string, in Chinese (default) and English. Pages call ``t(key)``."""

from __future__ import annotations

import streamlit as st

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("规划指标监测平台", "PlanTrack — plan target monitoring"),
    "nav.section.monitor": ("监测", "Monitoring"),
    "nav.overview": ("总览", "Overview"),
    "nav.indicator": ("指标详情", "Indicator"),
    "lang.label": ("语言 / Language", "语言 / Language"),
    "demo.banner": (
        "示例数据（模拟，非官方统计）：当前打开的是自动生成的示例数据库，所有数值均为虚构，仅供试用。",
        "Demo data (synthetic, not official statistics): every figure here is invented for trial use.",
    ),
    "source.label": ("数据来源", "Data source"),
    "error.config": ("配置文件有误，系统无法启动：", "The configuration has errors:"),
    "error.store": ("数据库无法打开：", "The database cannot be opened:"),
    "asof.label": ("评估基准日", "As-of date"),
    "asof.mid": ("中期 2023-12-31", "Mid-term 2023-12-31"),
    "asof.final": ("终期 2025-12-31", "Final 2025-12-31"),
    "asof.today": ("今天", "Today"),
    "plan.all": ("全部规划", "All plans"),
    "plan.label": ("规划", "Plan"),
    "col.light": ("灯", "Light"),
    "col.name": ("指标", "Indicator"),
    "col.verdict": ("评价", "Verdict"),
    "col.latest": ("现状值", "Latest"),
    "col.period": ("数据期", "Period"),
    "col.target": ("目标值", "Target"),
    "col.completion": ("完成进度", "Completion"),
    "col.time_share": ("时序进度", "Time share"),
    "col.lead": ("牵头部门", "Lead department"),
    "col.attribute": ("属性", "Attribute"),
    "col.baseline": ("基期值", "Baseline"),
    "col.reason": ("说明", "Note"),
    "overview.counts": ("评价分布", "Verdicts"),
    "overview.attention": ("需关注", "Needs attention"),
    "overview.attention.none": (
        "没有逆向或滞后的指标。",
        "No indicator is lagging or moving away.",
    ),
    "overview.scorecard": ("指标一览", "Scorecard"),
    "overview.caption": (
        "完成进度 =（现状值 − 基期值）/（目标值 − 基期值）；时序进度 = 已过时间 / 规划期。评价规则见“测算方法”。",
        "Completion = (latest − baseline) / (target − baseline); time share = elapsed / plan period.",
    ),
    "indicator.choose": ("选择指标", "Indicator"),
    "indicator.area": ("地区", "Area"),
    "indicator.series": ("数据序列", "Series"),
    "indicator.definition": ("指标定义", "Definition"),
    "indicator.values": ("数值与修订记录", "Values and revisions"),
    "indicator.nodata": (
        "该指标在所选地区还没有数据。",
        "No data for this indicator in this area yet.",
    ),
    "chart.actual": ("实际值", "Actual"),
    "chart.target": ("目标值", "Target"),
    "chart.path": ("序时进度路径", "Required path"),
    "chart.projection": ("趋势外推", "Projection"),
    "chart.revised": ("有修订", "Revised"),
}


def lang() -> str:
    return "en" if st.session_state.get("lang") == "en" else "zh"


def t(key: str, **kwargs: object) -> str:
    zh, en = STRINGS.get(key, (key, key))
    text = en if lang() == "en" else zh
    return text.format(**kwargs) if kwargs else text
