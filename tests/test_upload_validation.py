"""The great-expectations suite and the cross-row warnings, through the real pipeline."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from plantrack import upload
from plantrack.config import load_config
from tests.conftest import CONFIG, ROOT, act_as
from tests.upload_fixtures import DISTRICT, STREETS, csv_bytes, instructors, row, xlsx_bytes

TODAY = date(2026, 11, 28)


@pytest.fixture
def ws(empty_ws):
    """A real (non-demo) workspace on an empty DuckDB file, with its own uploads folder."""
    return empty_ws


def check(ws, rows, name="t.csv", **kw):
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return upload.check(ws, data, name, today=TODAY, **kw)


def only(result, level="error"):
    probs = result.report.errors if level == "error" else result.report.warnings
    assert len(probs) == 1, [p.text for p in result.report.problems]
    return probs[0]


def test_importing_the_upload_path_does_not_import_great_expectations():
    code = (
        "import sys, plantrack, plantrack.upload, plantrack.cli, plantrack.templates, "
        "app.upload_view, app.cache, app.components\n"
        "assert 'great_expectations' not in sys.modules, 'GX imported'\n"
        "assert 'validation.suite' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_suite_is_built_from_the_config():
    """Compound rules in great-expectations; single-column rules as pandas masks."""
    import pandas as pd

    from validation.suite import build_suite, simple_masks, spec_from_registry

    reg = load_config(CONFIG)
    spec = spec_from_registry(reg, TODAY)
    suite = build_suite(spec, "t")
    kinds = {e.expectation_type for e in suite.expectations}
    assert {
        "expect_column_values_to_be_in_set",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_compound_columns_to_be_unique",
    } <= kinds
    codes = {e.meta["code"] for e in suite.expectations}
    assert {"outside_plan", "frequency", "out_of_range", "duplicate"} <= codes
    assert set(spec.areas) == {DISTRICT, *STREETS}
    rows = pd.DataFrame(
        {
            "indicator": ["fitness.instructors", "nope"],
            "area": [DISTRICT, "火星"],
            "period": ["2024Q1", None],
            "period_idx": [8096.0, float("nan")],
            "value": [1.0, float("nan")],
        }
    )
    masks = simple_masks(rows, spec)
    for code in ("unknown_indicator", "unknown_area", "bad_period", "no_value"):
        assert masks[code].tolist() == [False, True], code


def test_a_consistent_file_passes(ws):
    r = check(ws, instructors())
    assert r.outcome == "valid" and r.report.ok and not r.report.warnings
    assert r.report.rows == 18


@pytest.mark.parametrize(
    "bad,code,col,header,needle",
    [
        (row(indicator="fitness.nope"), "unknown_indicator", "A", "指标代码", "fitness.nope"),
        (row(area="火星街道"), "unknown_area", "E", "地区", "火星街道"),
        (row(area=""), "unknown_area", "E", "地区", "未填写地区"),
        (row(period="2024Q5"), "bad_period", "F", "报告期", "2024Q5"),
        (row(period="2031Q1"), "future_period", "F", "报告期", "2031Q1"),
        (row(period="2018"), "outside_plan", "F", "报告期", "2020（基期）至 2025"),
        (row(value="十二"), "no_value", "G", "数值", "“十二”不是数字"),
        (row(value="", note="待核"), "no_value", "G", "数值", "未填写数值"),
        (row(value=-3), "out_of_range", "G", "数值", "不能为负数"),
        (
            row(indicator="fitness.regular_exercise_rate", value=140),
            "out_of_range",
            "G",
            "数值",
            "140 超过 100%",
        ),
        (
            row(indicator="fitness.sports_ground_area", period="2024Q1"),
            "frequency",
            "F",
            "报告期",
            "按年报送",
        ),
        (
            row(indicator="fitness.ten_minute_circle", period="2024", value=1),
            "not_uploadable",
            "G",
            "数值",
            "里程碑",
        ),
        (
            row(indicator="fitness.instructors_per_10k", value=20),
            "not_uploadable",
            "G",
            "数值",
            "由公式",
        ),
    ],
)
@pytest.mark.parametrize("name", ["t.csv", "t.xlsx"])
def test_each_error_names_row_column_value_and_fix(ws, bad, code, col, header, needle, name):
    r = check(ws, [row(area="杆石桥"), bad], name=name)
    assert r.outcome == "invalid" and not r.report.ok
    p = only(r)
    first = 4 if name.endswith(".csv") else 5
    assert (p.code, p.row, p.column, p.header) == (code, first + 1, col, header)
    assert needle in p.message and p.file == name
    assert p.text.startswith(f"{name} 第 {first + 1} 行 {col} 列（{header}）：")


def test_duplicates_point_at_each_other(ws):
    r = check(ws, [row(value=1), row(area="杆石桥"), row(value=2)])
    dups = [p for p in r.report.errors if p.code == "duplicate"]
    # one problem per group of duplicates, at its first row, naming the others
    assert [(p.row, p.message[:9]) for p in dups] == [(4, "与第 6 行的指标")]


def test_percentage_written_as_fraction_is_a_warning(ws):
    r = check(ws, [row(indicator="fitness.regular_exercise_rate", area="市中区", value=0.41)])
    p = only(r, "warning")
    assert p.code == "fraction" and "应填 41" in p.message
    assert r.outcome == "valid"
    r = check(ws, [row(indicator="fitness.regular_exercise_rate", area="市中区", value="0.41%")])
    assert not r.report.warnings  # written with a % sign: meant as 0.41 %


def test_rollup_gap_sum_and_weighted_mean(ws):
    r = check(ws, instructors(district=500))
    p = only(r, "warning")
    assert p.code == "rollup" and p.area == "市中区" and "相差" in p.message
    pop = [
        ["common.population", "", "", c, "", "2024", 1000 * (k + 1), ""]
        for k, c in enumerate(STREETS)
    ]
    rates = [["fitness.regular_exercise_rate", "", "", c, "", "2024Q2", 40.0, ""] for c in STREETS]
    rates[0][6] = 80.0  # the smallest street: weighted mean = 40 + 40 * 1000 / 153000
    ok = [["fitness.regular_exercise_rate", "", "", DISTRICT, "", "2024Q2", 40.26, ""]]
    bad = [["fitness.regular_exercise_rate", "", "", DISTRICT, "", "2024Q2", 42.35, ""]]
    assert not check(ws, pop + rates + ok).report.warnings
    # the plain mean (42.35) is not the population-weighted one
    assert only(check(ws, pop + rates + bad), "warning").code == "rollup"


def test_revision_and_jump_against_the_stored_series(demo_copy):
    cur = demo_copy.store.current()
    s = cur[(cur["indicator"] == "fitness.instructors") & (cur["area"] == "370103002000")]
    last = s.iloc[-1]
    r = upload.check(
        demo_copy,
        csv_bytes([row(area="大观园", period=last["period"], value=float(last["value"]) * 3)]),
        "rev.csv",
        today=TODAY,
    )
    codes = sorted(p.code for p in r.report.warnings)
    assert codes == ["jump", "revision"], [p.text for p in r.report.problems]
    rev = next(p for p in r.report.warnings if p.code == "revision")
    assert f"第 {int(last['revision'])} 版" in rev.message
    same = upload.check(
        demo_copy,
        csv_bytes([row(area="大观园", period=last["period"], value=float(last["value"]))]),
        "same.csv",
        today=TODAY,
    )
    assert not same.report.problems  # unchanged: nothing to confirm


def test_json_report_shape(ws):
    r = check(
        ws,
        [row(value="x"), row(area="杆石桥", value=0.5, indicator="fitness.regular_exercise_rate")],
    )
    d = r.to_dict()
    assert d["ok"] is False and d["file"] == "t.csv"
    for p in d["errors"] + d["warnings"]:
        assert {"row", "column", "indicator", "area", "period", "value", "message", "file"} <= set(
            p
        )
    assert (
        d["errors"][0]["value"] == "x" and d["errors"][0]["indicator"] == "公益社会体育指导员人数"
    )


def test_robust_z_score_flags_a_value_far_from_a_steady_series(ws):
    steady = [100, 101, 99, 100, 102, 100]
    periods = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
    rows = [row(period=p, value=v) for p, v in zip(periods, steady, strict=True)]
    first = upload.check(ws, csv_bytes(rows, block=False), "s.csv", today=TODAY)
    assert upload.load(ws, first, actor=act_as(ws)).outcome == "loaded"
    r = check(ws, [row(period="2024Q3", value=140)])  # +40 %: below the ratio limit
    p = only(r, "warning")
    assert p.code == "jump" and "稳健 z 值" in p.message and "中位数 100" in p.message
    assert not check(ws, [row(period="2024Q3", value=101)]).report.problems


def test_overview_page_does_not_import_great_expectations(app_env):
    code = (
        "import sys\nfrom streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('pages/overview.py', default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "assert 'great_expectations' not in sys.modules, 'GX imported by the overview page'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_rollup_gap_matches_periods_by_their_end(ws):
    """A district figure for the year "2024" is compared with the 街道 figures for 2024Q4."""
    pop = [
        ["common.population", "", "", c, "", "2024", 1000 * (k + 1), ""]
        for k, c in enumerate(STREETS)
    ]
    rates = [["fitness.regular_exercise_rate", "", "", c, "", "2024Q4", 40.0, ""] for c in STREETS]
    ok = [["fitness.regular_exercise_rate", "", "", DISTRICT, "", "2024", 40.0, ""]]
    bad = [["fitness.regular_exercise_rate", "", "", DISTRICT, "", "2024", 45.0, ""]]
    # an annual period for a quarterly indicator is itself a warning (issue #11)
    codes = [p.code for p in check(ws, pop + rates + ok).report.warnings]
    assert codes == ["annual_period"]
    codes = sorted(p.code for p in check(ws, pop + rates + bad).report.warnings)
    assert codes == ["annual_period", "rollup"]
