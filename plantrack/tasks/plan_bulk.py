"""Bulk yearly progress of the plans' key tasks through Excel: template and loader.

The template lists the key tasks (of one plan / one lead department if asked) with the columns
任务编号, 条款, 任务, 牵头部门, 年度, 完成程度, 进展情况, 佐证材料, 填报部门; 完成程度 is a dropdown.
A department fills the rows it reports on; :func:`load_plan_bulk` checks every filled row
(rules in :mod:`plantrack.tasks.plan_tasks`) and stores all of them in one transaction, or none.
The file is read like every other upload workbook (openpyxl, first sheet or 主要任务进展).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from plantrack.export import escape_cell
from plantrack.tasks.bulk import BulkResult, UnreadableError
from plantrack.tasks.plan_tasks import DEGREES, store_progress
from plantrack.tasks.updates import UpdateError

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.workspace import Workspace

SHEET = "主要任务进展"
HEADERS = [
    "任务编号",
    "条款",
    "任务",
    "牵头部门",
    "年度",
    "完成程度",
    "进展情况",
    "佐证材料",
    "填报部门",
]
FIELDS = {
    "任务编号": "task_id",
    "年度": "year",
    "完成程度": "degree",
    "进展情况": "progress",
    "佐证材料": "evidence",
    "填报部门": "department",
}
LABELS = {k: f"「{name}」列" for name, k in FIELDS.items()} | {"user": "填报人"}
REQUIRED = ("任务编号", "年度", "完成程度")
WIDTHS = [16, 14, 34, 30, 8, 12, 60, 40, 20]
HELP = [
    "填写说明",
    "1. 每行一项规划主要任务；只填写本次报送的行，其余行的“完成程度”“进展情况”留空。",
    "2. 年度：报送哪一年的进展，如 2023。",
    "3. 完成程度：从下拉列表选择 " + " / ".join(DEGREES) + "。",
    "4. 进展情况：简述当年做了什么（未启动可不填），不超过 500 字。",
    "5. 佐证材料：链接（http:// 或 https:// 开头）；“已完成”必须提供。",
    "6. 填报部门：须为该任务的牵头部门之一（已预填第一个牵头部门，可改）。",
    "7. 文件中任何一行有误时，整个文件都不会导入，请按提示修改后重新上传。",
]


def template_bytes(
    ws: Workspace, plan: str | None = None, dept: str | None = None, year: int | None = None
) -> bytes:
    """The .xlsx template, one row per key task (of ``plan`` / led by ``dept``)."""
    tasks = [t for t in ws.plan_tasks if (not plan or t.plan == plan)]
    tasks = [t for t in tasks if not dept or dept in t.lead]
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(HEADERS)
    for t in tasks:
        reporter = dept or t.lead[0]
        row = [t.id, t.section, t.title, "、".join(t.lead), year, None, None, None, reporter]
        sheet.append([escape_cell(v) for v in row])
    last = sheet.max_row + 20
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    check = DataValidation(
        type="list",
        formula1='"' + ",".join(DEGREES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成程度",
        error="请从下拉列表选择：" + "、".join(DEGREES),
    )
    check.add(f"F2:F{last}")
    sheet.add_data_validation(check)
    sheet.freeze_panes = "C2"
    notes = wb.create_sheet("填写说明")
    for line in HELP:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_plan_bulk(data: bytes, file_name: str) -> list[dict[str, object]]:
    """The filled rows of the workbook as raw progress rows (with Excel row numbers)."""
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
        if all(_empty(raw.get(k)) for k in ("degree", "progress", "evidence")):
            continue  # a task this department does not report on
        out.append(raw)
    return out


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, dict[str, int]]:
    for i, values in enumerate(rows[:10]):
        names = [str(v).strip() if v is not None else "" for v in values]
        if all(r in names for r in REQUIRED):
            return i, {n: names.index(n) for n in FIELDS if n in names}
    return None, {}


def load_plan_bulk(
    ws: Workspace, data: bytes, file_name: str, *, actor: Actor, today: date | None = None
) -> BulkResult:
    """Check every filled row and store them all, or nothing. Raises UnreadableError."""
    raws = read_plan_bulk(data, file_name)
    if not raws:
        what = f"{file_name} 「完成程度」列：值 （空） — 文件中没有填写任何进展"
        return BulkResult(rows=0, problems=[what])
    try:
        stored = store_progress(ws, raws, actor=actor, source=file_name, labels=LABELS, today=today)
    except UpdateError as exc:
        return BulkResult(rows=len(raws), problems=exc.problems)
    return BulkResult(stored=stored, rows=len(raws))
