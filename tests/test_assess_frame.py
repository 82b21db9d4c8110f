"""assess_frame over whole tables agrees with assess_one per (indicator, area), exactly."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.assess import (
    ASSESSMENT_FIELDS,
    RollupSpec,
    Rule,
    assess_frame,
    assess_one,
    rank_areas,
    roll_up,
    rollup_gaps,
)
from plantrack.periods import Period, parse_period

AS_OF = date(2023, 12, 31)


def scalar_rows(rules, obs: pd.DataFrame, as_of: date, done=None, default_area="") -> dict:
    """assess_one for every pair assess_frame should return, keyed by (indicator, area)."""
    done = done or {}
    series: dict[tuple[str, str], list[tuple[Period, float]]] = {}
    for r in obs.itertuples(index=False):
        series.setdefault((r.indicator, r.area), []).append((parse_period(r.period), r.value))
    out = {}
    for rule in rules:
        areas = sorted({a for (i, a) in series if i == rule.id}) or [default_area]
        for area in areas:
            ref = series.get((rule.reference, area), []) if rule.reference else []
            own = series.get((rule.id, area), [])
            a = assess_one(rule, area, own, as_of, ref, done.get(rule.id))
            out[(rule.id, area)] = a
    return out


def same(x: object, y: object) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return x == y or (math.isnan(x) and math.isnan(y))
    return x == y and type(x) is type(y) or (x == y and {type(x), type(y)} <= {int, float})


def assert_agree(rules, obs: pd.DataFrame, as_of: date, done=None, default_area="") -> None:
    frame = assess_frame(rules, obs, as_of, done, default_area=default_area)
    assert list(frame.columns) == list(ASSESSMENT_FIELDS)
    expected = scalar_rows(rules, obs, as_of, done, default_area)
    got = {(r["indicator"], r["area"]): r for r in frame.to_dict(orient="records")}
    assert got.keys() == expected.keys()
    assert len(frame) == len(expected)
    for key, a in expected.items():
        for name in ASSESSMENT_FIELDS:
            want, have = getattr(a, name), got[key][name]
            assert same(want, have), (key, name, want, have)
        for name in ASSESSMENT_FIELDS:
            v = got[key][name]
            assert not (isinstance(v, float) and not math.isfinite(v)), (key, name, v)


RULES = [
    Rule("fit.rate", "target", 1, Period(2020), None, 41.0, Period(2025), ">="),
    Rule("fit.area", "target", 1, Period(2020), 2.2, 2.6, Period(2025), None),
    Rule("dis.poor", "target", -1, Period(2020), None, 8.0, Period(2025), "<="),
    Rule("dis.keep", "target", 1, Period(2020), None, 100.0, Period(2025), ">="),
    Rule("gov.train", "target", 1, Period(2021), 0.0, 4.0, Period(2023), ">=", measure="flow"),
    Rule("fit.pass", "relative", 1, None, None, None, None, ">=", reference="city.pass"),
    Rule("gov.ipv6", "milestone", 1, None, None, None, None, None, deadline=date(2022, 12, 31)),
    Rule("pop.total", "monitor", 1, None, None, None, None, None),
    Rule("no.data", "target", 1, Period(2020), None, 1.0, Period(2025), ">="),
]


def synthetic_table() -> pd.DataFrame:
    rows = []
    for area, shift in [("A", 0.0), ("B", 1.0), ("C", -2.0)]:
        rows += [("fit.rate", area, "2020", 38.0 + shift), ("fit.rate", area, "2023Q4", 39.5)]
        rows += [("fit.area", area, "2023", 2.3 + shift / 10), ("dis.poor", area, "2020Q4", 10.0)]
        rows += [("dis.poor", area, "2022Q2", 11.0 - shift), ("dis.keep", area, "2020", 100.0)]
        rows += [
            ("dis.keep", area, "2023Q3", 98.0 + shift),
            ("gov.train", area, "2023Q2", 1 + shift),
        ]
        rows += [("fit.pass", area, "2023", 90 + shift), ("city.pass", area, "2023", 90.0)]
        rows += [
            ("pop.total", area, p, 1000 + 10 * i + shift) for i, p in enumerate(["2021", "2023"])
        ]
    rows += [("gov.ipv6", "A", "2022", 1.0), ("fit.rate", "A", "2024Q1", 45.0)]
    return pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])


def test_fixed_table_agrees_with_scalar():
    obs = synthetic_table()
    done = {"gov.ipv6": date(2023, 1, 15)}
    assert_agree(RULES, obs, AS_OF, done, default_area="370103")
    frame = assess_frame(RULES, obs, AS_OF, done, default_area="370103")
    row = frame[(frame["indicator"] == "fit.rate") & (frame["area"] == "A")].iloc[0]
    assert (row["time_share"], row["completion"], row["verdict"]) == (0.6, 0.5, "基本符合预期")
    assert frame[frame["indicator"] == "no.data"]["area"].tolist() == ["370103"]
    assert frame["indicator"].tolist()[:3] == ["fit.rate"] * 3  # ordered by rule, then area
    assert frame[frame["indicator"] == "gov.ipv6"]["verdict"].tolist() == ["逾期完成"]


@pytest.mark.parametrize("as_of", [date(2019, 5, 1), date(2022, 8, 15), date(2026, 3, 31)])
def test_fixed_table_other_dates(as_of):
    assert_agree(RULES, synthetic_table(), as_of)


def test_empty_and_unknown_inputs():
    empty = pd.DataFrame({"indicator": [], "area": [], "period": [], "value": []})
    frame = assess_frame(RULES, empty, AS_OF)
    assert len(frame) == len(RULES) and set(frame["verdict"]) <= {"无法评估", "逾期"}
    assert assess_frame([], synthetic_table(), AS_OF).empty
    with pytest.raises(ValueError, match="报告期"):
        bad = synthetic_table().assign(period="本季度")
        assess_frame(RULES, bad, AS_OF)
    with pytest.raises(ValueError, match="重复"):
        assess_frame([RULES[0], RULES[0]], empty, AS_OF)


# --- random tables ----------------------------------------------------------------------------

PERIODS = [f"{y}Q{q}" for y in range(2019, 2027) for q in range(1, 5)]
PERIODS += [str(y) for y in range(2019, 2027)] + ["2023-Q1", "2021年"] + ["2020"] * 8
FINITE = st.one_of(
    st.integers(0, 100).map(float),
    st.sampled_from([0.0, -1.0, 1.0, 38.0, 41.0, 100.0]),
    st.floats(-1e6, 1e6, allow_nan=False),
)
VALUES = st.one_of(FINITE, FINITE, st.just(float("nan")))
BASES = [Period(2020)] * 4 + [None, Period(2019), Period(2020, 2), Period(2023)]
TARGETS = [Period(2025)] * 3 + [Period(2023), None, Period(2020), Period(2027)]


@st.composite
def rules_and_obs(draw):
    """Four rules of random kinds and parameters, a small random table, an as-of date."""
    ids = ["i0", "i1", "i2", "i3"]
    rules = []
    for rid in ids:
        kind = draw(st.sampled_from(["target"] * 4 + ["relative", "milestone", "monitor"]))
        rules.append(
            Rule(
                id=rid,
                kind=kind,
                direction=draw(st.sampled_from([1, -1])),
                base_period=draw(st.sampled_from(BASES)),
                base_value=draw(st.one_of(st.none(), st.none(), FINITE)),
                target_value=draw(st.one_of(FINITE, FINITE, st.none())),
                target_period=draw(st.sampled_from(TARGETS)),
                comparator=draw(st.sampled_from([None, ">=", "<=", "=="])),
                tolerance=draw(st.sampled_from([0.0, 0.5])),
                measure=draw(st.sampled_from(["stock", "flow"])),
                delta=draw(st.sampled_from([0.1, 0.05])),
                reference=draw(st.sampled_from([None, "ref", "i0"])),
                deadline=draw(st.one_of(st.none(), st.dates(date(2021, 1, 1), date(2024, 1, 1)))),
                target_change_pct=draw(st.sampled_from([None, None, -20.0, 15.0, 0.0])),
            )
        )
    row = st.tuples(
        st.sampled_from(ids * 2 + ["ref", "other"]),
        st.sampled_from(["A", "B"]),
        st.sampled_from(PERIODS),
        VALUES,
    )
    rows = draw(st.lists(row, max_size=80))
    obs = pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])
    as_of = draw(st.dates(date(2019, 1, 1), date(2027, 12, 31)))
    done = draw(st.dictionaries(st.sampled_from(ids), st.dates(date(2021, 1, 1), date(2025, 1, 1))))
    return rules, obs, as_of, done


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_and_obs(), st.sampled_from(["", "A", "Z"]))
def test_random_tables_agree_with_scalar(case, default_area):
    rules, obs, as_of, done = case
    assert_agree(rules, obs, as_of, done, default_area)


def test_input_order_of_duplicates_is_respected():
    obs = pd.DataFrame(
        {"indicator": ["fit.rate"] * 4, "area": ["A"] * 4,
         "period": ["2020", "2023Q4", "2023", "2023Q4"], "value": [38.0, 39.0, 39.5, 40.0]}
    )  # fmt: skip
    frame = assess_frame(RULES[:1], obs, AS_OF)
    assert frame.loc[0, "latest_value"] == 39.5 and frame.loc[0, "latest_period"] == "2023"
    assert_agree(RULES[:1], obs, AS_OF)
    assert_agree(RULES[:1], obs.iloc[[0, 1, 3]], AS_OF)


def test_quarter_boundary_of_as_of():
    obs = synthetic_table()
    for d in [date(2023, 9, 30), date(2023, 9, 29), date(2023, 10, 1)]:
        assert_agree(RULES, obs, d)
    frame = assess_frame(RULES, obs, date(2023, 9, 29))
    keep = frame[(frame["indicator"] == "dis.keep") & (frame["area"] == "A")].iloc[0]
    assert keep["latest_period"] == "2020"  # 2023Q3 ends after 2023-09-29


@st.composite
def dense_targets(draw):
    """Target rules with a base in the data and values near the target: every verdict occurs."""
    rules = [
        Rule(f"t{i}", "target", d, Period(2020), None, x_star, Period(2025), cmp,
             tolerance=0.5, measure=m)
        for i, (d, x_star, cmp, m) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from([1, -1]), st.integers(30, 50).map(float),
                                    st.sampled_from([None, ">=", "<=", "=="]),
                                    st.sampled_from(["stock", "flow"])), min_size=1, max_size=4))
        )
    ]  # fmt: skip
    periods = ["2020"] + [f"{y}Q{q}" for y in range(2021, 2027) for q in range(1, 5)]
    rows = [(r.id, area, "2020", draw(st.integers(30, 50).map(float)))
            for r in rules for area in ("A", "B")]  # fmt: skip
    rows += draw(st.lists(st.tuples(st.sampled_from([r.id for r in rules]), st.sampled_from("AB"),
                                    st.sampled_from(periods), st.integers(20, 60).map(float)),
                          max_size=30))  # fmt: skip
    obs = pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])
    return rules, obs, draw(st.dates(date(2021, 1, 1), date(2026, 12, 31)))


@settings(max_examples=200, deadline=None)
@given(dense_targets())
def test_dense_targets_agree_with_scalar(case):
    rules, obs, as_of = case
    assert_agree(rules, obs, as_of)


# --- roll-up over areas (methods.md §5) -------------------------------------------------------

DISTRICT = "370103"
PER_10K = RollupSpec(
    "fit.per10k", "formula", None, "fitness.instructors / common.population * 10000"
)
SPECS = [
    RollupSpec("fitness.instructors", "sum"),
    RollupSpec("common.population", "sum"),
    PER_10K,
    RollupSpec("fit.rate", "weighted_mean", "common.population"),
    RollupSpec("fit.note", "none"),
]


def streets() -> pd.DataFrame:
    rows = [
        ("fitness.instructors", "S1", "2023", 10.0), ("fitness.instructors", "S2", "2023", 30.0),
        ("common.population", "S1", "2023", 1000.0), ("common.population", "S2", "2023", 5000.0),
        ("fit.rate", "S1", "2023Q2", 90.0), ("fit.rate", "S2", "2023Q2", 80.0),
        ("fit.rate", "S1", "2023-Q4", 92.0), ("fit.rate", "S2", "2023Q4", 84.0),
        ("common.population", "S1", "2022", 3000.0), ("common.population", "S2", "2022", 1000.0),
        ("fit.note", "S1", "2023", 1.0),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])


def value(df: pd.DataFrame, indicator: str, area: str, period: str) -> list[float]:
    sel = (df["indicator"] == indicator) & (df["area"] == area) & (df["period"] == period)
    return df.loc[sel, "value"].tolist()


def test_formula_uses_summed_components_never_an_average_of_ratios():
    out = roll_up(streets(), SPECS, DISTRICT)
    # streets: 10/1000·10⁴ = 100 and 30/5000·10⁴ = 60; district: 40/6000·10⁴ = 66.67, not 80
    assert value(out, "fit.per10k", "S1", "2023") == [100.0]
    assert value(out, "fit.per10k", "S2", "2023") == [60.0]
    assert value(out, "fit.per10k", DISTRICT, "2023") == [pytest.approx(400000 / 6000)]
    assert value(out, "fitness.instructors", DISTRICT, "2023") == [40.0]
    assert set(out.loc[out["area"] == DISTRICT, "source"]) == {"rollup"}
    assert out["value"].notna().all() and not value(out, "fit.note", DISTRICT, "2023")


def test_weighted_mean_takes_the_weight_of_the_period_or_the_latest_before():
    out = roll_up(streets(), SPECS, DISTRICT)
    # 2023Q4: weights 2023 (1000, 5000): (92·1000 + 84·5000)/6000 = 85.333
    assert value(out, "fit.rate", DISTRICT, "2023Q4") == [pytest.approx(512000 / 6000)]
    # 2023Q2: the 2023 weight ends later, so the 2022 weights (3000, 1000): (270000+80000)/4000
    assert value(out, "fit.rate", DISTRICT, "2023Q2") == [pytest.approx(87.5)]


def test_reported_district_value_wins_and_gaps_are_listed():
    district = [("fitness.instructors", DISTRICT, "2023", 41.0),
                ("common.population", DISTRICT, "2023", 6030.0)]  # fmt: skip
    obs = pd.concat([streets(), pd.DataFrame(district, columns=streets().columns)])
    out = roll_up(obs.assign(revision=1), SPECS, DISTRICT)
    assert value(out, "fitness.instructors", DISTRICT, "2023") == [41.0]
    reported = out[(out["area"] == DISTRICT) & (out["indicator"] == "fitness.instructors")]
    assert reported["source"].tolist() == ["reported"] and reported["revision"].tolist() == [1]
    gaps = rollup_gaps(obs, SPECS, DISTRICT)
    # 41 vs 40 is 2.5 % (listed); 6030 vs 6000 is 0.5 % (not listed)
    assert gaps.to_dict(orient="records") == [
        {"indicator": "fitness.instructors", "period": "2023", "reported": 41.0,
         "rolled_up": 40.0, "rel_diff": pytest.approx(0.025)}
    ]  # fmt: skip


def test_formula_errors_are_value_errors_in_chinese():
    for bad in ("a ** 2", "__import__('os').system('x')", "a +", "a if b else c"):
        with pytest.raises(ValueError, match="公式"):
            RollupSpec("x", "formula", None, bad)
    with pytest.raises(ValueError, match="汇总方式"):
        RollupSpec("x", "average")
    with pytest.raises(ValueError, match="权重"):
        RollupSpec("x", "weighted_mean")


def test_zero_population_gives_no_value_rather_than_inf():
    obs = streets()
    obs.loc[obs["indicator"].eq("common.population") & obs["area"].eq("S1"), "value"] = 0.0
    out = roll_up(obs, SPECS, DISTRICT)
    assert not value(out, "fit.per10k", "S1", "2023")
    assert np.isfinite(out["value"].to_numpy(dtype=float)).all()


def test_rank_areas_best_first_from_assessment_or_observations():
    obs = streets()
    frame = assess_frame([Rule("fit.rate", "monitor", 1, None, None, None, None, None)], obs, AS_OF)
    ranked = rank_areas(frame, "fit.rate", 1, exclude=DISTRICT)
    assert ranked[["rank", "area"]].values.tolist() == [[1, "S1"], [2, "S2"]]
    lower_better = rank_areas(obs, "fit.rate", -1, exclude="S9")
    assert lower_better["area"].tolist() == ["S2", "S1"]
    assert lower_better["latest_period"].tolist() == ["2023Q4", "2023Q4"]


def test_formula_meets_components_of_different_frequencies_by_period_end():
    rows = [
        ("fitness.instructors", "S1", "2023Q1", 12.0), ("fitness.instructors", "S1", "2023Q4", 10.0),
        ("fitness.instructors", "S2", "2023Q1", 20.0), ("fitness.instructors", "S2", "2023Q4", 30.0),
        ("fitness.instructors", "S3", "2023Q1", 99.0), ("common.population", "S3", "2021", 1.0),
        ("common.population", "S1", "2022", 3000.0), ("common.population", "S1", "2023", 1000.0),
        ("common.population", "S2", "2022", 1000.0), ("common.population", "S2", "2023", 5000.0),
    ]  # fmt: skip
    out = roll_up(pd.DataFrame(rows, columns=streets().columns), [PER_10K], DISTRICT)
    # 2023Q1 takes the 2022 population: 12/3000·10⁴ = 40, 20/1000·10⁴ = 200, district 32/4000·10⁴
    assert value(out, "fit.per10k", "S1", "2023Q1") == [pytest.approx(40.0)]
    assert value(out, "fit.per10k", "S2", "2023Q1") == [pytest.approx(200.0)]
    assert value(out, "fit.per10k", DISTRICT, "2023Q1") == [pytest.approx(80.0)]
    # the year end is labelled as the first component writes it, with the 2023 population
    assert value(out, "fit.per10k", DISTRICT, "2023Q4") == [pytest.approx(400000 / 6000)]
    assert not value(out, "fit.per10k", DISTRICT, "2023")
    # S3's population is from 2021, more than three quarters before 2023Q1: no value
    assert out[(out["indicator"] == "fit.per10k") & (out["area"] == "S3")].empty


def test_every_scalar_rule_case_agrees_with_the_frame():
    """The hand-worked cases of test_assess_rules (keep, base past target, −20 % …) also hold
    on the vectorised path."""
    from tests.test_assess_rules import CASES

    for _name, rule, obs, as_of, _expected in CASES:
        table = pd.DataFrame(
            [(rule.id, "A", p, v) for p, v in obs], columns=["indicator", "area", "period", "value"]
        )
        assert_agree([rule], table, as_of, default_area="A")
