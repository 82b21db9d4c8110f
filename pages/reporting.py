"""填报进度 Reporting status: which department has reported what, per quarter and year."""

import streamlit as st

from app import components
from app import reporting_view as view
from app.bootstrap import bootstrap
from app.i18n import t
from plantrack.reporting import rules_from_settings

ws = bootstrap()
st.title(t("reporting.title"))
as_of = components.as_of_picker(key="reporting_as_of", url=True)
rules = rules_from_settings()
st.caption(t("reporting.caption", q=rules.quarter_due_days, y=rules.year_due_days))
period = view.choose_period(as_of)
items = view.counts(ws, period, as_of)
view.grid(ws, as_of)
view.missing(items, period)
