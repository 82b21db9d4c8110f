"""Properties of the assessment that must hold for any data (hypothesis)."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from plantrack.assess import Assessment, Rule, assess_frame, assess_one
from plantrack.periods import Period
from tests.test_assess_frame import rules_and_obs

# Verdicts ordered from worst to best for a fixed as-of date (滞后 and 未实现 never meet: one is
# before the target period ends, the other at or after).
ORDER = {
    "逆向": 0,
    "滞后": 1,
    "未实现": 1,
    "基本符合预期": 2,
    "快于预期": 3,
    "提前实现": 4,
    "已实现": 4,
}
LIGHTS = {"red": 0, "yellow": 1, "green": 2}

QUARTERS = st.builds(Period, st.integers(2021, 2026), st.sampled_from([None, 1, 2, 3, 4]))
AS_OF = st.dates(date(2021, 1, 1), date(2027, 12, 31))
MAGNITUDE = st.floats(0.01, 1e4)


def target(x_b: float, x_star: float, **kw) -> Rule:
    return Rule("t", "target", 1, Period(2020), x_b, x_star, Period(2025), ">=", **kw)


@settings(max_examples=400, deadline=None)
@given(
    x_b=MAGNITUDE,
    gain=st.floats(0.01, 1e3),
    lo=st.floats(-2.0, 3.0),
    step=st.floats(0.0, 2.0),
    period=QUARTERS,
    as_of=AS_OF,
    flow=st.booleans(),
)
def test_higher_value_never_worse_for_increasing_target(x_b, gain, lo, step, period, as_of, flow):
    r = target(x_b, x_b + gain, measure="flow" if flow else "stock")
    x1 = x_b + lo * gain
    x2 = x1 + step * gain
    a1, a2 = (assess_one(r, "A", [(period, x)], as_of) for x in (x1, x2))
    assume(a1.verdict != "无法评估")
    assert ORDER[a1.verdict] <= ORDER[a2.verdict], (a1, a2)
    assert LIGHTS[a1.light] <= LIGHTS[a2.light], (a1, a2)


@settings(max_examples=400, deadline=None)
@given(
    x_b=st.integers(1, 10_000),
    x_t=st.integers(1, 10_000),
    x_star=st.integers(1, 10_000),
    scale=st.floats(1e-3, 1e3),
    period=QUARTERS,
    as_of=AS_OF,
    direction=st.sampled_from([1, -1]),
)
def test_scaling_leaves_completion_and_ratio_unchanged(
    x_b, x_t, x_star, scale, period, as_of, direction
):
    def assess(c: float) -> Assessment:
        r = Rule("t", "target", direction, Period(2020), None, x_star * c, Period(2025), None)
        return assess_one(r, "A", [(Period(2020), x_b * c), (period, x_t * c)], as_of)

    one, scaled = assess(1.0), assess(scale)
    for name in ("completion", "cagr_ratio"):
        a, b = getattr(one, name), getattr(scaled, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert b == pytest.approx(a, rel=1e-9, abs=1e-12), name


EXTREME = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1e300, -1e300, 1.7e308]),
)


@settings(max_examples=400, deadline=None)
@given(
    kind=st.sampled_from(["target", "monitor", "relative"]),
    values=st.lists(st.tuples(QUARTERS, EXTREME), max_size=6),
    x_b=st.one_of(st.none(), EXTREME.filter(math.isfinite)),
    x_star=EXTREME.filter(math.isfinite),
    as_of=AS_OF,
    flow=st.booleans(),
)
def test_no_nan_or_inf_leaves_assess_one(kind, values, x_b, x_star, as_of, flow):
    r = Rule("t", kind, 1, Period(2020), x_b, x_star, Period(2025), None,
             measure="flow" if flow else "stock", reference="r")  # fmt: skip
    a = assess_one(r, "A", values, as_of, reference=values[::-1])
    doc = a.to_json()
    json.dumps(doc, allow_nan=False)
    for v in vars(a).values():
        assert not (isinstance(v, float) and not math.isfinite(v)), a


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_and_obs())
def test_no_nan_or_inf_leaves_assess_frame(case):
    rules, obs, as_of, done = case
    frame = assess_frame(rules, obs, as_of, done)
    for row in frame.to_dict(orient="records"):
        json.dumps(Assessment(**row).to_json(), allow_nan=False)
        for v in row.values():
            assert not (isinstance(v, float) and not math.isfinite(v)), row


@settings(max_examples=400, deadline=None)
@given(
    x_b=MAGNITUDE,
    x_star=MAGNITUDE,
    x_t=MAGNITUDE,
    period=QUARTERS,
    as_of=st.dates(date(2025, 12, 31), date(2028, 12, 31)),
    cmp=st.sampled_from([">=", "<=", "=="]),
    direction=st.sampled_from([1, -1]),
)
def test_final_assessment_uses_final_words(x_b, x_star, x_t, period, as_of, cmp, direction):
    r = Rule("t", "target", direction, Period(2020), x_b, x_star, Period(2025), cmp)
    a = assess_one(r, "A", [(period, x_t)], as_of)
    assert a.verdict in {"已实现", "未实现", "未保持", "逆向", "无法评估"}
    assert a.time_share == 1.0
