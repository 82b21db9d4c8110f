"""The plans' key tasks: transcription, yearly progress by the lead department (CLI, Excel,
page), the report's §三 sub-sections and the department view."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from plantrack.cli import main
from plantrack.config import config_hash
from plantrack.report import build_content
from plantrack.store.plan_progress import current_progress
from plantrack.tasks.plan_bulk import load_plan_bulk, template_bytes
from plantrack.tasks.plan_tasks import load_plan_tasks, plan_task_table
from plantrack.tasks.registry import TaskConfigError
from plantrack.workspace import Workspace
from tests.conftest import act_as, add_accounts, cli_env

ROOT = Path(__file__).resolve().parents[1]
TASKS = ROOT / "registry" / "tasks.yaml"


def test_both_plans_transcribed(empty_ws: Workspace) -> None:
    tasks = {t.id: t for t in empty_ws.plan_tasks}
    assert sum(t.plan == "fitness" for t in tasks.values()) == 14
    assert sum(t.plan == "disabled" for t in tasks.values()) == 31
    k01 = tasks["disabled.k01"]
    assert (k01.section, k01.title) == ("三、（一）1.", "巩固拓展残疾人脱贫攻坚成果")
    assert k01.lead == ("区乡村振兴局",)
    assert k01.participating == ("区民政局", "区人力资源社会保障局", "区残联")
    assert k01.text.endswith("加强黄河流域城市中心城区残疾人事业交流合作。")
    # the printed comma between 区文明办 and 区残联 is read as a third lead department
    assert tasks["disabled.k17"].lead == ("区委宣传部", "区文明办", "区残联")
    # 区人力资源和社会保障局 is normalised to the bureau's one name
    assert tasks["disabled.k04"].lead == ("区人力资源社会保障局", "区医保局")
    # fitness: the group's （责任单位：…） covers each numbered item of the group
    assert tasks["fitness.k01"].lead == tasks["fitness.k02"].lead
    assert "各街道办事处" in tasks["fitness.k01"].lead
    assert tasks["fitness.k11"].lead == ("区教育体育局",)
    assert "fitness.student_pe_hours" in tasks["fitness.k11"].indicators
    assert all((t.start_year, t.end_year) == (2021, 2025) for t in tasks.values())
    for t in tasks.values():  # no page header or page number left in a clause
        assert "公报" not in t.text and " " not in t.text


def test_config_hash_covers_plan_tasks(tmp_path: Path) -> None:
    shutil.copy(ROOT / "indicators.yaml", tmp_path / "indicators.yaml")
    (tmp_path / "registry").mkdir()
    shutil.copy(TASKS, tmp_path / "registry" / "tasks.yaml")
    before = config_hash(tmp_path / "indicators.yaml", "registry/tasks.yaml")
    path = tmp_path / "registry" / "tasks.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("巩固拓展残疾人脱贫攻坚成果", "巩固脱贫成果"),
        encoding="utf-8",
    )
    assert config_hash(tmp_path / "indicators.yaml", "registry/tasks.yaml") != before


def test_bad_plan_task_names_the_line(tmp_path: Path) -> None:
    text = TASKS.read_text(encoding="utf-8")
    bad = text.replace("indicators: [disabled.student_aid]", "indicators: [disabled.nope]")
    path = tmp_path / "tasks.yaml"
    path.write_text(bad, encoding="utf-8")
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "disabled.nope" in x)) + 1
    with pytest.raises(TaskConfigError) as err:
        load_plan_tasks(path, {"fitness": (2021, 2025), "disabled": (2021, 2025)},
                        {"disabled.student_aid": "disabled"})  # fmt: skip
    assert any(
        p.startswith(f"tasks.yaml:{line}:") and "disabled.nope" in p for p in err.value.problems
    )


def test_cli_progress_by_lead_only(
    empty_ws: Workspace, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(empty_ws, "张三")
    cli_env(monkeypatch)
    db = str(empty_ws.settings.db_path)
    args = ["--db", db, "plan-task-progress", "disabled.k01", "--year", "2023"]
    code = main([*args, "--degree", "推进中", "--progress", "纳入监测", "--dept", "区残联",
                 "--user", "张三"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 1
    assert (
        "参数 --dept：值 “区残联” — 填报部门须为该任务的牵头部门：区乡村振兴局" in out.err + out.out
    )
    assert current_progress(empty_ws.store).empty
    code = main([*args, "--degree", "推进中", "--progress", "纳入监测", "--dept", "区乡村振兴局",
                 "--user", "张三"])  # fmt: skip
    assert code == 0
    code = main([*args, "--degree", "已完成", "--progress", "完成", "--dept", "区乡村振兴局",
                 "--user", "张三"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 1 and "须提供佐证材料" in out.err + out.out
    prog = current_progress(empty_ws.store)
    assert prog[["task_id", "year", "degree"]].values.tolist() == [["disabled.k01", 2023, "推进中"]]
    table = plan_task_table(empty_ws)
    row = table[table["id"] == "disabled.k01"].iloc[0]
    assert (row["degree"], row["year"]) == ("推进中", 2023)
    assert (table["degree"] == "未报送").sum() == 44


def _filled(ws: Workspace, rows: dict[str, tuple]) -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes(ws, plan="disabled", year=2023)))
    sheet = wb["主要任务进展"]
    for r in range(2, sheet.max_row + 1):
        key = sheet.cell(r, 1).value
        if key in rows:
            for col, value in zip((6, 7, 8, 9), rows[key], strict=True):
                sheet.cell(r, col).value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_bulk_excel_all_or_nothing(empty_ws: Workspace) -> None:
    bad = _filled(empty_ws, {
        "disabled.k02": ("推进中", "落实优惠政策", None, "区残联"),
        "disabled.k03": ("差不多", "建设中", None, "区民政局"),
    })  # fmt: skip
    result = load_plan_bulk(empty_ws, bad, "进展.xlsx", actor=act_as(empty_ws, name="李四"))
    assert not result.ok
    assert result.problems == [
        "进展.xlsx 第4行 「完成程度」列：值 “差不多” — 完成程度应为 未启动、推进中、基本完成、已完成"
    ]
    assert current_progress(empty_ws.store).empty
    good = _filled(empty_ws, {
        "disabled.k02": ("推进中", "落实优惠政策", None, "区残联"),
        "disabled.k03": ("已完成", "区级托养机构建成", "https://example.org/a", "区民政局"),
    })  # fmt: skip
    result = load_plan_bulk(empty_ws, good, "进展.xlsx", actor=act_as(empty_ws, name="李四"))
    assert result.ok and result.stored == 2
    assert sorted(current_progress(empty_ws.store)["task_id"]) == ["disabled.k02", "disabled.k03"]


def test_report_has_one_subsection_per_plan(demo_ws: Workspace, tmp_path: Path) -> None:
    from datetime import date

    from plantrack.report import write_report

    content = build_content(demo_ws, date(2023, 12, 31), known_on=date(2024, 6, 30))
    secs = content.tasks.plan_sections
    assert [s.plan for s in secs] == ["fitness", "disabled"]
    assert secs[1].heading == "（二）《“十四五”残疾人事业发展规划》主要任务"
    assert len(secs[1].rows) == 31 and "主要任务31项" in secs[1].text
    out = tmp_path / "r.docx"
    write_report(content, out)
    heads = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 2"]
    assert secs[0].heading in heads and secs[1].heading in heads


def test_pages_show_key_tasks(app_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "tasks.py"), default_timeout=60)
    at.run()
    assert not at.exception
    at.selectbox(key="ptasks_plan").set_value("disabled").run()
    at.selectbox(key="ptasks_task").set_value("disabled.k08").run()
    at.selectbox(key="ptasks_year").set_value(2024)
    at.selectbox(key="ptasks_dept").set_value("区卫生健康局")
    at.selectbox(key="ptasks_degree").set_value("基本完成")
    at.text_area(key="ptasks_progress").set_value("签约率达到 98%")
    next(b for b in at.button if b.label == "保存年度进展").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("disabled.k08 2024年 基本完成" in s.value for s in at.success)
    dept = AppTest.from_file(str(ROOT / "pages" / "departments.py"), default_timeout=60)
    dept.session_state["dept"] = "区残联"
    dept.run()
    assert not dept.exception
    assert any(m.value == "#### 牵头的规划主要任务" for m in dept.markdown)
