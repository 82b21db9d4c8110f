"""Formatting, ordering, department names, downloads and figures: the pure pieces the
dashboard draws with (no Streamlit)."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import altair as alt
import openpyxl
import pandas as pd
import pytest

from plantrack import departments as dep
from plantrack.charts import areas_figure, series_figure, trend
from plantrack.charts_progress import DATA, PICK, progress_chart, progress_data, short
from plantrack.export import csv_bytes, escape_cell, xlsx_bytes
from plantrack.periods import Period
from plantrack.present import (
    LIGHT_PATTERNS,
    VERDICTS,
    attention,
    fmt_number,
    fmt_numbers,
    fmt_share,
    fmt_target,
    fmt_targets,
    verdict_counts,
)

# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "unit", "text"),
    [
        (903714, 0, "人", "903,714 人"),
        (1234567.891, 2, "", "1,234,567.89"),
        (41.0, 1, "%", "41.0%"),
        (-0.25, 1, "%", "-0.3%"),  # 四舍五入, not to even
        (0.85, 1, "", "0.9"),
        (2.675, 2, "", "2.68"),  # the float is 2.67499…; its shortest form rounds up
        (-0.04, 1, "", "0.0"),
        (None, 1, "%", "—"),
        (float("nan"), 1, "人", "—"),
        (float("inf"), 1, "", "—"),
        (pd.NA, 1, "", "—"),
    ],
)
def test_fmt_number(value, precision, unit, text):
    assert fmt_number(value, precision, unit) == text


def test_shares_and_targets():
    assert fmt_share(0.6) == "60.0%"
    assert fmt_share(0.625, 0) == "63%"
    assert fmt_share(None) == "—"
    assert fmt_target(">=", 41, "%", 1) == "≥41.0%"
    assert fmt_target("<=", 2.5, "小时", 1) == "≤2.5 小时"
    assert fmt_target(None, None, "", 1) == "—"


def test_column_formatting_keeps_each_rows_unit():
    out = fmt_numbers(pd.Series([1500.0, None, 41.25]), [0, 1, 1], ["人", "%", "%"])
    assert out == ["1,500 人", "—", "41.3%"]
    assert fmt_targets([">=", None], [30.0, float("nan")], ["人", ""], [0, 1]) == ["≥30 人", "—"]


# -- verdicts -----------------------------------------------------------------------------


def test_every_verdict_has_an_icon_and_lights_differ_in_grey_print():
    icons = {v: icon for v, (_, icon, _) in VERDICTS.items()}
    assert all(icons.values())
    # the verdicts a leader acts on are told apart without colour
    acting = ["逆向", "未实现", "逾期", "滞后", "基本符合预期", "快于预期", "提前实现"]
    assert len({icons[v] for v in acting}) == len(acting)
    assert len(set(LIGHT_PATTERNS.values())) == len(LIGHT_PATTERNS)


def _table(rows):
    cols = ["indicator", "verdict", "attribute", "light", "order"]
    return pd.DataFrame(rows, columns=cols)


def test_attention_moving_away_first_then_lagging_binding_first():
    table = _table(
        [
            ("a", "滞后", "预期性", "yellow", 0),
            ("b", "快于预期", "约束性", "green", 1),
            ("c", "滞后", "约束性", "red", 2),
            ("d", "逆向", "预期性", "red", 3),
            ("e", "滞后", "约束性", "yellow", 4),
            ("f", "逆向", "约束性", "red", 5),
            ("g", "未实现", None, "red", 6),
        ]
    )
    assert attention(table)["indicator"].tolist() == ["f", "d", "g", "c", "e", "a"]


def test_attention_of_nothing_is_empty():
    assert attention(_table([("a", "提前实现", "约束性", "green", 0)])).empty


def test_verdict_counts_worst_first():
    table = _table([(str(i), v, None, None, i) for i, v in enumerate(["已实现", "逆向", "已实现"])])
    counts = verdict_counts(table)
    assert counts.index.tolist() == ["逆向", "已实现"]
    assert counts.tolist() == [1, 2]


# -- departments --------------------------------------------------------------------------


def test_department_variants_are_one_department():
    assert dep.normalise("区人力资源和社会保障局") == "区人力资源社会保障局"
    assert dep.normalise(" 区卫健局 ") == "区卫生健康局"
    assert dep.normalise("区 残联") == "区残联"
    assert dep.normalise_all(["区卫健局", "区卫生健康局", "区残联"]) == ["区卫生健康局", "区残联"]


def test_summary_counts_lights_and_tasks_per_department():
    inds = [
        SimpleNamespace(id="x", lead=["区人力资源和社会保障局"], participating=["区残联"]),
        SimpleNamespace(id="y", lead=["区人力资源社会保障局"], participating=[]),
        SimpleNamespace(id="m", lead=["区残联"], participating=[]),
    ]
    roles = dep.indicator_roles(inds)
    assert set(roles[roles["role"] == "lead"]["department"]) == {"区人力资源社会保障局", "区残联"}
    assessment = pd.DataFrame(
        {"indicator": ["x", "y", "m"], "kind": ["target", "target", "monitor"],
         "light": ["red", "green", "grey"]}
    )  # fmt: skip
    tasks = pd.DataFrame(
        {"id": ["t1", "t2"], "unit_list": [["区卫健局", "区残联"], ["区残联"]],
         "status": ["逾期", "已完成"], "overdue": [True, False]}
    )  # fmt: skip
    out = dep.summary(roles, assessment, dep.task_units(tasks), tasks).set_index("department")
    hr = out.loc["区人力资源社会保障局"]
    assert (hr["indicators"], hr["red"], hr["green"], hr["tasks"]) == (2, 1, 1, 0)
    cdpf = out.loc["区残联"]
    assert (cdpf["indicators"], cdpf["monitor"], cdpf["tasks"], cdpf["overdue"]) == (0, 1, 2, 1)
    assert out.loc["区卫生健康局", "overdue"] == 1
    assert out.index[0] == "区人力资源社会保障局"  # most red lights first


# -- downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_formula_like_text_is_escaped(text):
    assert escape_cell(text) == "'" + text


def test_plain_values_are_kept():
    assert escape_cell("区残联") == "区残联"
    assert escape_cell(-5.0) == -5.0
    assert escape_cell(None) is None


def test_csv_escapes_cells_and_keeps_numbers():
    df = pd.DataFrame({"名称": ['=HYPERLINK("http://x")', "市中区"], "值": [-1.5, 2.0]})
    text = csv_bytes(df).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "-1.5" in text and "'-1.5" not in text
    assert csv_bytes(df).startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese


def test_xlsx_stores_formula_like_text_as_text():
    df = pd.DataFrame({"名称": ["=1+1", "@x", "市中区"], "值": [1.0, -2.0, 3.0]})
    data = xlsx_bytes({"当前值": df, "第二页[1]": df.head(1)})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["当前值", "第二页_1_"]
    ws = wb["当前值"]
    cell = ws["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert ws["A3"].quotePrefix and not ws["A4"].quotePrefix
    assert ws["B3"].value == -2.0 and ws["B3"].data_type == "n"


# -- figures ------------------------------------------------------------------------------


def test_trend_line_and_band():
    periods = ["2020", "2021", "2022", "2023"]
    line = trend(periods, [10.0, 12.0, 13.0, 15.0], Period(2020), full_years_only=False)
    assert line is not None
    assert line.slope == pytest.approx(1.6)
    assert line.at(Period(2025)) == pytest.approx(10.1 + 1.6 * 5)
    assert line.spread == pytest.approx((0.2 / 2) ** 0.5)  # residuals ±0.1, ±0.3; n − 2 = 2
    # a flow's year-to-date quarters are left out; two points give no band
    flow = trend(["2021Q2", "2021Q4", "2022Q4"], [5.0, 10.0, 12.0], Period(2020), True)
    assert flow is not None and flow.spread is None and flow.slope == pytest.approx(2.0)
    assert trend(["2019"], [1.0], Period(2020), False) is None


def test_series_figure_draws_target_path_trend_band_and_revisions():
    series = pd.DataFrame(
        {"period": ["2021", "2022", "2023Q2", "2023"], "value": [38.0, 39.0, 39.2, 39.5],
         "revision": [1, 2, 1, 1]}
    )  # fmt: skip
    row = {"target_value": 41.0, "target_period": "2025", "baseline_value": 37.5,
           "baseline_period": "2020", "projected_value": 40.9}  # fmt: skip
    fig = series_figure(series, row, "%")
    names = {tr.name for tr in fig.data}
    assert {
        "实际值",
        "序时进度路径",
        "趋势线（最小二乘）",
        "趋势区间（±残差标准差）",
        "趋势外推",
        "有修订",
    } <= names
    path = next(tr for tr in fig.data if tr.name == "序时进度路径")
    assert list(path.y) == [37.5, 41.0]
    assert any(s.y0 == 41.0 for s in fig.layout.shapes)  # the target line


def test_series_figure_without_target():
    series = pd.DataFrame({"period": ["2021", "2022"], "value": [1.0, 2.0]})
    fig = series_figure(series, {}, "人")
    assert [tr.name for tr in fig.data] == ["实际值"]


def test_progress_chart_bar_per_indicator_and_time_share_marks():
    rows = pd.DataFrame(
        {"indicator": ["a", "b", "c", "d"], "name": ["甲", "乙" * 30, "丙", "乙" * 31],
         "completion": [0.5, -0.2, None, 2.0], "time_share": [0.6, 0.6, None, 0.6],
         "light": ["green", "red", None, "yellow"],
         "text": ["● 基本符合预期 50%", "⬇ 逆向 -20%", "？", "▲ 超前 200%"]}
    )  # fmt: skip
    data = progress_data(rows)
    assert data["indicator"].tolist() == ["a", "b", "c", "d"]
    assert data["shown"].tolist() == [0.5, -0.2, 0.0, 1.5]  # clipped, missing drawn at 0
    assert data["light"].tolist() == ["green", "red", "grey", "yellow"]
    assert data["label"].nunique() == 4  # two names cut alike still get a band each
    assert max(len(x.rstrip("\u200b")) for x in data["label"]) <= 18
    spec = progress_chart(rows, {"completion": "完成进度", "time_share": "时序进度"})
    # a plain dict (no Altair at run time) that is valid Vega-Lite: Altair checks it
    records = json.loads(spec["datasets"][DATA].to_json(orient="records"))
    alt.LayerChart.from_dict({**spec, "datasets": {DATA: records}})
    layers = spec["layer"]
    assert all(
        layer["data"] == {"name": DATA} for layer in layers if layer["mark"]["type"] != "rule"
    )
    marks = [layer["mark"]["type"] for layer in layers]
    assert marks == ["bar", "tick", "text", "rule", "bar"]
    colours = layers[0]["encoding"]["color"]["scale"]
    assert dict(zip(colours["domain"], colours["range"], strict=True))["red"] == "#c62828"
    assert layers[1]["encoding"]["x"]["field"] == "tau"  # the time-share tick
    (param,) = spec["params"]  # a click anywhere in a row (the top layer's band) picks it
    assert param["name"] == PICK and param["views"] == [layers[4]["name"]]
    assert param["select"]["fields"] == ["indicator"]
    assert short("Share of residents exercising regularly") == "Share of residents exercising regu…"
    assert short("甲" * 18) == "甲" * 18 and short("甲" * 19) == "甲" * 17 + "…"


def test_progress_chart_spec_is_the_same_when_only_the_figures_move():
    """From one as-of date to the next the completions move a little: the spec (all but the
    data) stays the same, so the browser swaps the data without compiling the chart again;
    a bar beyond 100 % or below 0 widens the axis in steps of 25 %."""
    from plantrack.charts_progress import axis_ends

    def rows(completion: list[float], tau: float) -> pd.DataFrame:
        return pd.DataFrame(
            {"indicator": ["a", "b"], "name": ["甲", "乙"], "completion": completion,
             "time_share": [tau, tau], "light": ["green", "red"], "text": ["x", "y"]}
        )  # fmt: skip

    def spec(r: pd.DataFrame) -> str:
        out = progress_chart(r, {"completion": "完成进度", "time_share": "时序进度"})
        return json.dumps({k: v for k, v in out.items() if k != "datasets"}, sort_keys=True)

    base = spec(rows([0.4, 0.7], 0.5))
    assert spec(rows([0.55, 0.9], 0.75)) == base
    assert spec(rows([1.0, 0.2], 1.0)) == base
    assert spec(rows([1.1, 0.2], 1.0)) != base  # past 100 %: the axis grows to 125 %
    data = progress_data(rows([1.1, -0.3], 1.0))
    assert axis_ends(data) == (-0.55, 1.25)
    assert axis_ends(progress_data(rows([0.4, 0.7], 0.5))) == (-0.05, 1.0)


def test_areas_figure_sorted_best_first_with_district_line():
    rows = pd.DataFrame({"name": ["甲", "乙", "丙"], "value": [3.0, 9.0, 5.0]})
    fig = areas_figure(rows, 5.5, "%", direction=1)
    assert list(fig.data[0].y) == ["乙", "丙", "甲"]
    assert fig.layout.shapes[0].x0 == 5.5
    down = areas_figure(rows, None, "%", direction=-1)
    assert list(down.data[0].y) == ["甲", "丙", "乙"]


def test_a_change_of_a_percentage_is_in_percentage_points():
    from plantrack.present import fmt_change

    assert fmt_change(1.11, 2, "%") == "1.11 个百分点"
    assert fmt_change(2.5, 1, "人") == "2.5 人"
    assert fmt_change(None, 1, "%") == "—"
