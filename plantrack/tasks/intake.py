"""Bulk progress files (任务进展, 主要任务进展) through the upload path of observations.

One implementation for both templates, parameterised by a :class:`Layout`:

- the template: a header row, prefilled rows, dropdowns, a 填写说明 sheet;
- reading: the size cap (``max_upload_mb``), the zip-bomb guard that inflates every member
  under a running byte budget (:func:`plantrack.ingest.files.inspect_xlsx`), then openpyxl
  inside a guard — a damaged workbook is a Chinese message, never a stack trace;
- loading: every filled row checked (problems as the shared
  :class:`plantrack.ingest.report.Problem`, naming file, row, column and value), then all rows
  stored as one batch (``batches.source`` = the layout's source, with the file's sha256, so
  the same file is not loaded twice and ``rollback BATCH`` withdraws it), or nothing;
- the file kept by its sha256 under ``uploads_dir`` when loaded, under ``refused/`` (for a
  limited time and space) when refused — exactly as uploads of observations.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from plantrack import settings as plantrack_settings
from plantrack.auth.roles import STATISTICIAN
from plantrack.departments import normalise_all
from plantrack.export import escape_cell
from plantrack.ingest import files
from plantrack.ingest.files import FileRejected
from plantrack.ingest.report import Problem, Report, column_letter
from plantrack.store.errors import StoreError
from plantrack.store.task_updates import FileBatch
from plantrack.tasks.updates import Problem as RowProblem

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.workspace import Workspace

MAX_ROWS = 20_000  # rows read from a progress sheet (the templates have about a hundred)


@dataclass(frozen=True)
class Layout:
    """One bulk template: its sheet, columns, which are required, which mean "reported"."""

    sheet: str
    headers: Sequence[str]
    fields: Mapping[str, str]  # header → field of a raw row
    required: Sequence[str]  # headers
    reported: Sequence[str]  # fields; a row with none of them filled is not reported on
    source: str  # batches.source
    widths: Sequence[int]
    help: Sequence[str]

    @property
    def labels(self) -> dict[str, str]:
        return {k: f"「{name}」列" for name, k in self.fields.items()} | {"user": "填报人"}


class UnreadableError(FileRejected):
    """The file is not an Excel workbook with the template's table (or is too large, a zip
    bomb …); the message names the file and the fix. Nothing was stored."""

    def __init__(self, message: str, code: str = "not_table"):
        super().__init__(code, message)


@dataclass
class BulkResult:
    file: str = ""
    stored: int = 0
    rows: int = 0
    problems: list[str] = field(
        default_factory=list
    )  # one sentence each (file, row, column, value)
    issues: list[Problem] = field(default_factory=list)  # the same, as the shared Problem type
    batch_id: int | None = None
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def report(self) -> Report:
        """The problems as the observation upload's report (its table, .xlsx and JSON)."""
        return Report(self.file, problems=list(self.issues), rows=self.rows)

    def to_dict(self) -> dict[str, object]:
        errors = [p.to_dict() for p in self.issues]
        return {"ok": self.ok, "file": self.file, "stored": self.stored, "rows": self.rows,
                "problems": self.problems, "error_count": len(errors), "errors": errors}  # fmt: skip


# -- the template --------------------------------------------------------------------------
@dataclass(frozen=True)
class Dropdown:
    column: str  # letter
    values: Sequence[str]
    title: str


def template_workbook(
    layout: Layout,
    rows: Sequence[Sequence[object]],
    dropdowns: Sequence[Dropdown],
    *,
    extra_rows: int,
    freeze: str,
    date_column: str | None = None,
) -> bytes:
    from openpyxl import Workbook  # imported when used: every CLI command loads this module
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = layout.sheet
    sheet.append(list(layout.headers))
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    last = sheet.max_row + extra_rows
    for col, width in enumerate(layout.widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    checks = [
        (
            d.column,
            d.title,
            "list",
            '"' + ",".join(d.values) + '"',
            "请从下拉列表选择：" + "、".join(d.values),
        )
        for d in dropdowns
    ]
    if date_column:
        for r in range(2, last + 1):
            sheet[f"{date_column}{r}"].number_format = "yyyy-mm-dd"
        checks.append((date_column, "日期", "date", "DATE(2000,1,1)", "请填写日期，如 2022-09-30"))
    for column, title, kind, formula, error in checks:
        dv = DataValidation(
            type=kind,
            operator="greaterThan" if kind == "date" else None,
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=error,
        )
        dv.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(dv)
    sheet.freeze_panes = freeze
    notes = wb.create_sheet("填写说明")
    for line in layout.help:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    notes["A1"].font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- reading -------------------------------------------------------------------------------
def _cannot_open(file_name: str, why: str = "") -> UnreadableError:
    return UnreadableError(
        f"{file_name}：无法作为 Excel（.xlsx）文件打开{why} — 请使用下载的模板，"
        "用 Excel 打开后另存为 .xlsx 再上传"
    )


def _sheet_rows(layout: Layout, data: bytes, file_name: str) -> list[tuple]:
    """The cells of the template's sheet, after the size, encryption and zip-bomb checks."""
    try:
        files.check_size(len(data), file_name, plantrack_settings.max_upload_bytes())
    except FileRejected as exc:
        raise UnreadableError(str(exc), exc.code) from None
    if files.is_encrypted_ooxml(data):
        raise UnreadableError(
            f"{file_name}：文件设有密码保护，无法读取 — 请取消密码后另存为 .xlsx 再上传",
            "encrypted",
        )
    if not files.is_zip(data):
        raise _cannot_open(file_name)
    try:
        files.inspect_xlsx(data, file_name)  # streamed under a byte budget: bombs stop here
    except FileRejected as exc:
        if exc.code == "not_table" and "使用范围" not in str(exc):
            raise _cannot_open(file_name, "（文件已损坏）") from None
        raise UnreadableError(str(exc), exc.code) from None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = wb[layout.sheet] if layout.sheet in wb.sheetnames else wb.worksheets[0]
            rows: list[tuple] = []
            for values in sheet.iter_rows(values_only=True):
                if len(rows) >= MAX_ROWS:
                    raise UnreadableError(
                        f"{file_name}：工作表「{sheet.title}」超过 {MAX_ROWS:,} 行 — "
                        "请只保留需要报送的行（可删除模板中不报送的行）后重新上传",
                        "too_many_rows",
                    )
                rows.append(tuple(values))
        finally:
            wb.close()
    except UnreadableError:
        raise
    except Exception:  # noqa: BLE001 — damaged XML, missing parts …: a message, not a trace
        raise _cannot_open(file_name, "（文件内容已损坏或不是 Excel 保存的工作簿）") from None
    return rows


def _find_header(layout: Layout, rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]]:
    for i, values in enumerate(rows[:10]):
        names = [str(v).strip() if v is not None else "" for v in values]
        if all(r in names for r in layout.required):
            return i, {n: names.index(n) for n in layout.fields if n in names}
    need = "、".join(layout.required)
    first = next((r for r in rows[:10] if any(v is not None for v in r)), ())
    names = [str(v).strip() for v in first if v is not None]
    missing = [r for r in layout.required if r not in names]
    seen = "、".join(names[:8]) or "（空）"
    hint = f"缺少 {'、'.join(missing)} 列；第一行是：{seen}。" if names else ""
    raise UnreadableError(
        f"前 10 行中找不到表头（须含 {need} 列）。{hint}请使用下载的模板，不要修改列名",
        "headers",
    )


def read_rows(
    layout: Layout, data: bytes, file_name: str
) -> tuple[list[dict[str, object]], dict[str, int]]:
    """The filled rows (with their Excel row numbers) and each header's column index.
    Raises :class:`UnreadableError`."""
    rows = _sheet_rows(layout, data, file_name)
    try:
        header_at, columns = _find_header(layout, rows)
    except UnreadableError as exc:
        raise UnreadableError(f"{file_name}：{exc}", exc.code) from None
    out: list[dict[str, object]] = []
    for number, values in enumerate(rows[header_at + 1 :], start=header_at + 2):
        raw: dict[str, object] = {"row": number}
        for name, index in columns.items():
            value = values[index] if index < len(values) else None
            raw[layout.fields[name]] = value.strip() if isinstance(value, str) else value
        if all(_empty(raw.get(k)) for k in layout.reported):
            continue  # a row this department does not report on
        out.append(raw)
    return out, columns


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- loading -------------------------------------------------------------------------------
def outside_rows(
    actor: Actor,
    rows: Sequence[tuple[object, str, Sequence[str]]],
    file_name: str,
    label: str,
    kind: str,
) -> list[RowProblem]:
    """One problem per row a statistician may not report: ``rows`` are (row number, task id,
    the task's departments); ``kind`` names them (牵头部门, 责任单位). The store checks the
    same again in its write transaction; this says which rows and how to fix them."""
    if actor.role != STATISTICIAN:
        return []
    mine = set(normalise_all(actor.departments))
    own = "、".join(actor.departments) or "未设部门"
    problems = []
    for row, task_id, depts in rows:
        if not depts or mine & set(depts):
            continue
        names = "、".join(depts)
        message = (
            f"该任务的{kind}是{names}，账号 {actor.name} 属于{own} — 请删除此行或由{names}填报"
        )
        number = row if isinstance(row, int) else None
        problems.append(RowProblem(file_name, number, label, task_id, message))
    return problems


Check = Callable[[list[dict[str, object]]], tuple[pd.DataFrame, list[RowProblem]]]
Save = Callable[[pd.DataFrame, FileBatch], int]


def shared_problem(p: RowProblem, layout: Layout, columns: Mapping[str, int]) -> Problem:
    """A row problem of a progress file as the shared Problem (file, row, column, value)."""
    header = next((h for h, f in layout.fields.items() if layout.labels[f] == p.column), None)
    index = columns.get(header) if header else None
    value = p.value
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return Problem(
        "error",
        "task_row",
        p.message,
        p.source,
        row=p.row,
        column=column_letter(index) if index is not None else None,
        header=header or p.column,
        value=None if _empty(value) else str(value),
    )


def load_file(
    ws: Workspace,
    layout: Layout,
    data: bytes,
    file_name: str,
    *,
    actor: Actor,
    check: Check,
    save: Save,
) -> BulkResult:
    """Read, check every filled row, and store them all as one batch — or nothing.
    Raises :class:`UnreadableError` (the file is kept under refused/ when its size allows)."""
    digest = files.sha256(data)
    result = BulkResult(file=file_name, sha256=digest)
    try:
        raws, columns = read_rows(layout, data, file_name)
    except UnreadableError as exc:
        kept = None if exc.code in ("too_large", "empty") else data
        _keep_refused(ws, kept, digest, file_name, len(data), actor, "unreadable", str(exc))
        raise
    result.rows = len(raws)
    clean, found = pd.DataFrame(), list[RowProblem]()
    if not raws:
        first = layout.reported[0]
        header = next(h for h, f in layout.fields.items() if f == first)
        found.append(RowProblem(file_name, None, layout.labels[first], None,
                                f"文件中没有填写任何进展（请在「{header}」等列填写后再上传）"))  # fmt: skip
    else:
        clean, found = check(raws)
    if not found:
        try:
            batch = FileBatch(layout.source, file_name, digest)
            result.stored = save(clean, batch)
            result.batch_id = ws.store.batch_for_sha(digest)
        except StoreError as exc:
            result.problems, result.issues = (
                [f"{file_name}：{exc}"],
                [Problem("error", "store", str(exc), file_name)],
            )
    else:
        result.problems = [str(p) for p in found]
        result.issues = [shared_problem(p, layout, columns) for p in found]
    if result.ok:
        folder = ws.settings.uploads_dir
        try:
            files.keep(folder, data, digest, file_name)
            files.record_attempt(folder, digest, file_name, len(data), actor.name, "loaded",
                                 batch=result.batch_id, source=layout.source)  # fmt: skip
        except OSError:  # the rows are stored; a copy for support must not undo that
            pass
    else:
        message = "\n".join(result.problems[:20])
        _keep_refused(ws, data, digest, file_name, len(data), actor, "invalid", message)
    return result


def _keep_refused(
    ws: Workspace,
    data: bytes | None,
    digest: str,
    file_name: str,
    size: int,
    actor: Actor,
    outcome: str,
    message: str,
) -> None:
    folder = files.refused_dir(ws.settings.uploads_dir)
    try:
        files.keep(folder, data, digest, file_name)
        files.record_attempt(folder, digest, file_name, size, actor.name, outcome, message=message)
        days, max_mb = plantrack_settings.keep_refused()
        files.cleanup(ws.settings.uploads_dir, days, max_mb)
    except OSError:  # keeping a copy for support must never block the user
        pass
