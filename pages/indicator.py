"""指标详情 Indicator: series against target and path, values with revisions, definition.

Shareable: ``/indicator?id=<indicator id>&area=<code>``.
"""

import streamlit as st

from app import cache, components, indicator_view
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
ind, area = indicator_view.choose(ws)
as_of = components.as_of_picker(key="ind_as_of")
version = cache.data_version(ws)
row = indicator_view.assessment_row(ws, ind.id, area, as_of, version)

st.title(ind.name)
indicator_view.headline(ind, row)
st.subheader(t("indicator.series"))
indicator_view.series_chart(ws, ind, area, row, version)
st.subheader(t("indicator.values"))
indicator_view.values_table(ws, ind, area, version)
st.subheader(t("indicator.definition"))
indicator_view.definition(ws, ind)
