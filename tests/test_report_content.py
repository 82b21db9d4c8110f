"""What the report says (#13 items 1–5, 7, 8, 11): causes and measures, the final report,
capped projections, 四舍五入, every-year requirements, wording, 街道 reports, the Excel appendix."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from plantrack.assess import Rule, assess_frame, assess_one
from plantrack.cli import main
from plantrack.periods import parse_period
from plantrack.report import build_content, render
from plantrack.report.narrative import GAP
from plantrack.report.wording import fit_precision, moved, period_text, quote, relative
from plantrack.scorecard import assessment_table
from plantrack.store.analysis import analysis_history
from plantrack.workspace import open_workspace
from tests.conftest import make_settings

MID, FINAL, KNOWN = date(2023, 12, 31), date(2026, 3, 31), date(2026, 6, 30)
LAGGING = "disabled.welfare_jobs_pwd_share"  # 逆向 in the demo at any known-on date


@pytest.fixture(scope="module")
def mid(demo_db):
    return build_content(open_workspace(settings=make_settings(demo_db)), MID, KNOWN)


@pytest.fixture(scope="module")
def final(demo_db):
    return build_content(open_workspace(settings=make_settings(demo_db)), FINAL, KNOWN)


def all_text(c, methods: bool = True) -> str:
    cells = [str(v) for r in c.rows for k, v in r.items() if not k.startswith("_")]
    extra = c.methods if methods else []
    return "\n".join([c.title, *c.title_lines, *c.narrative.values(), *extra, *cells])


# -- 1. causes and measures per indicator, filled by the lead department ---------------------


def test_cause_and_measures_set_by_cli_reach_sections_four_and_five(demo_copy, capsys, monkeypatch):
    db = str(demo_copy.settings.db_path)
    monkeypatch.setenv("PLANTRACK_PASSWORD", "demo-stat-1")  # 示例统计员（区残联）: leads LAGGING
    args = ["--db", db, "analysis-set", LAGGING, "--user", "stat"]
    assert (
        main([*args, "--cause", "指导员培训因场馆改造推迟", "--measures", "每季度办一期培训"]) == 0
    )
    assert main([*args, "--measures", "2024年起每季度开展一期公益指导员培训"]) == 0  # cause kept
    assert "已保存" in capsys.readouterr().out
    hist = analysis_history(demo_copy.store, LAGGING)
    assert len(hist) == 2  # append-only: the first entry is still there
    assert set(hist["user_name"]) == {"stat"}  # the account's name, from the users table
    c = build_content(demo_copy, MID, date.today())
    assert "原因：指导员培训因场馆改造推迟。" in c.narrative["problems"]
    assert "2024年起每季度开展一期公益指导员培训" in c.narrative["next_steps"]
    assert "每季度办一期培训" not in c.narrative["next_steps"]
    # an indicator nobody filled in is marked as a gap, in §四 and in §五
    assert f"原因：{GAP}" in c.narrative["problems"]
    assert f"措施{GAP}" in c.narrative["next_steps"]
    # a report issued on an earlier day does not see the entry (reproducible as issued)
    before = build_content(demo_copy, MID, date(2024, 6, 30), issued=date(2024, 6, 30))
    assert "指导员培训因场馆改造推迟" not in before.narrative["problems"]


def test_analysis_set_refuses_unknown_indicator_and_empty_input(demo_copy, capsys):
    db = str(demo_copy.settings.db_path)
    assert main(["--db", db, "analysis-set", "no.such", "--cause", "x", "--user", "stat"]) == 1
    assert main(["--db", db, "analysis-set", LAGGING, "--user", "stat"]) == 1
    err = capsys.readouterr().err
    assert "no.such" in err and "--cause" in err
    assert analysis_history(demo_copy.store, LAGGING).empty


def test_measures_are_per_indicator_and_changes_say_which_way(mid):
    text = mid.narrative["problems"] + mid.narrative["next_steps"]
    assert "变动" not in all_text(mid)
    assert "提高" in text or "降低" in text
    items = [x for x in mid.narrative["next_steps"].splitlines() if re.match(r"\d+．", x)]
    assert len(items) == len(set(items)) >= 3  # one item per indicator, none repeated
    assert moved(1.25, 1, "%") == "提高1.3个百分点" and moved(-0.3, 2, "平方米") == "降低0.30平方米"
    assert moved(0.01, 1, "%") == "持平"


def test_a_negative_completion_is_said_in_words(mid):
    text = mid.narrative["problems"]
    assert not re.search(r"完成进度-", text)  # was "完成进度-26.5%，低于时序进度…"
    assert "向目标的相反方向变化，倒退幅度相当于目标变化量的" in text


def test_one_precision_per_indicator(mid):
    for r in mid.rows:
        if r["_kind"] != "target" or r["基期值"] == "—":
            continue
        base = r["基期值"].replace(",", "")
        latest = r["现状值"].split("（")[0].replace(",", "")
        decimals = {len(x.split(".")[1]) if "." in x else 0 for x in (base, latest)}
        assert decimals == {r["_precision"]}, r


# -- 2. the final report ---------------------------------------------------------------------


def test_final_report_has_no_projection_no_early_and_no_half_time_rule(final):
    assert final.evaluation == "总结评估"
    text = all_text(final, methods=False)  # the appendix explains every verdict word
    for banned in ("按现有增速", "预计", "提前实现", "时间过半、任务过半", "剩余"):
        assert banned not in text.replace("提前完成", ""), banned
    assert "未完成" in final.narrative["problems"]
    milestones = final.table[final.table["kind"] == "milestone"]
    for r in milestones.itertuples():
        if r.verdict == "逾期":
            assert f"{quote(r.name)}未完成" in final.narrative["problems"]


def test_final_report_at_the_plan_end_names_open_milestones_as_unfinished(demo_ws):
    """As of the plan's last day (the report page's 终期 date) the assessment still says
    进行中 for a milestone due that day; the 总结评估 says 未完成 in 表1, the counts and §四."""
    c = build_content(demo_ws, date(2025, 12, 31), KNOWN)
    assert c.evaluation == "总结评估"
    miles = [r for r in c.rows if r["_kind"] == "milestone"]
    assert miles and not any(r["评价"] == "进行中" for r in miles), [r["评价"] for r in miles]
    undone = [r for r in miles if r["现状值"] == "未完成"]
    assert undone, "the demo has milestones not done by 2025"
    for r in undone:
        assert r["评价"] == "未完成" and r["_light"] == "red"
        assert f"{quote(r['指标名称'])}未完成" in c.narrative["problems"], r["指标名称"]
    assert f"未完成{len(undone)}个" in c.narrative["overview"].splitlines()[1]
    assert "进行中" not in c.narrative["overview"] + c.narrative["indicators"]
    # §三 likewise: nothing is 进行中 at the end; the overdue list and 表2 say 未完成
    assert c.tasks.by_status()["进行中"] == 0
    assert "进行中" not in c.narrative["tasks"] and "未完成的事项" in c.narrative["tasks"]
    doc = Document(io.BytesIO(render(c, ".docx", charts=[])))
    counts = next(t for t in doc.tables if t.rows[0].cells[0].text == "类别")
    assert [x.text for x in counts.rows[0].cells] == [
        "类别",
        "已完成",
        "逾期完成",
        "未完成",
        "合计",
    ]
    # the Excel 任务 sheet too: 状态 and 状态说明 agree (was 逾期 beside 进行中（无进展记录）)
    sheet = load_workbook(io.BytesIO(render(c, ".xlsx")))["任务"]
    head = [cell.value for cell in sheet[1]]
    rows = [dict(zip(head, (cell.value for cell in r), strict=True)) for r in sheet.iter_rows(2)]
    assert rows and not any(str(r["状态说明"]).startswith("进行中") for r in rows)
    assert {r["状态"] for r in rows} <= {"已完成", "逾期完成", "未完成"}
    assert any(str(r["状态说明"]).startswith("未完成") for r in rows)


# -- 3. projections capped by nature ---------------------------------------------------------


def test_projections_never_exceed_what_the_quantity_can_be(demo_ws):
    table = assessment_table(demo_ws, MID, known_on=KNOWN)
    rates = table[(table["unit"] == "%") & table["projected_value"].notna()]
    assert not rates.empty and (rates["projected_value"].astype(float) <= 100.0).all()
    streets = table[table["name"].str.contains("街道数") & table["projected_value"].notna()]
    assert not streets.empty
    assert (streets["projected_value"].astype(float) <= len(demo_ws.registry.areas.subareas)).all()


def test_cap_is_the_same_in_the_scalar_and_the_vector_path():
    rule = Rule("r", "target", 1, parse_period("2020"), None, 100.0, parse_period("2025"), ">=",
                proj_max=100.0)  # fmt: skip
    obs = [(parse_period("2020"), 80.0), (parse_period("2022"), 95.0)]
    one = assess_one(rule, "a", obs, date(2022, 12, 31))
    import pandas as pd

    frame = assess_frame(
        [rule],
        pd.DataFrame(
            {"indicator": "r", "area": "a", "period": ["2020", "2022"], "value": [80.0, 95.0]}
        ),
        date(2022, 12, 31),
    )
    assert one.projected_value == 100.0 == frame.loc[0, "projected_value"]
    assert one.projected_meets is True


# -- 4. 四舍五入 at a precision that fits ------------------------------------------------------


def test_precision_fits_the_values(mid):
    assert fit_precision(1, observed=(0.85, 0.95), target=1.0, met=False) == 2
    assert fit_precision(1, 37.4, 41.0, observed=(37.4123, 39.71)) == 1
    assert fit_precision(1, observed=(0.95,), target=1.0, met=False) == 2
    row = next(r for r in mid.rows if r["_indicator"] == "fitness.student_pe_hours")
    assert row["基期值"] == "0.85" and re.match(r"\d\.\d\d（", row["现状值"]), row


# -- 5. every-year requirements; no machine text ---------------------------------------------


def test_every_year_requirement_is_judged_per_year(mid, final):
    row = next(r for r in mid.rows if r["_indicator"] == "disabled.exec_meetings_on_disability")
    assert row["评价"] == "已达标" and "2021—2023年达到要求" in row["说明"]
    assert "提前实现" not in row["评价"]
    end = next(r for r in final.rows if r["_indicator"] == "disabled.exec_meetings_on_disability")
    assert end["评价"] in ("已实现", "未实现")
    for c in (mid, final):
        text = all_text(c)
        for machine in ("无定义", "目标值等于基期值", "增速比无", "τ", "ρ", "δ", "1e-9", "CAGR"):
            assert machine not in text, machine


# -- 7. wording and structure ----------------------------------------------------------------


def test_title_issuer_periods_quotes_and_relative_wording(mid):
    assert "》、《" not in mid.title and "》《" in mid.title
    assert "（编制单位）" not in all_text(mid) and mid.org == "济南市市中区人民政府"
    assert "2023年四季度" in all_text(mid) and "2023Q4" not in all_text(mid)
    assert period_text("2023Q4") == "2023年四季度" and period_text("2024") == "2024年"
    assert quote("城市社区“10分钟健身圈”建成") == "“城市社区‘10分钟健身圈’建成”"
    assert not re.search(r"“[^”]*“", "\n".join(mid.narrative.values()))  # never “…“…”…”
    assert relative(1.1, 1, "%", "全市平均水平") == "高于全市平均水平1.1个百分点"
    assert relative(-0.4, 1, "%", "全市平均水平") == "低于全市平均水平0.4个百分点"
    row = next(r for r in mid.rows if r["_kind"] == "relative")
    assert re.search(r"[高低]于全市平均水平[\d.]+个百分点|与全市平均水平持平", row["说明"])
    subheads = [x for x in mid.narrative["indicators"].splitlines() if x.startswith("（")]
    assert subheads == ["（一）《全民健身实施计划》", "（二）《“十四五”残疾人事业发展规划》"]


def test_issuer_comes_from_the_settings_file(demo_db, tmp_path, monkeypatch):
    (tmp_path / "plantrack.toml").write_text('[report]\nissuer = "市中区发展和改革局"\n', "utf-8")
    monkeypatch.setenv("PLANTRACK_SETTINGS", str(tmp_path / "plantrack.toml"))
    c = build_content(open_workspace(settings=make_settings(demo_db)), MID, KNOWN)
    assert c.org == "市中区发展和改革局"


# -- 8. a 街道 report ------------------------------------------------------------------------


def test_street_report_leaves_out_district_only_items_and_uses_the_city_reference(demo_ws):
    street = demo_ws.registry.areas.subareas[0]
    c = build_content(demo_ws, MID, KNOWN, area=street.code)
    only = {i for i, ind in demo_ws.indicators.items() if ind.rollup.method == "none"}
    assert not set(c.table["indicator"]) & only
    assert not set(c.full_table["indicator"]) & only
    units = c.tasks.table["units"].astype(str)
    assert c.tasks.total and units.map(lambda u: street.name in u or "各街道" in u).all()
    rel = c.table[c.table["kind"] == "relative"]
    assert not rel.empty and (rel["verdict"] != "无法评估").all()


# -- 11. the Excel appendix ------------------------------------------------------------------


def test_excel_appendix_numbers_words_and_rollup_sources(mid):
    wb = load_workbook(io.BytesIO(render(mid, ".xlsx")))
    main_sheet = wb["主要指标"]
    header = [c.value for c in main_sheet[1]]
    col = {h: i for i, h in enumerate(header)}
    body = list(main_sheet.iter_rows(min_row=2))
    welfare = next(r for r in body if r[col["指标名称"]].value == "公益性岗位安排残疾人比例")
    cell = welfare[col["完成进度"]]
    assert isinstance(cell.value, float) and cell.value < 0 and cell.number_format == "0.0%"
    assert isinstance(welfare[col["现状值"]].value, float)
    assert welfare[col["现状值"]].number_format.startswith("#,##0.")
    for ws in wb.worksheets:
        heads = [str(c.value) for c in ws[1]]
        assert all(re.search(r"[\u4e00-\u9fff]", h) for h in heads), (ws.title, heads)
        codes = [i for i, h in enumerate(heads) if "代码" in h or h in ("编号", "批次")]
        for row in ws.iter_rows(min_row=2, values_only=True):
            for v in [v for i, v in enumerate(row) if i not in codes]:
                assert not (isinstance(v, str) and re.fullmatch(r"'?-?[\d.]+%?", v)), (ws.title, v)
                assert v not in ("green", "yellow", "red", "grey", "rollup", "reported", "target")
    detail = list(wb["数据明细"].values)
    h = detail[0]
    rolled = [r for r in detail[1:] if r[h.index("来源")] == "汇总"]
    assert rolled and all(r[h.index("汇总自")] for r in rolled)
    plans = {r[2] for r in list(wb["全部指标"].values)[1:]}
    assert "全民健身实施计划" in plans and "fitness" not in plans
