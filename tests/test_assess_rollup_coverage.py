"""District roll-ups wait for every 街道, and a reported value wins by period end (§5)."""

from __future__ import annotations

import pandas as pd
import pytest

from plantrack.assess import RollupSpec, roll_up, rollup_gaps
from plantrack.assess.rollup import rollup_coverage

DISTRICT = "D"
STREETS = ["S1", "S2", "S3"]
COLUMNS = ["indicator", "area", "period", "value"]
PER_10K = RollupSpec("per10k", "formula", None, "instructors / population * 10000")
SPECS = [
    RollupSpec("instructors", "sum"),
    RollupSpec("population", "sum"),
    RollupSpec("rate", "weighted_mean", "population"),
    PER_10K,
]


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def complete_2023() -> list[tuple]:
    """Every street has reported 2023Q4 instructors and rate, and 2023 population."""
    rows = []
    for i, s in enumerate(STREETS):
        rows += [("instructors", s, "2023Q4", 10.0 * (i + 1)), ("rate", s, "2023Q4", 80.0 + i)]
        rows += [("population", s, "2023", 1000.0 * (i + 1))]
    return rows


def district(out: pd.DataFrame, indicator: str) -> dict[str, float]:
    sel = (out["indicator"] == indicator) & (out["area"] == DISTRICT)
    return dict(zip(out.loc[sel, "period"], out.loc[sel, "value"], strict=True))


def test_a_period_only_some_streets_reported_gets_no_district_value():
    # 2024Q1: only S1 has reported (the 160 instructors of the review's reproduction)
    late = [("instructors", "S1", "2024Q1", 160.0), ("rate", "S1", "2024Q1", 10.0)]
    obs = frame(complete_2023() + late)
    out = roll_up(obs, SPECS, DISTRICT, subareas=STREETS)
    assert district(out, "instructors") == {"2023Q4": 60.0}
    assert district(out, "population") == {"2023": 6000.0}
    assert district(out, "per10k") == {"2023Q4": pytest.approx(60 / 6000 * 10000)}
    assert set(district(out, "rate")) == {"2023Q4"}
    # S1's own per-10k value is still computed for 2024Q1 (population within the window)
    s1 = out[(out["indicator"] == "per10k") & (out["area"] == "S1")]
    assert s1["period"].tolist() == ["2023Q4", "2024Q1"]
    # without the registry's sub-areas the old behaviour is kept: a partial 2024Q1 sum
    old = roll_up(obs, SPECS, DISTRICT)
    assert district(old, "instructors") == {"2023Q4": 60.0, "2024Q1": 160.0}


def test_the_district_appears_once_the_last_street_reports():
    rows = complete_2023() + [("instructors", s, "2024Q1", 20.0) for s in STREETS[:2]]
    before = roll_up(frame(rows), SPECS, DISTRICT, subareas=STREETS)
    assert "2024Q1" not in district(before, "instructors")
    rows.append(("instructors", "S3", "2024Q1", 20.0))
    after = roll_up(frame(rows), SPECS, DISTRICT, subareas=STREETS)
    assert district(after, "instructors")["2024Q1"] == 60.0
    # the formula takes the 2023 population (within three quarters) for every street
    assert district(after, "per10k")["2024Q1"] == pytest.approx(60 / 6000 * 10000)


def test_weighted_mean_needs_a_value_and_a_weight_from_every_street():
    rows = [r for r in complete_2023() if not (r[0] == "population" and r[1] == "S3")]
    out = roll_up(frame(rows), SPECS, DISTRICT, subareas=STREETS)
    assert "2023Q4" not in district(out, "rate")
    assert "2023Q4" not in district(out, "per10k")
    assert district(out, "instructors") == {"2023Q4": 60.0}


def test_areas_outside_the_registry_are_not_summed():
    rows = complete_2023() + [("instructors", "OLD", "2023Q4", 1000.0)]
    out = roll_up(frame(rows), SPECS, DISTRICT, subareas=STREETS)
    assert district(out, "instructors") == {"2023Q4": 60.0}


def test_coverage_lists_complete_and_incomplete_periods():
    obs = frame(complete_2023() + [("instructors", "S2", "2024Q1", 5.0)])
    cov = rollup_coverage(obs, SPECS, DISTRICT, STREETS)
    inst = cov[cov["indicator"] == "instructors"].to_dict(orient="records")
    assert inst == [
        {"indicator": "instructors", "period": "2023Q4", "areas": 3, "expected": 3,
         "complete": True},
        {"indicator": "instructors", "period": "2024Q1", "areas": 1, "expected": 3,
         "complete": False},
    ]  # fmt: skip


@pytest.mark.parametrize(("reported", "rolled"), [("2023Q4", "2023"), ("2023", "2023Q4")])
def test_reported_district_value_wins_at_the_same_period_end(reported, rolled):
    rows = [("instructors", s, rolled, 10.0) for s in STREETS]
    rows.append(("instructors", DISTRICT, reported, 33.0))
    out = roll_up(frame(rows), SPECS, DISTRICT)
    assert district(out, "instructors") == {reported: 33.0}
    assert set(out.loc[out["area"] == DISTRICT, "source"]) == {"reported"}
    gaps = rollup_gaps(frame(rows), SPECS, DISTRICT)
    assert gaps[["period", "reported", "rolled_up"]].values.tolist() == [[reported, 33.0, 30.0]]
    out = roll_up(frame(rows), SPECS, DISTRICT, subareas=STREETS)
    assert district(out, "instructors") == {reported: 33.0}


def test_reported_street_ratio_wins_over_its_formula_at_the_same_end():
    rows = complete_2023() + [("per10k", "S1", "2023", 99.0)]
    out = roll_up(frame(rows), SPECS, DISTRICT)
    s1 = out[(out["indicator"] == "per10k") & (out["area"] == "S1")]
    assert s1[["period", "value", "source"]].values.tolist() == [["2023", 99.0, "reported"]]
