"""The reference app of bench/bench_ratio.py: a title, a date and a line chart (no PlanTrack).

    streamlit run bench/trivial_app.py

The date input has the same key and format as PlanTrack's as-of picker, so the harness
changes it the same way in both apps; the chart's data depends on it, so a change reruns
the script and redraws the chart.
"""

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

st.title("Trivial app")
as_of = st.date_input("As of", value=date(2025, 12, 31), key="as_of", format="YYYY-MM-DD")
rng = np.random.default_rng(as_of.toordinal())
st.line_chart(pd.DataFrame({"value": rng.normal(size=24).cumsum()}))
