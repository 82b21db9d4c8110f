"""Recording progress: validation messages, evidence files, the bulk Excel template and loader."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from plantrack.store.task_updates import count_updates
from plantrack.tasks.board import task_table
from plantrack.tasks.bulk import HEADERS, UnreadableError, load_bulk, template_bytes
from plantrack.tasks.updates import (
    Problem,
    UpdateError,
    evidence_path,
    parse_day,
    parse_status,
    record_update,
    validate_updates,
)
from plantrack.workspace import Workspace
from tests.conftest import act_as

TODAY = date(2023, 12, 31)  # "today" for validation in these tests


def row(table: pd.DataFrame, task_id: str) -> pd.Series:
    return table.set_index("id").loc[task_id]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("text", "status"),
    [("done", "已完成"), ("in_progress", "进行中"), ("in-progress", "进行中"),
     ("not_started", "未开始"), ("已完成", "已完成"), (" 未开始 ", "未开始"), ("完成", None), ("", None)],
)  # fmt: skip
def test_parse_status(text: str, status: str | None) -> None:
    assert parse_status(text) == status


@pytest.mark.parametrize(
    ("value", "day"),
    [("2022-09-30", date(2022, 9, 30)), ("2022/9/30", date(2022, 9, 30)),
     ("2022年9月30日", date(2022, 9, 30)), (datetime(2022, 9, 30), date(2022, 9, 30)),
     (44834, date(2022, 9, 30)), ("2022-09-30 00:00:00", date(2022, 9, 30)),
     ("2022-13-01", None), ("明天", None), (None, None)],
)  # fmt: skip
def test_parse_day(value: object, day: date | None) -> None:
    assert parse_day(value) == day


def test_problem_names_row_column_value() -> None:
    p = Problem("进展.xlsx", 7, "「状态」列", "完成了", "状态应为 未开始、进行中 或 已完成")
    assert str(p) == "进展.xlsx 第7行 「状态」列：值 “完成了” — 状态应为 未开始、进行中 或 已完成"


def test_record_update_refuses_and_stores_nothing(empty_ws: Workspace) -> None:
    bad = {"task_id": "openness2022.t99", "status": "finished", "status_date": "2022-05-01",
           "note": "", "evidence": "www.example.com"}  # fmt: skip
    with pytest.raises(UpdateError) as exc:
        record_update(empty_ws, bad, actor=act_as(empty_ws, name="张三"), today=TODAY)
    text = "\n".join(exc.value.problems)
    for needle in ("没有这个任务", "--status", "“finished”", "--evidence", "http://"):
        assert needle in text
    future = {"task_id": "openness2022.t01", "status": "已完成", "status_date": "2024-01-01"}
    with pytest.raises(UpdateError, match="晚于今天") as exc:
        record_update(empty_ws, future, actor=act_as(empty_ws, name="张三"), today=TODAY)
    assert any("须填写进展说明" in p for p in exc.value.problems)
    early = {"task_id": "openness2022.t01", "status": "进行中", "status_date": "2022-06-01"}
    with pytest.raises(UpdateError, match="早于该计划的印发日期 2022-06-15"):
        record_update(empty_ws, early, actor=act_as(empty_ws, name="张三"), today=TODAY)
    assert count_updates(empty_ws.store) == 0


def test_evidence_file_kept_by_sha(empty_ws: Workspace) -> None:
    update = {"task_id": "openness2022.t43", "status": "已完成", "status_date": "2022-12-20",
              "note": "IPv6 改造完成"}  # fmt: skip
    with pytest.raises(UpdateError, match="不支持的文件类型"):
        record_update(
            empty_ws, update, actor=act_as(empty_ws), evidence_file=("x.exe", b"MZ"), today=TODAY
        )
    assert not (empty_ws.settings.uploads_dir / "evidence").exists()
    clean = record_update(
        empty_ws,
        update,
        actor=act_as(empty_ws),
        evidence_file=("验收报告.PDF", b"%PDF-1.4 demo"),
        today=TODAY,
    )
    ref = clean["evidence"].iloc[0]
    assert ref.startswith("file:") and ref.endswith(".pdf")
    sha = ref[5:69]
    path = empty_ws.settings.uploads_dir / "evidence" / sha[:2] / f"{sha}.pdf"
    assert path.read_bytes() == b"%PDF-1.4 demo" and evidence_path(empty_ws, ref) == str(path)
    assert row(task_table(empty_ws, TODAY), "openness2022.t43")["evidence"] == ref


# --------------------------------------------------------------------------- bulk Excel


def _filled(ws: Workspace, rows: dict[str, tuple]) -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes(ws)))
    sheet = wb["任务进展"]
    where = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for task_id, values in rows.items():
        r = where.get(task_id) or sheet.max_row + 1
        sheet.cell(r, 1, task_id)
        for col, value in zip(range(5, 9), values, strict=False):
            sheet.cell(r, col, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_template_has_columns_and_dropdown(empty_ws: Workspace) -> None:
    wb = load_workbook(io.BytesIO(template_bytes(empty_ws)))
    sheet = wb["任务进展"]
    assert [c.value for c in sheet[1]] == HEADERS
    ids = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
    assert "openness2022.t64" in ids and "decisions2022.d2" in ids
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"未开始,进行中,已完成"'
    assert "E2" in str(lists[0].sqref)
    only = load_workbook(io.BytesIO(template_bytes(empty_ws, unit="区财政局")))["任务进展"]
    units = [only.cell(r, 3).value for r in range(2, only.max_row + 1) if only.cell(r, 1).value]
    assert units and all("区财政局" in u for u in units)


def test_bulk_good_file_loads_all(empty_ws: Workspace) -> None:
    data = _filled(
        empty_ws,
        {
            "openness2022.t23": ("已完成", date(2022, 9, 20), "已公开", "https://example.gov.cn/x"),
            "openness2022.t24": ("进行中", "2022/9/1", "推进中", None),
        },
    )
    result = load_bulk(
        empty_ws, data, "进展.xlsx", actor=act_as(empty_ws, name="李四"), today=TODAY
    )
    assert (result.ok, result.stored, result.rows) == (True, 2, 2)
    t23 = row(task_table(empty_ws, date(2022, 10, 1)), "openness2022.t23")
    assert (t23["status"], t23["user_name"]) == ("已完成", "李四")


def test_bulk_bad_file_stores_nothing(empty_ws: Workspace) -> None:
    data = _filled(
        empty_ws,
        {
            "openness2022.t23": ("已完成", date(2022, 9, 20), "已公开", None),  # good
            "openness2022.t24": ("完成了", "2022-13-01", None, None),  # bad status and date
            "openness2022.t99": ("进行中", date(2022, 9, 1), "x", None),  # unknown
        },
    )
    result = load_bulk(
        empty_ws, data, "进展.xlsx", actor=act_as(empty_ws, name="李四"), today=TODAY
    )
    assert not result.ok and result.stored == 0
    text = "\n".join(result.problems)
    assert "进展.xlsx 第" in text and "「状态」列：值 “完成了”" in text
    assert "「日期」列：值 “2022-13-01”" in text and "openness2022.t99" in text
    assert count_updates(empty_ws.store) == 0


def test_bulk_unreadable_and_empty(empty_ws: Workspace) -> None:
    with pytest.raises(UnreadableError, match="无法作为 Excel"):
        load_bulk(empty_ws, b"not a workbook", "x.xlsx", actor=act_as(empty_ws, name="李四"))
    result = load_bulk(
        empty_ws, template_bytes(empty_ws), "空.xlsx", actor=act_as(empty_ws, name="李四")
    )
    assert not result.ok and "没有填写任何进展" in result.problems[0]
    assert count_updates(empty_ws.store) == 0


def test_duplicates_and_long_notes(empty_ws: Workspace) -> None:
    rows = [
        {"row": 2, "task_id": "openness2022.t01", "status": "进行中", "status_date": "2022-09-01"},
        {"row": 3, "task_id": "openness2022.t01", "status": "已完成", "status_date": "2022/9/1",
         "note": "很" * 501},
    ]  # fmt: skip
    labels = {k: k for k in ("task_id", "status", "status_date", "note", "evidence")}
    _clean, problems = validate_updates(empty_ws, rows, "f.xlsx", labels, today=TODAY)
    text = "\n".join(str(p) for p in problems)
    assert "f.xlsx 第3行 task_id" in text and "与第2行重复" in text
    assert "超过 500 字" in text and len(problems) == 2
