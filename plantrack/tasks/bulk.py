"""Bulk progress updates through Excel: the template and the reader.

The template lists every task and milestone (optionally of one plan or one unit) with the
columns 任务编号, 任务, 责任单位, 完成时限, 状态, 日期, 进展说明, 佐证材料; 状态 is a dropdown.
A department fills 状态, 日期 and 进展说明 for the rows it reports on and leaves the others
blank. :func:`load_bulk` checks every filled row (rules in :mod:`plantrack.tasks.updates`) and
stores all of them in one transaction, or none.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, cast

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from plantrack.store.task_updates import record_updates
from plantrack.tasks.board import board_items, filter_table
from plantrack.tasks.updates import STATUSES, Problem, validate_updates

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.workspace import Workspace

SHEET = "任务进展"
HEADERS = ["任务编号", "任务", "责任单位", "完成时限", "状态", "日期", "进展说明", "佐证材料"]
FIELDS = {
    "任务编号": "task_id",
    "状态": "status",
    "日期": "status_date",
    "进展说明": "note",
    "佐证材料": "evidence",
}
REQUIRED = ("任务编号", "状态", "日期")
WIDTHS = [24, 40, 30, 22, 10, 13, 50, 40]
EXTRA_ROWS = 50  # blank rows below the listed tasks that still have the dropdown
HELP = [
    "填写说明",
    "1. 每行一项任务或里程碑指标；只填写本次报告进展的行，其余行的“状态”“日期”“进展说明”留空。",
    "2. 状态：从下拉列表选择 未开始 / 进行中 / 已完成。",
    "3. 日期：进展发生的日期，如 2022-09-30；不得晚于今天，也不得早于该计划的印发日期。",
    "4. 进展说明：简述做了什么；状态为“已完成”时必填，不超过 500 字。",
    "5. 佐证材料：填写链接（http:// 或 https:// 开头）；文件请在页面或命令行逐条上传。",
    "6. 请勿修改第一行的列名。文件中任何一行有误时，整个文件都不会导入，请按提示修改后重新上传。",
]


class UnreadableError(Exception):
    """The file is not an Excel workbook with the template's table."""


@dataclass
class BulkResult:
    stored: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def template_bytes(ws: Workspace, plan: str | None = None, unit: str | None = None) -> bytes:
    """The .xlsx template, prefilled with the tasks (of ``plan`` / ``unit`` if given)."""
    items = board_items(ws)
    items = filter_table(items, plan=plan, unit=unit)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(HEADERS)
    for r in items.itertuples():
        units = "、".join(cast(list[str], r.unit_list))
        sheet.append([r.id, r.title, units, r.deadline_text, None, None, None])
    last = sheet.max_row + EXTRA_ROWS
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for col, width in enumerate(WIDTHS, start=1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = width
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    for row in range(2, last + 1):
        sheet.cell(row=row, column=6).number_format = "yyyy-mm-dd"
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error="请从下拉列表选择：" + "、".join(STATUSES),
    )
    status.add(f"E2:E{last}")
    day = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="DATE(2000,1,1)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="日期",
        error="请填写日期，如 2022-09-30",
    )
    day.add(f"F2:F{last}")
    sheet.add_data_validation(status)
    sheet.add_data_validation(day)
    sheet.freeze_panes = "B2"
    notes = wb.create_sheet("填写说明")
    for line in HELP:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    notes["A1"].font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_bulk(data: bytes, file_name: str) -> list[dict[str, object]]:
    """The filled rows of a workbook as raw updates (with their Excel row numbers)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableError(
            f"{file_name}：无法作为 Excel（.xlsx）文件打开 — 请使用下载的模板，另存为 .xlsx 后上传"
        ) from None
    try:
        sheet = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        wb.close()
    header_at, columns = _find_header(rows)
    if header_at is None:
        need = "、".join(REQUIRED)
        raise UnreadableError(
            f"{file_name}：前 10 行中找不到表头（须含 {need} 列）— 请使用下载的模板，不要修改列名"
        )
    out: list[dict[str, object]] = []
    for number, values in enumerate(rows[header_at + 1 :], start=header_at + 2):
        raw: dict[str, object] = {"row": number}
        for name, index in columns.items():
            value = values[index] if index < len(values) else None
            raw[FIELDS[name]] = value.strip() if isinstance(value, str) else value
        if not any(_filled(raw.get(k)) for k in ("status", "status_date", "note", "evidence")):
            continue  # a template row this department does not report on
        out.append(raw)
    return out


def _filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, dict[str, int]]:
    for i, values in enumerate(rows[:10]):
        names = [str(v).strip() if v is not None else "" for v in values]
        if all(r in names for r in REQUIRED):
            return i, {n: names.index(n) for n in FIELDS if n in names}
    return None, {}


def load_bulk(
    ws: Workspace, data: bytes, file_name: str, *, actor: Actor, today: date | None = None
) -> BulkResult:
    """Validate every filled row and store them all in one transaction, or store nothing.

    Raises :class:`UnreadableError` when the file cannot be read as the template.
    """
    raws = read_bulk(data, file_name)
    labels = {k: f"「{name}」列" for name, k in FIELDS.items()} | {"user": "填报人"}
    problems: list[Problem] = []
    if not raws:
        problems.append(
            Problem(
                file_name, None, "「状态」列", None, "文件中没有填写任何进展（状态、日期均为空）"
            )
        )
        return BulkResult(rows=0, problems=[str(p) for p in problems])
    clean, found = validate_updates(ws, raws, file_name, labels, today)
    problems += found
    if problems:
        return BulkResult(rows=len(raws), problems=[str(p) for p in problems])
    stored = record_updates(ws.store, clean, actor=actor, scope=ws.scope, source=file_name)
    return BulkResult(stored=stored, rows=len(raws))
