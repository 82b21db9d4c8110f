"""任务进展 Tasks: board by category / unit, on-time rates, timeline, recording progress."""

import streamlit as st

from app import cache, components, plan_tasks_view, session, tasks_view
from app.bootstrap import bootstrap
from app.i18n import t
from plantrack.auth.roles import ADMIN, STATISTICIAN

ws = bootstrap()
actor = session.current()
role = actor.role if actor else ""
readonly = t("auth.readonly", role=role)
st.title(t("tasks.title"))
tasks_view.flash()
as_of = components.as_of_picker(key="tasks_as_of")
table = cache.cached_tasks(ws, as_of, cache.data_version(ws))
st.caption(t("tasks.caption"))
shown, plan, unit = tasks_view.filters(ws, table)
tasks_view.summary(shown)

keys = ("board", "rates", "timeline", "update", "bulk")
tabs = st.tabs([*(t(f"tasks.tab.{k}") for k in keys), t("ptasks.tab")])
with tabs[0]:
    tasks_view.board(ws, shown)
with tabs[1]:
    tasks_view.rates(shown, as_of)
with tabs[2]:
    tasks_view.timeline(shown, as_of)
with tabs[3]:
    if role in (STATISTICIAN, ADMIN):
        tasks_view.update_form(ws, shown)
    else:
        st.info(readonly)
with tabs[4]:
    if role in (STATISTICIAN, ADMIN):
        tasks_view.bulk(ws, plan, unit)
    else:
        st.info(readonly)
with tabs[5]:
    plan_tasks_view.tab(ws)
