"""登录 Log in: the same form every page shows without a session; once logged in, who you are."""

import streamlit as st

from app import session
from app.bootstrap import bootstrap
from app.i18n import t
from app.text import md_escape_all

ws = bootstrap()
actor = session.current()
if actor is not None:
    st.success(t("auth.user", **md_escape_all(name=actor.label, role=actor.role)))
    st.markdown(f":material/dashboard: [{t('nav.overview')}](/overview)")
