"""首页 Overview: what is on track, what lags and who is responsible, at an as-of date."""

import streamlit as st

from app import cache, components
from app import overview_view as view
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
st.title(t("app.title"))
top = st.container()  # filled below, once the date and plan are known
as_of = components.as_of_picker()
approved = st.toggle(
    t("overview.approved_only"), key="ov_approved", help=t("overview.approved_help")
)
if approved:
    table = cache.cached_approved_assessment(ws, as_of, cache.run_version(ws))
else:
    table = cache.cached_assessment(ws, as_of, None, None, cache.run_version(ws))
plan = view.plan_filter(ws, table)
shown = view.for_plan(table, plan)
with top:
    view.summary_line(shown, as_of)

st.subheader(t("overview.counts"))
view.verdict_cards(shown)
st.subheader(t("overview.attention"))
view.attention_list(ws, shown, as_of)
st.subheader(t("overview.scorecard"))
st.caption(t("overview.caption"))
view.scorecard(ws, shown, plan, as_of)
view.monitors(ws, shown, as_of)
