"""系统管理 Administration: accounts and period approval / locks (管理员 only)."""

import streamlit as st

from app import admin_view, session
from app.bootstrap import bootstrap
from app.i18n import t
from plantrack.auth.roles import ADMIN

ws = bootstrap(roles=(ADMIN,))
actor = session.current()
assert actor is not None
st.title(t("admin.title"))
admin_view.flash()
tab_users, tab_periods = st.tabs([t("admin.tab.users"), t("admin.tab.periods")])
with tab_users:
    admin_view.users(ws, actor)
with tab_periods:
    admin_view.periods(ws, actor)
