"""AppTest of the report page and the ``report`` command, on copies of the demo database."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from streamlit.testing.v1 import AppTest

from plantrack.cli import main
from plantrack.report import SECTIONS
from tests.conftest import ROOT


def run_report_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "report.py"), default_timeout=120).run()


def test_report_page_previews_every_section_and_offers_downloads(app_env: Path):
    at = run_report_page()
    assert not at.exception, [e.value for e in at.exception]
    headers = [h.value for h in at.header]
    assert [h for _, h in SECTIONS] == [h for h in headers if h in dict(SECTIONS).values()]
    assert str(at.date_input(key="report_as_of").value) == "2023-12-31"
    labels = {b.label for b in at.download_button}
    assert {"下载 Word 报告", "下载 Excel 附表", "下载 PDF"} <= labels
    assert any("时间过半、任务过半" in ta.value for ta in at.text_area)
    assert not any("判断规则" in ta.value for ta in at.text_area)


def test_editing_a_narrative_keeps_the_edit_across_reruns(app_env: Path):
    at = run_report_page()
    overview = next(ta for ta in at.text_area if ta.key.startswith("report_text_overview"))
    overview.set_value("评估组修改后的总体情况。").run()
    assert not at.exception
    again = next(ta for ta in at.text_area if ta.key.startswith("report_text_overview"))
    assert again.value == "评估组修改后的总体情况。"
    assert at.download_button(key="report_dl_docx") is not None


def test_report_page_for_one_plan_and_the_final_date(app_env: Path):
    at = run_report_page()
    at.multiselect(key="report_plans").set_value(["disabled"]).run()
    at.button(key="report_as_of_2025-12-31").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("总结评估" in ti.value for ti in at.text_input)


def test_report_page_with_no_plan_says_so(app_env: Path):
    at = run_report_page()
    at.multiselect(key="report_plans").set_value([]).run()
    assert not at.exception
    assert any("至少选择一个规划" in i.value for i in at.info)


def test_cli_report_writes_each_format(demo_copy, tmp_path: Path, capsys):
    db = str(demo_copy.settings.db_path)
    base = ["--db", db, "report", "--as-of", "2023-12-31", "--known-on", "2024-06-30"]
    for suffix in ("docx", "xlsx", "pdf"):
        out = tmp_path / f"报告.{suffix}"
        assert main([*base, "--org", "区发展改革局", "--plan", "fitness", "--out", str(out)]) == 0
        assert out.stat().st_size > 1000
    printed = capsys.readouterr().out
    assert "使用批次" in printed and demo_copy.config_hash[:16] in printed
    doc = Document(str(tmp_path / "报告.docx"))
    assert any(p.text == "编制单位：区发展改革局" for p in doc.paragraphs)


def test_cli_report_refuses_bad_input_in_chinese(demo_copy, tmp_path: Path, capsys):
    db = str(demo_copy.settings.db_path)
    base = ["--db", db, "report", "--as-of", "2023-12-31"]
    assert main([*base, "--out", str(tmp_path / "x.txt")]) == 2
    assert main([*base, "--plan", "nope", "--out", str(tmp_path / "x.docx")]) == 1
    assert main([*base, "--area", "999", "--out", str(tmp_path / "x.docx")]) == 1
    err = capsys.readouterr().err
    assert "格式无法识别" in err and "规划 'nope' 不存在" in err and "地区代码" in err
    assert "Traceback" not in err


def test_cli_without_fpdf2_explains_how_to_get_pdf(demo_copy, tmp_path: Path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fpdf", None)
    monkeypatch.setitem(sys.modules, "plantrack.report.pdf_writer", None)
    db = str(demo_copy.settings.db_path)
    out = tmp_path / "r.pdf"
    assert main(["--db", db, "report", "--as-of", "2023-12-31", "--out", str(out)]) == 2
    assert "fpdf2" in capsys.readouterr().err and not out.exists()


def test_cause_and_measures_entered_on_the_page_reach_the_report(app_env: Path):
    at = run_report_page()
    assert not at.exception, [e.value for e in at.exception]
    ind = at.selectbox(key="report_analysis_ind").value
    areas = [ta for ta in at.text_area if ta.label in ("原因分析", "下一步措施")]
    areas[0].set_value("受场地改造影响，培训推迟")
    areas[1].set_value("下半年增开两期培训")
    at.text_input(key=f"report_analysis_user_{ind}").set_value("区教育体育局")
    at.button[[b.label for b in at.button].index("保存原因和措施")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    problems = next(ta for ta in at.text_area if (ta.key or "").startswith("report_text_problems"))
    steps = next(ta for ta in at.text_area if (ta.key or "").startswith("report_text_next_steps"))
    assert "原因：受场地改造影响，培训推迟。" in problems.value
    assert "下半年增开两期培训" in steps.value
