"""Rolling back a progress file says what it did (rows withdrawn, not values restored), and the
histories keep the withdrawn rows, marked (#15). Real files, real DuckDB copies, the CLI as a
subprocess, the pages through AppTest."""

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

from plantrack.settings import Settings
from plantrack.tasks.bulk import load_bulk
from plantrack.tasks.plan_bulk import load_plan_bulk
from plantrack.tasks.plan_bulk import template_bytes as plan_template
from plantrack.workspace import Workspace, open_workspace
from tests.conftest import PASSWORD, ROOT, act_as, add_accounts
from tests.test_tasks_updates import _filled

TODAY = date(2023, 12, 31)
TASK = "openness2022.t23"
ROW = ("已完成", date(2022, 9, 20), "已公开（回滚测试）", "https://example.gov.cn/x")


def run(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PLANTRACK_UPLOADS": str(ws.settings.uploads_dir)}
    env["PLANTRACK_PASSWORD"] = PASSWORD
    cmd = [sys.executable, "-m", "plantrack", "--db", str(ws.settings.db_path), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def plan_file(ws: Workspace) -> bytes:
    wb = load_workbook(io.BytesIO(plan_template(ws, plan="disabled", year=2023)))
    sheet = wb["主要任务进展"]
    sheet.cell(2, 6, "推进中")
    sheet.cell(2, 7, "落实中（回滚测试）")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_cli_rollback_says_what_it_did_in_chinese_and_english(demo_copy: Workspace) -> None:
    add_accounts(demo_copy, "李四")
    admin = act_as(demo_copy, name="李四")
    tasks = load_bulk(demo_copy, _filled(demo_copy, {TASK: ROW}), "进展.xlsx", actor=admin,
                      today=TODAY)  # fmt: skip
    plan = load_plan_bulk(demo_copy, plan_file(demo_copy), "主要任务.xlsx", actor=admin)
    assert tasks.ok and plan.ok, (tasks.problems, plan.problems)
    observations = int(demo_copy.store.batches().query("source == 'demo'")["id"].max())

    out = run(demo_copy, "rollback", str(tasks.batch_id), "--user", "李四", "--reason", "填错")
    assert out.returncode == 0, out.stderr
    assert f"已回滚批次 {tasks.batch_id}：" in out.stdout
    assert "撤回了 1 条任务进展" in out.stdout and "恢复了" not in out.stdout
    out = run(demo_copy, "--lang", "en", "rollback", str(plan.batch_id), "--user", "李四",
              "--reason", "wrong file")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f"Rolled back batch {plan.batch_id}: batch #" in out.stdout
    assert "withdrew 1 key-task progress records" in out.stdout
    assert not re.search(r"[\u4e00-\u9fff]", out.stdout), out.stdout  # no Chinese left
    out = run(demo_copy, "rollback", str(observations), "--user", "李四", "--reason", "更正错")
    assert out.returncode == 0, out.stderr
    assert re.search(r"恢复了 \d+ 个数值。", out.stdout) and "撤回" not in out.stdout
    out = run(demo_copy, "--lang", "en", "rollback", str(observations), "--user", "李四",
              "--reason", "again")  # fmt: skip
    assert out.returncode == 1 and f"Batch {observations} was already rolled back." in out.stderr


def test_histories_mark_withdrawn_rows(empty_ws: Workspace) -> None:
    add_accounts(empty_ws, "李四")
    admin = act_as(empty_ws, name="李四")
    first = load_bulk(empty_ws, _filled(empty_ws, {TASK: ROW}), "a.xlsx", actor=admin, today=TODAY)
    later = ("进行中", date(2022, 10, 1), "第二份文件", None)
    second = load_bulk(empty_ws, _filled(empty_ws, {TASK: later}), "b.xlsx", actor=admin,
                       today=TODAY)  # fmt: skip
    plan = load_plan_bulk(empty_ws, plan_file(empty_ws), "主要任务.xlsx", actor=admin)
    assert first.ok and second.ok and plan.ok
    rb = empty_ws.store.rollback(int(first.batch_id or 0), actor=admin, reason="填错")
    rb_plan = empty_ws.store.rollback(int(plan.batch_id or 0), actor=admin, reason="填错")

    out = run(empty_ws, "task-history", TASK)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2
    mark = f"（已撤回：批次 #{first.batch_id} 已由批次 #{rb.batch_id} 回滚）"
    assert "已公开（回滚测试）" in lines[0] and lines[0].endswith(mark)
    assert "第二份文件" in lines[1] and "已撤回" not in lines[1]
    records = json.loads(run(empty_ws, "task-history", TASK, "--json").stdout)
    assert [r["withdrawn"] for r in records] == [True, False]
    assert records[0]["withdrawn_by"] == rb.batch_id and records[1]["withdrawn_by"] is None

    task_id = next(t.id for t in empty_ws.plan_tasks if t.plan == "disabled")
    out = run(empty_ws, "plan-task-history", task_id)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith(
        f"（已撤回：批次 #{plan.batch_id} 已由批次 #{rb_plan.batch_id} 回滚）"
    )


def _app_ws(app_env: Path) -> Workspace:
    settings = Settings(ROOT / "indicators.yaml", app_env, False, app_env.parent / "uploads")
    return open_workspace(settings=settings)


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in (at.error, at.success, at.warning, at.info) for e in kind]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def test_upload_page_rollback_of_a_task_file_says_withdrawn(app_env: Path) -> None:
    ws = _app_ws(app_env)
    result = load_bulk(ws, _filled(ws, {TASK: ROW}), "进展.xlsx", actor=act_as(ws), today=TODAY)
    assert result.ok
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=90).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "来源" in d.value.columns)
    assert "任务进展文件" in set(table["来源"])
    at.selectbox(key="upload.rollback.batch").set_value(result.batch_id).run()
    at.text_input(key="upload.rollback.reason").input("填错了").run()
    at.button(key="upload.rollback.go").click().run()
    assert not at.exception
    text = _texts(at)
    assert f"已回滚批次 #{result.batch_id}" in text and "撤回了 1 条任务进展" in text
    assert "恢复了" not in text


def test_task_pages_mark_withdrawn_rows_in_history(app_env: Path) -> None:
    ws = _app_ws(app_env)
    admin = act_as(ws)
    result = load_bulk(ws, _filled(ws, {TASK: ROW}), "进展.xlsx", actor=admin, today=TODAY)
    plan = load_plan_bulk(ws, plan_file(ws), "主要任务.xlsx", actor=admin)
    rb = ws.store.rollback(int(result.batch_id or 0), actor=admin, reason="填错")
    rb_plan = ws.store.rollback(int(plan.batch_id or 0), actor=admin, reason="填错")
    at = AppTest.from_file(str(ROOT / "pages" / "tasks.py"), default_timeout=60)
    at.session_state["tasks_as_of"] = TODAY
    at.run()
    at.selectbox(key="tasks_form_task").set_value(TASK).run()
    assert not at.exception
    hist = next(d.value for d in at.dataframe if "录入时间" in d.value.columns)
    mine = hist[hist["进展说明"] == "已公开（回滚测试）"]
    assert list(mine["状态"]) == [
        f"已完成（已撤回：批次 #{result.batch_id} 已由批次 #{rb.batch_id} 回滚）"
    ]
    at.selectbox(key="ptasks_plan").set_value("disabled").run()
    task_id = next(t.id for t in ws.plan_tasks if t.plan == "disabled")
    at.selectbox(key="ptasks_task").set_value(task_id).run()
    assert not at.exception
    frames = [d.value for d in at.dataframe if "录入时间" in d.value.columns]
    degrees = [v for f in frames if "完成程度" in f.columns for v in f["完成程度"]]
    assert f"推进中（已撤回：批次 #{plan.batch_id} 已由批次 #{rb_plan.batch_id} 回滚）" in degrees
