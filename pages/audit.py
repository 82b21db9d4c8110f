"""审计记录 Audit trail: filters, chain check, CSV export (管理员 only)."""

import streamlit as st

from app import admin_view, session
from app.bootstrap import bootstrap
from app.i18n import t
from plantrack.auth.roles import ADMIN

ws = bootstrap(roles=(ADMIN,))
actor = session.current()
assert actor is not None
st.title(t("audit.title"))
st.caption(t("audit.caption"))
admin_view.audit(ws, actor)
