"""登录 Log in: the same form every page shows without a session; once logged in, who you are."""

import streamlit as st

from app import session
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
actor = session.current()
if actor is not None:
    st.success(t("auth.user", name=actor.label, role=actor.role))
    st.markdown(f":material/dashboard: [{t('nav.overview')}](/overview)")
