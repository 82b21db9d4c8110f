"""``python -m plantrack`` task commands, run as a user would (a subprocess on a real file)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plantrack.store.task_updates import count_updates
from plantrack.workspace import Workspace
from tests.conftest import add_accounts, cli_env

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def accounts(empty_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    add_accounts(empty_ws, "张三", "李四")
    cli_env(monkeypatch)


def run(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PLANTRACK_UPLOADS": str(ws.settings.uploads_dir)}
    return subprocess.run(
        [sys.executable, "-m", "plantrack", "--db", str(ws.settings.db_path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tasks_json(ws: Workspace, *args: str) -> dict[str, dict]:
    out = run(ws, "tasks", "--json", *args)
    assert out.returncode == 0, out.stderr
    return {r["id"]: r for r in json.loads(out.stdout)}


def test_tasks_lists_everything(demo_copy: Workspace) -> None:
    rows = tasks_json(demo_copy, "--as-of", "2023-12-31")
    milestones = [i for i in demo_copy.registry.indicators if i.kind == "milestone"]
    assert len(rows) == 64 + 2 + len(milestones)
    kinds = [r["kind"] for r in rows.values()]
    assert kinds.count("task") == 64 and kinds.count("decision") == 2
    t13 = rows["openness2022.t13"]
    assert t13["units"] == [
        "区司法局",
        "区行政审批服务局",
        "区大数据局",
        "各相关部门",
    ]  # merged spelling
    for key in ("plan", "title", "deadline_text", "due", "status", "overdue"):
        assert key in t13
    assert all(r["overdue"] == (r["status"] == "逾期") for r in rows.values())


def test_tasks_filters(demo_copy: Workspace) -> None:
    rows = tasks_json(demo_copy, "--as-of", "2023-12-31", "--plan", "decisions2022")
    assert set(rows) == {"decisions2022.d1", "decisions2022.d2"}
    rows = tasks_json(demo_copy, "--as-of", "2023-12-31", "--unit", "区财政局")
    assert rows and all("区财政局" in r["units"] for r in rows.values())
    out = run(demo_copy, "tasks", "--unit", "财政局")
    assert out.returncode == 1 and "是否指：区财政局" in out.stderr
    out = run(demo_copy, "tasks", "--as-of", "2023-12-31")
    assert out.returncode == 0 and "合计：逾期" in out.stdout


def test_task_update_then_tasks_shows_it(empty_ws: Workspace) -> None:
    before = tasks_json(empty_ws, "--as-of", "2022-10-01")["openness2022.t23"]
    assert before["status"] == "逾期"
    out = run(
        empty_ws, "task-update", "openness2022.t23", "--status", "done", "--date", "2022-09-20",
        "--note", "已在政府网站公开", "--user", "张三", "--evidence", "https://example.gov.cn/t23",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "已记录" in out.stdout
    after = tasks_json(empty_ws, "--as-of", "2022-10-01")["openness2022.t23"]
    assert (after["status"], after["update_status"], after["status_date"]) == (
        "已完成", "已完成", "2022-09-20",
    )  # fmt: skip
    assert after["note"] == "已在政府网站公开" and after["evidence"] == "https://example.gov.cn/t23"
    out = run(empty_ws, "task-update", "openness2022.t24", "--status", "进行中",
              "--date", "2022-09-01", "--user", "张三")  # fmt: skip
    assert out.returncode == 0, out.stderr
    history = run(empty_ws, "task-history", "openness2022.t23", "--json")
    assert json.loads(history.stdout)[0]["user_name"] == "张三"


def test_task_update_with_evidence_file(empty_ws: Workspace, tmp_path: Path) -> None:
    doc = tmp_path / "验收报告.pdf"
    doc.write_bytes(b"%PDF-1.4 evidence")
    out = run(
        empty_ws, "task-update", "decisions2022.d1", "--status", "已完成", "--date", "2022-10-20",
        "--note", "已印发", "--user", "张三", "--evidence", str(doc),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    stored = list((empty_ws.settings.uploads_dir / "evidence").rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == doc.read_bytes()
    d1 = tasks_json(empty_ws, "--as-of", "2022-12-31")["decisions2022.d1"]
    assert d1["evidence"] == f"file:{stored[0].name}"


def test_task_update_refused_in_chinese(empty_ws: Workspace) -> None:
    out = run(empty_ws, "task-update", "openness2022.t23", "--status", "finished",
              "--date", "2022-09-20", "--note", "x", "--user", "张三")  # fmt: skip
    assert out.returncode == 1
    assert "参数 --status：值 “finished” — 状态应为 未开始、进行中 或 已完成" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    out = run(empty_ws, "task-update", "openness2022.t99", "--status", "done",
              "--date", "2099-01-01", "--user", "张三")  # fmt: skip
    assert out.returncode == 1
    for needle in ("没有这个任务", "晚于今天", "须填写进展说明"):
        assert needle in out.stderr
    out = run(empty_ws, "task-update", "openness2022.t23", "--status", "done", "--note", "x",
              "--user", "张三", "--evidence", "no/such/file.pdf")  # fmt: skip
    assert out.returncode == 1 and "既不是链接" in out.stderr
    assert "Traceback" not in out.stderr
    assert count_updates(empty_ws.store) == 0


def _fill(template: Path, rows: dict[str, tuple]) -> bytes:
    wb = load_workbook(template)
    sheet = wb["任务进展"]
    where = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for task_id, values in rows.items():
        for col, value in zip(range(5, 9), values, strict=False):
            sheet.cell(where[task_id], col, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_template_and_bulk_load(empty_ws: Workspace, tmp_path: Path) -> None:
    template = tmp_path / "模板.xlsx"
    out = run(empty_ws, "task-template", "--out", str(template))
    assert out.returncode == 0, out.stderr
    good = tmp_path / "好.xlsx"
    good.write_bytes(
        _fill(template, {
            "openness2022.t35": ("已完成", date(2022, 6, 28), "已完成", None),
            "openness2022.t63": ("进行中", "2022-06-20", "开展中", "https://example.gov.cn/63"),
        })
    )  # fmt: skip
    out = run(empty_ws, "task-load", str(good), "--user", "李四", "--json")
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout)
    assert {k: loaded[k] for k in ("ok", "stored", "rows", "problems", "errors")} == {
        "ok": True, "stored": 2, "rows": 2, "problems": [], "errors": []
    }  # fmt: skip
    assert isinstance(loaded["batch"], int)
    assert tasks_json(empty_ws, "--as-of", "2022-12-31")["openness2022.t35"]["status"] == "已完成"

    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(
        _fill(template, {
            "openness2022.t01": ("进行中", date(2022, 9, 1), "好的一行", None),
            "openness2022.t02": ("已完成", "2022-02-30", None, None),
        })
    )  # fmt: skip
    out = run(empty_ws, "task-load", str(bad), "--user", "李四")
    assert out.returncode == 1
    assert out.stderr.startswith("坏.xlsx 未导入，未记录任何进展（共 2 个问题")
    lines = out.stderr.splitlines()[1:]
    assert any(re.fullmatch(r"错误  坏\.xlsx 第 \d+ 行 F 列（日期） 值 “2022-02-30”：日期无法识别.+", x)
               for x in lines), lines  # fmt: skip
    assert (
        any(" G 列（进展说明） 值 （空）：" in x for x in lines) and "Traceback" not in out.stderr
    )
    assert count_updates(empty_ws.store) == 2  # the good row of the bad file was not stored

    junk = tmp_path / "junk.xlsx"
    junk.write_text("not excel", encoding="utf-8")
    out = run(empty_ws, "task-load", str(junk), "--user", "李四")
    assert out.returncode == 2 and "无法作为 Excel" in out.stderr
    out = run(empty_ws, "task-load", str(tmp_path / "missing.xlsx"), "--user", "李四")
    assert out.returncode == 2 and "无法读取" in out.stderr


def test_task_rates(demo_copy: Workspace) -> None:
    out = run(demo_copy, "task-rates", "--as-of", "2023-12-31", "--json")
    assert out.returncode == 0, out.stderr
    rates = json.loads(out.stdout)
    assert rates and {"unit", "total", "due", "done_on_time", "rate"} <= set(rates[0])
    assert all(r["rate"] is None or 0 <= r["rate"] <= 1 for r in rates)
    text = run(demo_copy, "task-rates", "--as-of", "2023-12-31").stdout
    assert text.startswith("按期完成率 = ")
