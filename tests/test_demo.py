"""The demo generator: deterministic, plausible, and marked as demo."""

from __future__ import annotations

import pandas as pd

from plantrack import demo
from plantrack.config import load_config
from tests.conftest import CONFIG


def test_demo_is_deterministic():
    reg = load_config(CONFIG)
    a, b = demo.generate(reg), demo.generate(reg)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) > 3000


def test_demo_values_respect_valid_ranges_and_components():
    reg = load_config(CONFIG)
    df = demo.generate(reg)
    for ind in reg.indicators:
        vals = df.loc[df["indicator"] == ind.id, "value"]
        if ind.valid_range.min is not None:
            assert (vals >= ind.valid_range.min).all(), ind.id
        if ind.valid_range.max is not None:
            assert (vals <= ind.valid_range.max).all(), ind.id
    # numerators never exceed their denominators (rates ≤ 100%)
    piv = df[
        df["indicator"].isin(["disabled.villages_total", "disabled.villages_with_association"])
    ]
    wide = piv.pivot_table(index=["area", "period"], columns="indicator", values="value")
    assert (wide["disabled.villages_with_association"] <= wide["disabled.villages_total"]).all()
    # no milestone or formula-derived indicator is ever stored as a value
    derived = {i.id for i in reg.indicators if not i.uploadable}
    assert not set(df["indicator"]) & derived


def test_demo_database_is_marked_and_has_batches_per_quarter(demo_ws):
    assert demo_ws.store.is_demo
    batches = demo_ws.store.batches()
    assert len(batches) >= 20
    assert (batches["source"] == "demo").all()
    assert demo_ws.store.counts()["observations"] > 3000


def test_real_database_starts_empty(empty_ws):
    assert not empty_ws.is_demo
    assert empty_ws.store.counts() == {"observations": 0, "current": 0, "batches": 0}
