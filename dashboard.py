"""PlanTrack dashboard: ``streamlit run dashboard.py``. Pages are declared in app/nav.py."""

import streamlit as st

from app.i18n import t
from app.nav import pages

st.set_page_config(page_title=t("app.title"), page_icon=":material/monitoring:", layout="wide")
st.navigation(pages(), position="hidden").run()
