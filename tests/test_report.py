"""The evaluation report: content, Word, Excel and PDF on a real demo database."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from plantrack.present import fmt_number, fmt_share
from plantrack.report import SECTIONS, build_content, render, write_report
from plantrack.report.content import MAIN_KINDS
from plantrack.report.figures import report_charts
from plantrack.report.rows import COLUMNS, FILLS
from plantrack.report.wording import period_text
from plantrack.report.xlsx_writer import safe
from plantrack.scorecard import assessment_table
from plantrack.workspace import open_workspace
from tests.conftest import act_as, make_settings

MID = date(2023, 12, 31)
KNOWN = date(2024, 6, 30)


@pytest.fixture(scope="module")
def content(demo_db):
    ws = open_workspace(settings=make_settings(demo_db))
    return build_content(ws, MID, KNOWN, issued=date(2024, 7, 1))


@pytest.fixture(scope="module")
def docx_doc(content):
    return Document(io.BytesIO(render(content, ".docx")))


def main_table(doc):
    hits = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == COLUMNS]
    assert len(hits) == 1, "exactly one 主要指标 table"
    return hits[0]


def test_docx_headings_in_order(docx_doc):
    heads = [p.text for p in docx_doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == [h for _, h in SECTIONS]
    subs = [p.text for p in docx_doc.paragraphs if p.style.name == "Heading 2"]
    assert "（一）《全民健身实施计划》" in subs and "（二）《“十四五”残疾人事业发展规划》" in subs


def test_docx_table_has_one_row_per_assessed_indicator_with_the_assessments_numbers(
    demo_ws, docx_doc
):
    expected = assessment_table(demo_ws, MID, known_on=KNOWN)
    expected = expected[expected["kind"].isin(MAIN_KINDS) & expected["attribute"].notna()]
    table = main_table(docx_doc)
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    groups = [r[0] for r in rows if len(set(r)) == 1]  # merged plan rows
    assert groups == ["（一）《全民健身实施计划》", "（二）《“十四五”残疾人事业发展规划》"]
    rows = [r for r in rows if len(set(r)) > 1]
    precision = {r["indicator"]: r["precision"] for r in content_rows(demo_ws)}
    assert len(rows) == len(expected) > 10
    col = {name: i for i, name in enumerate(COLUMNS)}
    for cells, r in zip(rows, expected.itertuples(), strict=True):
        assert cells[col["指标名称"]] == r.name
        assert cells[col["评价"]] == r.verdict
        assert cells[col["牵头部门"]] == r.lead
        if r.kind == "target":
            p = int(precision[r.indicator])
            assert cells[col["现状值"]] == (
                f"{fmt_number(r.latest_value, p)}（{period_text(r.latest_period)}）"
            )
            assert cells[col["完成进度"]] == fmt_share(
                None if pd.isna(r.completion) else r.completion
            )
            assert cells[col["时序进度"]] == fmt_share(r.time_share)
    verdicts = {c for cells in rows for c in [cells[col["评价"]]]}
    assert {"基本符合预期", "逆向"} <= verdicts


def content_rows(ws):
    return build_content(ws, MID, KNOWN).full_table.to_dict(orient="records")


def test_docx_verdict_cells_are_shaded_with_the_light_colour(content, docx_doc):
    table = main_table(docx_doc)
    j = COLUMNS.index("评价")
    rows = [row for row in table.rows[1:] if len({c.text for c in row.cells}) > 1]
    for row, r in zip(rows, content.rows, strict=True):
        shd = row.cells[j]._tc.tcPr.find(qn("w:shd"))
        assert shd is not None and shd.get(qn("w:fill")) == FILLS[r["_light"]]


def test_docx_has_every_chart_page_numbers_and_chinese_fonts(content, docx_doc):
    charts = report_charts(content)
    with_data = content.table[
        content.table["kind"].isin(["target", "relative"]) & content.table["latest_value"].notna()
    ]
    assert len(charts) >= len(with_data) > 5
    assert len(docx_doc.inline_shapes) == len(charts)
    images = [p for p in docx_doc.part.package.parts if p.content_type == "image/png"]
    assert images, "chart images stored in the document package"
    footer_xml = docx_doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    normal = docx_doc.styles["Normal"].element.rPr.rFonts
    heading = docx_doc.styles["Heading 1"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"  # GB/T 9704 body
    title = docx_doc.styles["Title"].element.rPr.rFonts
    assert title.get(qn("w:eastAsia")) == "方正小标宋简体"
    sub = docx_doc.styles["Heading 2"].element.rPr.rFonts
    assert sub.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert heading.get(qn("w:eastAsia")) == "黑体"
    assert heading.get(qn("w:eastAsiaTheme")) is None


def test_title_page_edits_config_hash_and_batches_reach_the_document(demo_ws, content):
    edited = content.with_edits(
        org="区发展和改革局", overview="自定义的总体情况文字。", next_steps="自定义建议。"
    )
    doc = Document(io.BytesIO(render(edited, ".docx", charts=[])))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "编制单位：区发展和改革局" in text
    assert "评估基准日：2023年12月31日" in text
    assert "数据截至：2024年6月30日" in text
    assert "自定义的总体情况文字。" in text and "自定义建议。" in text
    assert content.narrative["overview"].splitlines()[0] not in text
    assert demo_ws.config_hash in text
    assert "、".join(map(str, content.batch_ids)) in text


def test_overview_states_the_half_time_test_and_problems_put_binding_first(content):
    assert "判断规则" not in content.narrative["overview"]  # the rule is in the appendix
    assert any("“时间过半、任务过半”的判断" in m for m in content.methods)
    assert "时间过半、任务过半" in content.narrative["overview"]
    for p in content.pace:
        assert p.holds == (p.share >= p.time_share - 1e-9)
    attrs = list(content.problems["attribute"])
    assert attrs == sorted(attrs, key=lambda a: a != "约束性")  # within the problem list
    assert set(content.problems["verdict"]) >= {"逆向"}
    first = content.problems.iloc[0]
    assert first["lead"] in content.narrative["problems"]


def test_xlsx_appendix_reads_back_with_every_value_period_batch_and_revision(content, tmp_path):
    path = write_report(content.with_edits(overview='=HYPERLINK("x")'), tmp_path / "附表.xlsx")
    wb = load_workbook(path)
    assert {"说明", "主要指标", "全部指标", "数据明细", "批次", "任务"} <= set(wb.sheetnames)
    main = list(wb["主要指标"].values)
    header = [*COLUMNS[:7], "现状期", *COLUMNS[7:]]
    assert list(main[0]) == header and len(main) - 1 == len(content.table)
    detail = pd.DataFrame(list(wb["数据明细"].values)[1:], columns=next(wb["数据明细"].values))
    assert len(detail) == len(content.values)
    assert {"时期", "数值", "批次", "修订版次"} <= set(detail.columns)
    assert set(detail["批次"].dropna().astype(int)) == set(content.batch_ids)
    about = {r[0]: r[1] for r in list(wb["说明"].values)[1:]}
    assert about["指标配置编码"] == content.config_hash
    assert about["一、总体情况"].startswith("'=")


@pytest.mark.parametrize(
    "raw, cell",
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-x", "'-x"), ("@a", "'@a"), ("ok", "ok"), (-1.5, -1.5)],
)
def test_formula_like_text_is_escaped(raw, cell):
    assert safe(raw) == cell


def test_pdf_is_drawn_with_the_embedded_cjk_font(content):
    data = render(content, ".pdf", charts=report_charts(content)[:2])
    assert data.startswith(b"%PDF")
    assert b"NotoSansCJKSC" in data
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", data)
    assert len(pages) >= 5, "title, sections, landscape table, charts, appendix"


def test_a_load_recorded_after_known_on_does_not_change_the_report(demo_copy):
    ws = demo_copy
    before = build_content(ws, MID, KNOWN, issued=KNOWN)
    docx_before = render(before, ".docx", charts=[])
    row = before.table.set_index("indicator").loc["fitness.regular_exercise_rate"]
    changed = pd.DataFrame(
        {
            "indicator": ["fitness.regular_exercise_rate"],
            "area": [ws.district],
            "period": [row["latest_period"]],
            "period_end": [MID],
            "value": [float(row["latest_value"]) - 5.0],
            "note": ["更正"],
        }
    )
    ws.store.load(changed, actor=act_as(ws), source="test", recorded_at=datetime(2024, 8, 1, 9))
    after = build_content(ws, MID, KNOWN, issued=KNOWN)
    pd.testing.assert_frame_equal(before.table, after.table)
    assert after.fingerprint == before.fingerprint
    assert after.batch_ids == before.batch_ids
    assert main_table_text(render(after, ".docx", charts=[])) == main_table_text(docx_before)
    now = build_content(ws, MID, date(2024, 8, 1), issued=KNOWN)
    moved = now.table.set_index("indicator").loc["fitness.regular_exercise_rate"]
    assert moved["latest_value"] == pytest.approx(float(row["latest_value"]) - 5.0)
    assert now.fingerprint != before.fingerprint


def main_table_text(data: bytes) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in main_table(Document(io.BytesIO(data))).rows]


def test_one_area_and_one_plan(demo_ws):
    street = next(c for c in demo_ws.area_names if c != demo_ws.district)
    c = build_content(demo_ws, MID, KNOWN, plans=["fitness"], area=street)
    assert c.area == street and c.plans == ["fitness"]
    assert set(c.table["plan"]) == {"fitness"}
    assert set(c.values["area"]) == {street}
    assert c.area_name in c.title and "全民健身" in c.title


def test_without_the_task_board_the_section_says_so(demo_ws, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "plantrack.tasks.board", None)
    c = build_content(demo_ws, MID, KNOWN)
    assert not c.tasks.available
    doc = Document(io.BytesIO(render(c, ".docx", charts=[])))
    assert any("任务台账模块暂不可用" in p.text for p in doc.paragraphs)


def test_tasks_section_counts_and_lists_overdue(content):
    s = content.tasks
    assert s.available and s.total == len(s.table)
    assert s.by_status()["逾期"] == len(s.overdue) > 0
    assert str(len(s.overdue)) in content.narrative["tasks"]
