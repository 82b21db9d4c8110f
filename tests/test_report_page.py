"""AppTest of the report page and the ``report`` command, on copies of the demo database."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from streamlit.testing.v1 import AppTest

from plantrack.cli import main
from plantrack.report import SECTIONS
from plantrack.store import Store
from plantrack.store.analysis import analysis_history
from plantrack.store.auth_sql import audit_rows
from tests.conftest import ROOT, login_app

PAGE = ROOT / "pages" / "report.py"


def audit_rows_of(store: Store) -> list[dict]:
    with store.connect(read_only=True) as con:
        return audit_rows(con)


def run_report_page() -> AppTest:
    return AppTest.from_file(str(PAGE), default_timeout=120).run()


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
    # the appendix's numbered paragraphs are not also bulleted (“• 一、时间。”)
    methods = [m.value for m in at.markdown if "一、时间" in m.value]
    assert methods and not any(m.lstrip().startswith("- ") for m in methods), methods


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
    at.button[[b.label for b in at.button].index("保存原因和措施")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    problems = next(ta for ta in at.text_area if (ta.key or "").startswith("report_text_problems"))
    steps = next(ta for ta in at.text_area if (ta.key or "").startswith("report_text_next_steps"))
    assert "原因：受场地改造影响，培训推迟。" in problems.value
    assert "下半年增开两期培训" in steps.value
    saved = analysis_history(Store(app_env), ind)
    assert saved["user_name"].tolist() == ["admin"]  # the logged-in account, not typed text
    assert "填报人：示例管理员（admin）" in " ".join(c.value for c in at.caption)


LAGGING = "disabled.welfare_jobs_pwd_share"  # led by 区残联


def test_causes_form_refuses_another_departments_statistician_and_hides_from_leaders(app_db):
    at = login_app(AppTest.from_file(str(PAGE), default_timeout=120), "stat2", "demo-stat-2")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="report_analysis_ind").set_value(LAGGING).run()
    next(ta for ta in at.text_area if ta.label == "原因分析").set_value("不是本部门的指标")
    at.button[[b.label for b in at.button].index("保存原因和措施")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "拒绝填写原因分析和措施" in errors and "不属于账号 stat2" in errors
    assert analysis_history(Store(app_db), LAGGING).empty
    refused = audit_rows_of(Store(app_db))[-1]
    assert (refused["action"], refused["outcome"], refused["user_name"]) == (
        "analysis", "refused", "stat2",
    )  # fmt: skip
    leader = login_app(AppTest.from_file(str(PAGE), default_timeout=120), "leader", "demo-leader-1")
    leader.run()
    assert not leader.exception, [e.value for e in leader.exception]
    assert "保存原因和措施" not in [b.label for b in leader.button]
    assert any("只能查看" in c.value for c in leader.caption)
