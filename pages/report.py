"""评估报告 Report: choose plans, dates and area; preview; edit the text; export Word / Excel / PDF."""

import streamlit as st

from app import report_view
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
st.title(t("report.title"))
st.caption(t("report.caption"))
choice = report_view.controls(ws)
content = report_view.load(ws, choice)
if content is not None:
    edited = report_view.preview(ws, content, choice)
    report_view.export(ws, edited, choice)
