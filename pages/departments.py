"""按牵头部门 By department: each lead department's indicators and tasks, with verdicts."""

import streamlit as st

from app import cache, components, plan_tasks_view
from app import department_view as view
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
st.title(t("dept.title"))
as_of = components.as_of_picker(key="dept_as_of")
version = cache.data_version(ws)
table = cache.cached_assessment(ws, as_of, None, None, version)
tasks = view.tasks(ws, as_of, version)
summary = view.summary(ws, table, tasks)
st.caption(t("dept.caption"))
dept = view.choose(ws, summary)
if dept is None:
    st.info(t("dept.none"))
else:
    view.detail(ws, dept, table, summary, tasks, as_of)
    plan_tasks_view.department_section(ws, dept)
st.subheader(t("dept.all"))
view.overview_table(ws, summary)
