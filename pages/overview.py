"""首页 Overview: verdict counts, 需关注, the scorecard by plan."""

import streamlit as st

from app import cache, components
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
st.title(t("app.title"))
as_of = components.as_of_picker()
table = cache.cached_assessment(ws, as_of, None, None, cache.data_version(ws))

st.subheader(t("overview.counts"))
components.verdict_cards(table)
st.subheader(t("overview.attention"))
components.attention_list(table)

st.subheader(t("overview.scorecard"))
st.caption(t("overview.caption"))
plans = list(ws.plans.values())
tabs = st.tabs([p.short_name for p in plans])
for tab, plan in zip(tabs, plans, strict=True):
    with tab:
        part = table[table["plan"] == plan.id]
        st.caption(f"{plan.name}（{plan.doc_no}）")
        components.scorecard(part, key=f"scorecard_{plan.id}")
