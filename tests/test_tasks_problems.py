"""Problems of a task progress file are shown like an observation upload's (#15): one shared
Problem per row (file, sheet row, column, value, what to fix) — also for rows of another
department's task — as the report table on the page and as one line each (or JSON) on the
CLI. Files are built here; the database is a real DuckDB file."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from plantrack.auth.roles import STATISTICIAN
from plantrack.settings import Settings
from plantrack.store.plan_progress import current_progress
from plantrack.store.task_updates import count_updates
from plantrack.tasks.bulk import load_bulk
from plantrack.tasks.bulk import template_bytes as task_template
from plantrack.tasks.plan_bulk import load_plan_bulk
from plantrack.tasks.plan_bulk import template_bytes as plan_template
from plantrack.workspace import Workspace, open_workspace
from tests.conftest import PASSWORD, ROOT, act_as, login_app

TODAY = date(2023, 12, 31)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MINE, OTHER, OTHER2 = "openness2022.t03", "openness2022.t07", "openness2022.t01"
ROW = ("进行中", date(2022, 9, 1), "推进中")


def task_file(ws: Workspace, rows: dict[str, tuple]) -> tuple[bytes, dict[str, int]]:
    """The task template with ``rows`` filled; also each task's sheet row."""
    wb = load_workbook(io.BytesIO(task_template(ws)))
    sheet = wb["任务进展"]
    where = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for task_id, values in rows.items():
        for col, value in enumerate(values, start=5):
            sheet.cell(where[task_id], col, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), where


def plan_file(ws: Workspace, rows: dict[str, tuple]) -> tuple[bytes, dict[str, int]]:
    wb = load_workbook(io.BytesIO(plan_template(ws, plan="disabled", year=2023)))
    sheet = wb["主要任务进展"]
    where = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for task_id, (degree, progress) in rows.items():
        sheet.cell(where[task_id], 6, degree)
        sheet.cell(where[task_id], 7, progress)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), where


def units(ws: Workspace, task_id: str) -> str:
    return "、".join(ws.scope.owners[task_id])


def test_each_row_of_another_departments_task_is_a_problem(empty_ws: Workspace) -> None:
    stat = act_as(empty_ws, STATISTICIAN, ["区财政局"])
    data, where = task_file(empty_ws, {MINE: ROW, OTHER: ROW, OTHER2: ROW})
    result = load_bulk(empty_ws, data, "财政局.xlsx", actor=stat, today=TODAY)
    assert not result.ok and result.stored == 0 and count_updates(empty_ws.store) == 0
    got = [(p.file, p.row, p.column, p.header, p.value) for p in result.issues]
    assert got == [
        ("财政局.xlsx", where[OTHER2], "A", "任务编号", OTHER2),
        ("财政局.xlsx", where[OTHER], "A", "任务编号", OTHER),
    ]
    for p, task in zip(result.issues, (OTHER2, OTHER), strict=True):
        assert p.message == (
            f"该任务的责任单位是{units(empty_ws, task)}，账号 {stat.name} 属于区财政局 — "
            f"请删除此行或由{units(empty_ws, task)}填报"
        )
    assert len(result.report.errors) == 2  # the upload's Report of the same problems


def test_plan_task_rows_of_another_lead_are_problems(empty_ws: Workspace) -> None:
    stat = act_as(empty_ws, STATISTICIAN, ["区残联"])
    rows = {"disabled.k02": ("推进中", "已落实"), "disabled.k01": ("推进中", "帮扶"),
            "disabled.k03": ("推进中", "兜底")}  # fmt: skip
    data, where = plan_file(empty_ws, rows)
    result = load_plan_bulk(empty_ws, data, "残联.xlsx", actor=stat, today=TODAY)
    assert not result.ok and current_progress(empty_ws.store).empty
    by_task = {p.row: p for p in result.issues}
    assert set(by_task) == {where["disabled.k01"], where["disabled.k03"]}
    k01 = by_task[where["disabled.k01"]]
    assert (k01.column, k01.value) == ("A", "disabled.k01")
    assert k01.message.startswith("该任务的牵头部门是区乡村振兴局")
    assert k01.message.endswith("请删除此行或由区乡村振兴局填报")
    k03 = by_task[where["disabled.k03"]]  # co-led: the template prefilled the other lead
    assert (k03.column, k03.header, k03.value) == ("I", "填报部门", "区民政局")
    assert "请改为区残联，或由区民政局填报" in k03.message


def run(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PLANTRACK_UPLOADS": str(ws.settings.uploads_dir)}
    env["PLANTRACK_PASSWORD"] = PASSWORD
    cmd = [sys.executable, "-m", "plantrack", "--db", str(ws.settings.db_path), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_cli_lists_each_problem_with_its_fields_and_as_json(
    empty_ws: Workspace, tmp_path: Path
) -> None:
    stat = act_as(empty_ws, STATISTICIAN, ["区财政局"])
    data, where = task_file(empty_ws, {MINE: ("进行中", "2022-02-30", "x"), OTHER: ROW})
    path = tmp_path / "财政局.xlsx"
    path.write_bytes(data)
    out = run(empty_ws, "task-load", str(path), "--user", stat.name)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    head, *lines = out.stderr.splitlines()
    assert head == "财政局.xlsx 未导入，未记录任何进展（共 2 个问题，请按提示修改后重新导入）："
    assert lines[0] == (
        f"错误  财政局.xlsx 第 {where[MINE]} 行 F 列（日期） 值 “2022-02-30”："
        "日期无法识别，请写成 2022-09-30"
    )
    assert lines[1].startswith(
        f"错误  财政局.xlsx 第 {where[OTHER]} 行 A 列（任务编号） 值 “{OTHER}”：该任务的责任单位是"
    )
    out = run(empty_ws, "task-load", str(path), "--user", stat.name, "--json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert (report["ok"], report["stored"], report["error_count"]) == (False, 0, 2)
    fields = [(e["file"], e["row"], e["column"], e["header"], e["value"]) for e in report["errors"]]
    assert fields == [
        ("财政局.xlsx", where[MINE], "F", "日期", "2022-02-30"),
        ("财政局.xlsx", where[OTHER], "A", "任务编号", OTHER),
    ]
    assert report["errors"][1]["message"].endswith(f"请删除此行或由{units(empty_ws, OTHER)}填报")
    out = run(empty_ws, "--lang", "en", "task-load", str(path), "--user", stat.name)
    assert out.stderr.startswith("财政局.xlsx was not imported; nothing was recorded (2 problems")
    assert "\nerror    财政局.xlsx 第" in out.stderr
    assert count_updates(empty_ws.store) == 0


def _app_ws(app_env: Path) -> Workspace:
    settings = Settings(ROOT / "indicators.yaml", app_env, False, app_env.parent / "uploads")
    return open_workspace(settings=settings)


def test_page_shows_the_report_table(app_env: Path) -> None:
    ws = _app_ws(app_env)
    stat = act_as(ws, STATISTICIAN, ["区财政局"], name="财政统计员")
    before = count_updates(ws.store)
    data, where = task_file(ws, {MINE: ("已完成", date(2022, 10, 30)), OTHER: ROW})
    at = AppTest.from_file(str(ROOT / "pages" / "tasks.py"), default_timeout=60)
    login_app(at, stat.name, PASSWORD)
    at.session_state["tasks_as_of"] = TODAY
    at.run()
    at.file_uploader(key="tasks_bulk_file").set_value(("财政局.xlsx", data, XLSX))
    at.button(key="tasks_bulk_go").click().run()
    assert not at.exception
    assert any("财政局.xlsx 未导入" in e.value and "共 2 个问题" in e.value for e in at.error)
    table = next(d.value for d in at.dataframe if "问题与修改方法" in d.value.columns)
    assert list(table.columns) == ["级别", "行", "列", "列名", "填写值", "问题与修改方法"]
    rows = table.set_index("行")
    assert rows.loc[where[MINE], "列名"] == "进展说明"
    assert rows.loc[where[MINE], "问题与修改方法"].startswith("状态为“已完成”时须填写进展说明")
    assert (rows.loc[where[OTHER], "列"], rows.loc[where[OTHER], "填写值"]) == ("A", OTHER)
    assert rows.loc[where[OTHER], "问题与修改方法"].endswith(
        f"请删除此行或由{units(ws, OTHER)}填报"
    )
    assert any(b.label == "下载检查结果（.xlsx）" for b in at.get("download_button"))
    at.text_input(key="upload.tasks.bulk.text").input("责任单位").run()  # the report stays
    table = next(d.value for d in at.dataframe if "问题与修改方法" in d.value.columns)
    assert list(table["行"]) == [where[OTHER]]
    assert count_updates(ws.store) == before
    assert not re.search(r"Traceback|Exception", " ".join(e.value for e in at.error))


def test_upload_report_search_with_empty_cells(app_env: Path) -> None:
    """The shared report table's search (pandas 3 kept empty cells as NaN: a TypeError)."""
    from tests.upload_fixtures import row, xlsx_bytes

    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=90).run()
    data = xlsx_bytes([row(value="十二"), row(indicator="no.such", value=3)])
    at.file_uploader[0].set_value(("bad.xlsx", data, "application/octet-stream")).run()
    at.text_input(key="upload.file.text").input("十二").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "问题与修改方法" in d.value.columns)
    assert len(table) >= 1 and all("十二" in " ".join(map(str, r)) for r in table.values)
