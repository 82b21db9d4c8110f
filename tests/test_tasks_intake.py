"""Task bulk imports go through the upload path of observations (#11, #15): size cap, zip-bomb
guard, the file kept by sha256, one batch that can be rolled back, the shared Problem type;
every bad file is built here and gives a Chinese message, never exit 3 / ParseError."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from plantrack.ingest.files import refused_dir, sha256
from plantrack.ingest.report import Problem
from plantrack.store.plan_progress import current_progress
from plantrack.store.task_updates import count_updates
from plantrack.tasks.board import board_items, task_table
from plantrack.tasks.bulk import UnreadableError, load_bulk
from plantrack.tasks.plan_bulk import load_plan_bulk
from plantrack.tasks.plan_bulk import template_bytes as plan_template
from plantrack.workspace import Workspace
from tests.conftest import PASSWORD, ROOT, act_as
from tests.test_tasks_updates import _filled  # the filled task template, shared

TODAY = date(2023, 12, 31)


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info))
    return out.getvalue()


GOOD = {"openness2022.t23": ("已完成", date(2022, 9, 20), "已公开", "https://example.gov.cn/x")}


def test_malformed_sheet_is_a_chinese_message_and_kept_as_refused(empty_ws: Workspace) -> None:
    good = _filled(empty_ws, GOOD)
    broken = _replace_member(good, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r=")
    actor = act_as(empty_ws, name="李四")
    with pytest.raises(UnreadableError) as exc:
        load_bulk(empty_ws, broken, "坏表.xlsx", actor=actor, today=TODAY)
    text = str(exc.value)
    assert text.startswith("坏表.xlsx：无法作为 Excel") and "ParseError" not in text
    assert count_updates(empty_ws.store) == 0
    kept = refused_dir(empty_ws.settings.uploads_dir) / sha256(broken)[:2]
    assert (kept / f"{sha256(broken)}.xlsx").read_bytes() == broken


def test_zip_bomb_is_refused_by_the_streamed_budget(empty_ws: Workspace) -> None:
    bomb = _replace_member(_filled(empty_ws, GOOD), "docProps/app.xml", b"\0" * (30 << 20))
    assert len(bomb) < 200_000
    with pytest.raises(UnreadableError, match="压缩炸弹") as exc:
        load_bulk(empty_ws, bomb, "炸弹.xlsx", actor=act_as(empty_ws, name="李四"), today=TODAY)
    assert exc.value.code == "zip_bomb"
    assert count_updates(empty_ws.store) == 0


def test_oversized_file_is_refused_before_reading(
    empty_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANTRACK_MAX_UPLOAD_MB", "1")
    big = b"PK\x03\x04" + os.urandom((1 << 20) + 10)
    with pytest.raises(UnreadableError, match="超过上传上限 1 MB") as exc:
        load_bulk(empty_ws, big, "大.xlsx", actor=act_as(empty_ws, name="李四"))
    assert exc.value.code == "too_large"
    # an oversized file is not written anywhere (only its sidecar)
    folder = refused_dir(empty_ws.settings.uploads_dir) / sha256(big)[:2]
    assert not (folder / f"{sha256(big)}.xlsx").exists()


def test_wrong_headers_name_what_is_missing(empty_ws: Workspace) -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["编号", "进度", "日期"])
    sheet.append(["openness2022.t23", "已完成", "2022-09-20"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UnreadableError) as exc:
        load_bulk(empty_ws, buf.getvalue(), "表头.xlsx", actor=act_as(empty_ws, name="李四"))
    text = str(exc.value)
    assert "表头.xlsx：前 10 行中找不到表头" in text and "缺少 任务编号、状态 列" in text
    assert "第一行是：编号、进度、日期" in text


def test_unknown_task_is_a_shared_problem_with_row_column_value(empty_ws: Workspace) -> None:
    data = _filled(empty_ws, GOOD | {"openness2022.t99": ("进行中", date(2022, 9, 1), "x")})
    result = load_bulk(
        empty_ws, data, "进展.xlsx", actor=act_as(empty_ws, name="李四"), today=TODAY
    )
    assert not result.ok and result.stored == 0 and count_updates(empty_ws.store) == 0
    [p] = result.issues
    assert isinstance(p, Problem)
    assert (p.file, p.column, p.header, p.value) == (
        "进展.xlsx",
        "A",
        "任务编号",
        "openness2022.t99",
    )
    assert p.row is not None and p.row > 60
    assert p.text.startswith(f"进展.xlsx 第 {p.row} 行 A 列（任务编号）：没有这个任务")
    assert "openness2022.t99" in result.problems[0]


def test_another_departments_task_is_refused(empty_ws: Workspace) -> None:
    units = board_items(empty_ws).set_index("id")["unit_list"].map(list)
    mine, other = "openness2022.t03", "openness2022.t07"
    assert units[mine] == ["区财政局"] and "区财政局" not in units[other]
    stat = act_as(empty_ws, role="统计员", departments=["区财政局"])
    row = ("进行中", date(2022, 9, 1), "推进中")
    result = load_bulk(
        empty_ws, _filled(empty_ws, {mine: row}), "财政.xlsx", actor=stat, today=TODAY
    )
    assert result.ok and result.stored == 1
    both = _filled(empty_ws, {mine: ("已完成", date(2022, 9, 2), "完成"), other: row})
    result = load_bulk(empty_ws, both, "越权.xlsx", actor=stat, today=TODAY)
    assert not result.ok and result.stored == 0
    [p] = result.issues  # the row of the other department's task, not the whole file
    assert (p.file, p.column, p.header, p.value) == ("越权.xlsx", "A", "任务编号", other)
    assert p.message.startswith("该任务的责任单位是" + "、".join(units[other]))
    assert p.message.endswith(f"请删除此行或由{'、'.join(units[other])}填报")
    assert count_updates(empty_ws.store) == 1


def test_loaded_file_is_kept_by_sha_is_one_batch_and_rolls_back(empty_ws: Workspace) -> None:
    data = _filled(empty_ws, GOOD | {"openness2022.t24": ("进行中", "2022/9/1", "推进中")})
    admin = act_as(empty_ws, name="李四")
    result = load_bulk(empty_ws, data, "进展.xlsx", actor=admin, today=TODAY)
    assert result.ok and result.stored == 2 and result.batch_id is not None
    digest = sha256(data)
    assert (empty_ws.settings.uploads_dir / digest[:2] / f"{digest}.xlsx").read_bytes() == data
    batch = empty_ws.store.batches().set_index("id").loc[result.batch_id]
    assert (batch["source"], batch["sha256"], batch["n_rows"]) == ("task-load", digest, 2)
    again = load_bulk(empty_ws, data, "进展.xlsx", actor=admin, today=TODAY)
    assert not again.ok and "完全相同" in again.problems[0] and count_updates(empty_ws.store) == 2
    status = task_table(empty_ws, date(2022, 10, 1)).set_index("id").loc["openness2022.t23"]
    assert status["update_status"] == "已完成"
    s = empty_ws.store.rollback(result.batch_id, actor=admin, reason="填错了文件")
    assert s.stored == 2
    status = task_table(empty_ws, date(2022, 10, 1)).set_index("id").loc["openness2022.t23"]
    assert status["update_status"] != "已完成"
    assert empty_ws.store.batches().set_index("id").loc[result.batch_id, "status"] == "rolled_back"


def test_plan_task_cli_malformed_and_rollback(empty_ws: Workspace, tmp_path: Path) -> None:
    env = os.environ | {"PLANTRACK_UPLOADS": str(empty_ws.settings.uploads_dir)}
    env["PLANTRACK_PASSWORD"] = PASSWORD

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "plantrack", "--db", str(empty_ws.settings.db_path), *args]
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    act_as(empty_ws, name="李四")
    wb = load_workbook(io.BytesIO(plan_template(empty_ws, plan="disabled", year=2023)))
    sheet = wb["主要任务进展"]
    sheet.cell(2, 6, "推进中")
    sheet.cell(2, 7, "落实中")
    buf = io.BytesIO()
    wb.save(buf)
    good = tmp_path / "主要任务.xlsx"
    good.write_bytes(buf.getvalue())
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(_replace_member(buf.getvalue(), "xl/workbook.xml", b"<workbook><sheets>"))
    out = run("plan-task-load", str(broken), "--user", "李四")
    assert out.returncode == 2, out.stderr
    assert "坏.xlsx：无法作为 Excel" in out.stderr
    assert "出现意外错误" not in out.stderr and "Traceback" not in out.stderr
    out = run("plan-task-load", str(good), "--user", "李四")
    assert out.returncode == 0, out.stderr
    assert "批次 #" in out.stdout and len(current_progress(empty_ws.store)) == 1
    batch = int(out.stdout.split("批次 #")[1].split("；")[0])
    out = run("rollback", str(batch), "--user", "李四", "--reason", "重报")
    assert out.returncode == 0, out.stderr
    assert current_progress(empty_ws.store).empty
    again = load_plan_bulk(empty_ws, buf.getvalue(), "主要任务.xlsx", actor=act_as(empty_ws))
    assert again.ok and again.stored == 1  # a rolled-back file may be loaded again
