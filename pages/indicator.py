"""指标详情 Indicator: series against target, path and trend; 街道; revisions; definition.

Shareable: ``/indicator?id=<indicator id>&area=<area code>&as_of=<YYYY-MM-DD>``.
"""

import streamlit as st

from app import cache, components
from app import indicator_view as view
from app.bootstrap import bootstrap
from app.i18n import t

ws = bootstrap()
ind, area = view.choose(ws)
as_of = components.as_of_picker(key="ind_as_of", url=True)
version = cache.data_version(ws)
row = view.assessment_row(ws, ind.id, area, as_of, version)

st.title(view.name(ind))
view.headline(ws, ind, area, row, as_of)
st.subheader(t("indicator.series"))
view.series_chart(ws, ind, area, row, as_of, version)
st.subheader(t("indicator.areas", **view.levels(ws)))
view.area_comparison(ws, ind, as_of, version)
st.subheader(t("indicator.values"))
view.values_table(ws, ind, area, as_of, version)
view.downloads(ws, ind, version)
st.subheader(t("indicator.definition"))
view.definition(ws, ind, row)
