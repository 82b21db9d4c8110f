"""Months and dates as periods (frequency: month), and their assessment."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from plantrack.assess import Rule, assess_frame, assess_one
from plantrack.periods import Period, as_frequency, parse_period, years_between
from tests.test_assess_frame import assert_agree


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2024-03", Period(2024, month=3)),
        ("2024/3", Period(2024, month=3)),
        ("2024年3月", Period(2024, month=3)),
        ("2024M03", Period(2024, month=3)),
        ("2010-12-31", Period(2010, month=12)),
        ("2010-12-31 00:00:00", Period(2010, month=12)),
        (date(2010, 6, 15), Period(2010, month=6)),
        (datetime(2010, 12, 31), Period(2010, month=12)),
        ("2001 [YR2001]", Period(2001)),
        ("2024-13", None),
        ("2024-02-30", None),
        ("2023Q1", Period(2023, 1)),
    ],
)
def test_months_and_dates_parse(text, want):
    assert parse_period(text) == want


def test_months_end_with_their_quarter_and_year():
    dec, q4, year = Period(2010, month=12), Period(2010, 4), Period(2010)
    assert dec.index == q4.index == year.index and dec.end == date(2010, 12, 31)
    assert (
        Period(2024, month=2).end == date(2024, 2, 29) and str(Period(2024, month=2)) == "2024-02"
    )
    assert as_frequency(dec, "year") == year and as_frequency(
        Period(2024, month=3), "quarter"
    ) == Period(2024, 1)
    assert as_frequency(Period(2024, month=5), "year") == Period(2024, month=5)
    assert years_between(Period(2020), Period(2023, 2)) == 2.5  # methods.md's worked time
    assert years_between(Period(2020), Period(2022, month=3)) == 1.25


def test_monthly_series_is_assessed_month_by_month():
    rule = Rule("m", "target", 1, Period(2023, month=12), None, 130.0, Period(2024, month=12), ">=")
    obs = [(Period(2023, month=12), 100.0), (Period(2024, month=5), 110.0),
           (Period(2024, month=6), 112.0)]  # fmt: skip
    a = assess_one(rule, "A", obs, date(2024, 6, 30))
    assert a.latest_period == "2024-06" and a.latest_value == 112.0
    assert a.completion == pytest.approx(12 / 30) and a.time_share == pytest.approx(6 / 12)
    early = assess_one(rule, "A", obs, date(2024, 5, 31))
    assert early.latest_period == "2024-05"
    table = pd.DataFrame([("m", "A", str(p), v) for p, v in obs],
                         columns=["indicator", "area", "period", "value"])  # fmt: skip
    for as_of in (date(2024, 5, 31), date(2024, 6, 29), date(2024, 6, 30), date(2023, 12, 31)):
        assert_agree([rule], table, as_of)
    flow = Rule("f", "target", 1, Period(2023), 0.0, 120.0, Period(2024), ">=", measure="flow")
    f = assess_frame([flow], pd.DataFrame([("f", "A", "2024-03", 30.0)],
                     columns=["indicator", "area", "period", "value"]), date(2024, 3, 31))  # fmt: skip
    assert f.iloc[0]["completion"] == pytest.approx(1.0)  # 30 · 12/3 = 120
