"""Bytes → a grid of cells and the header row: .xlsx (calamine) or CSV (detected encoding).

The grid keeps the sheet's own coordinates (row 0 is Excel row 1, column 0 is A), so every
problem can name the cell the user sees. The header row is found, not assumed: the row
among the first :data:`HEADER_SCAN` that names the most known columns (long layout) or
indicators (wide layout). Cells above it are the header block (表名, 报告期 …).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from plantrack.ingest.columns import (
    FIELD_NAMES,
    IGNORE,
    META_KEYS,
    clean_header,
    field_of,
    is_reference,
    period_header,
)
from plantrack.ingest.files import (
    MAX_CELLS,
    MAX_COLUMNS,
    OLE_MAGIC,
    FileRejected,
    XlsxInfo,
    inspect_xlsx,
    is_encrypted_ooxml,
    is_zip,
    not_a_table,
)
from plantrack.ingest.report import column_letter

HEADER_SCAN = 30
MAX_SCAN_COLUMNS = 400
_META = re.compile(rf"^({'|'.join(META_KEYS)})\s*[:：]\s*(.+)$")


@dataclass
class Header:
    row: int  # 0-based sheet row
    layout: str  # "long" | "wide"
    fields: dict[str, int] = field(default_factory=dict)  # long field → column
    indicator_cols: dict[int, str] = field(default_factory=dict)  # wide column → indicator id
    texts: dict[int, str] = field(default_factory=dict)  # column → header as written
    period_cols: dict[int, str] = field(default_factory=dict)  # "years" column → period


@dataclass
class RawTable:
    file: str
    kind: str  # "xlsx" | "csv"
    grid: pd.DataFrame  # object cells; index = 0-based sheet row, columns = 0-based column
    header: Header
    meta: dict[str, str]
    sheet: str | None = None
    encoding: str | None = None
    formulas: set[str] = field(default_factory=set)  # refs (B7) of formula cells
    external_links: int = 0

    @property
    def body(self) -> pd.DataFrame:
        return self.grid.iloc[self.header.row + 1 :]


IndicatorMatch = Callable[[object], str | None]


class _Mapped:
    """An indicator matcher that carries the user's column mapping to the header scan."""

    def __init__(self, match: IndicatorMatch, mapping: Mapping):
        self.match, self.mapping = match, dict(mapping)

    def __call__(self, cell: object) -> str | None:
        return self.match(cell)


def _with_mapping(match: IndicatorMatch, mapping: Mapping | None) -> IndicatorMatch:
    return _Mapped(match, mapping) if mapping else match


def read_table(
    data: bytes, name: str, match_indicator: IndicatorMatch, mapping: Mapping | None = None
) -> RawTable:
    """Read the first sheet with a recognisable header; raise :class:`FileRejected` if none.

    ``mapping`` ({cleaned header: field}, :func:`~plantrack.ingest.columns.parse_mapping`)
    names columns whose headers PlanTrack does not know."""
    match_indicator = _with_mapping(match_indicator, mapping)
    suffix = Path(name).suffix.lower()
    if is_encrypted_ooxml(data):
        raise FileRejected(
            "encrypted",
            f"文件 {name} 设有打开密码（已加密），无法读取。"
            "请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新上传。",
        )
    if data[:8] == OLE_MAGIC:
        raise FileRejected(
            "not_table", f"文件 {name} 是旧版 .xls 格式。请在 Excel 中另存为 .xlsx 后重新上传。"
        )
    if is_zip(data):
        info = inspect_xlsx(data, name)
        table = _from_sheets(_xlsx_sheets(data, name, info), name, "xlsx", match_indicator)
        table.formulas = info.for_sheet(table.sheet)[0]
        table.external_links = info.external_links
        return table
    if suffix in (".xlsx", ".xlsm", ".xls") or data[:5] == b"%PDF-":
        raise not_a_table(name)
    text, encoding = decode_text(data, name)
    try:
        table = _from_sheets([(None, _csv_grid(text, name))], name, "csv", match_indicator)
    except FileRejected as exc:
        if exc.code == "no_header" and encoding not in ("utf-8-sig", "utf-16"):
            raise _foreign_encoding(data, name, encoding) from None
        raise
    table.encoding = encoding
    return table


def _foreign_encoding(data: bytes, name: str, tried: str) -> FileRejected:
    """No header in text that only decoded as GB18030 (which accepts almost any bytes):
    most likely another encoding (Big5 …) — say which, instead of "no header"."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    guess = best.encoding if best is not None else None
    fix = "请在 Excel 中“另存为” → “CSV UTF-8（逗号分隔）”后重新上传。"
    if guess is None or guess.replace("_", "").lower() in ("gb18030", "gbk", "gb2312"):
        return FileRejected(
            "encoding",
            f"文件 {name} 的文字编码无法识别（不是 UTF-8 或 GBK），读出的内容是乱码，找不到表头。{fix}",
        )
    label = {"big5": "Big5（繁体中文）", "cp950": "Big5（繁体中文）", "big5hkscs": "Big5-HKSCS"}
    shown = label.get(guess.lower(), guess)
    return FileRejected(
        "encoding",
        f"文件 {name} 的文字编码是 {shown}，不是 UTF-8 或 GBK，读出的内容是乱码。{fix}",
    )


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 (GBK), then charset-normalizer."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise not_a_table(name) from None
    if b"\x00" in data[:8192]:
        raise not_a_table(name)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise not_a_table(name)
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise not_a_table(name) from None


def _csv_grid(text: str, name: str) -> pd.DataFrame:
    """Every line a row (blank lines too, so row numbers match the file), ragged rows padded
    with empty text."""
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    lines = text.splitlines()
    counts = np.fromiter(map(str.count, lines, repeat(delimiter, len(lines))), np.int64, len(lines))
    width = int(counts.max(initial=0)) + 1
    if width > MAX_COLUMNS or width * len(lines) > MAX_CELLS:
        raise _too_wide(name, "")
    try:
        grid = pd.read_csv(
            # bytes, not a StringIO: pandas re-encodes a text stream chunk by chunk
            io.BytesIO(text.encode("utf-8")),
            encoding="utf-8",
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError, csv.Error):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
        wide = max(map(len, rows), default=0)
        return pd.DataFrame([r + [""] * (wide - len(r)) for r in rows], dtype=object)
    if '"' in text or len(grid) != len(lines):  # quoted cells: lines are not rows
        return _no_missing(grid)
    short = np.flatnonzero(counts < width - 1)  # only a short line has cells missing
    if len(short):
        grid.iloc[short] = _no_missing(grid.iloc[short])
    return grid


def _no_missing(grid: pd.DataFrame) -> pd.DataFrame:
    """Missing cells (ragged rows, empty Excel cells) as empty text."""
    return grid.where(grid.notna(), "") if grid.isna().to_numpy().any() else grid


def _too_wide(name: str, where: str) -> FileRejected:
    return FileRejected(
        "not_table",
        f"文件 {name} {where}的表格范围过大（超过 {MAX_CELLS:,} 个单元格或 {MAX_COLUMNS:,} 列），"
        "可能含有远处的空白格式。请只保留填报表后另存再上传。",
    )


def _xlsx_sheets(
    data: bytes, name: str, info: XlsxInfo | None = None
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Visible worksheets in order, read one at a time (reading stops at the first table).
    Excel error cells (calamine reads them as empty) get their error text (``#DIV/0!``)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [
            m.name
            for m in wb.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
        ]
    except Exception:  # noqa: BLE001 — calamine raises several types for broken files
        raise _broken(name) from None
    for sheet_name in names or wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(sheet_name)
            end = sheet.end or (0, 0)  # to_python pads from A1: bound that too
            if end[1] + 1 > MAX_COLUMNS or (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
                raise _too_wide(name, f"工作表 {sheet_name} ")
            rows = sheet.to_python(skip_empty_area=False)
        except FileRejected:
            raise
        except Exception:  # noqa: BLE001
            raise _broken(name) from None
        grid = pd.DataFrame(rows, dtype=object)
        if info is not None:
            _put_errors(grid, info.for_sheet(sheet_name)[1])
        yield sheet_name, grid


def _put_errors(grid: pd.DataFrame, errors: dict[str, str]) -> None:
    for ref, text in errors.items():
        m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
        if not m:
            continue
        col = sum((ord(ch) - 64) * 26**k for k, ch in enumerate(reversed(m[1]))) - 1
        row = int(m[2]) - 1
        if row < grid.shape[0] and col < grid.shape[1] and column_letter(col) == m[1]:
            grid.iat[row, col] = text or "#错误"


def _broken(name: str) -> FileRejected:
    return FileRejected(
        "not_table", f"文件 {name} 不是有效的 Excel 工作簿（文件可能已损坏）。请重新保存后上传。"
    )


def _from_sheets(
    sheets: Iterable[tuple[str | None, pd.DataFrame]], name: str, kind: str, match: IndicatorMatch
) -> RawTable:
    seen: list[tuple[str | None, pd.DataFrame]] = []
    for sheet, grid in sheets:
        header = find_header(grid, match)
        if header is not None:
            if kind != "csv":  # _csv_grid fills its own missing cells
                grid = grid.where(grid.notna(), "")
            return RawTable(name, kind, grid, header, read_meta(grid, header.row), sheet)
        seen.append((sheet, grid))
    if all(_is_blank_grid(g) for _, g in seen):
        raise FileRejected("empty", f"文件 {name} 中没有任何内容。请填写数据后重新上传。")
    where = f"工作表 {'、'.join(str(s) for s, _ in seen)} " if kind == "xlsx" else ""
    raise FileRejected(
        "no_header",
        f"文件 {name} {where}中找不到表头。长表需要含“指标代码”或“指标名称”、“地区”或“地区代码”、"
        "“数值”（可选“报告期”“备注”）的一行；宽表需要“地区”列和以指标名称为列名的列；"
        "按年份展开的表（如世界银行格式）需要地区、指标两列和以年份为列名的列。"
        "请使用下载的模板，或把列名改成上述名称，或指定列名对应"
        '（命令行 --map "Country=地区,Series=指标代码"，网页上在“列名对应”中选择）。',
    )


def _is_blank_grid(grid: pd.DataFrame) -> bool:
    if grid.empty:
        return True
    text = grid.fillna("").astype(str)
    return bool(text.apply(lambda col: col.str.strip().eq("")).all().all())


def find_header(grid: pd.DataFrame, match: IndicatorMatch) -> Header | None:
    """The best header row among the first rows, or None."""
    best: tuple[int, Header] | None = None
    width = min(grid.shape[1], MAX_SCAN_COLUMNS)
    for r in range(min(len(grid), HEADER_SCAN)):
        cells = grid.iloc[r, :width].tolist()
        header = _score_row(r, cells, match)
        if header is None:
            continue
        score = len(header.fields) + len(header.indicator_cols) + len(header.period_cols)
        if best is None or score > best[0]:
            best = (score, header)
    return best[1] if best else None


def _score_row(r: int, cells: list, match: IndicatorMatch) -> Header | None:
    fields: dict[str, int] = {}
    indicator_cols: dict[int, str] = {}
    period_cols: dict[int, str] = {}
    texts: dict[int, str] = {}
    mapping = match.mapping if isinstance(match, _Mapped) else None
    for c, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "" or is_reference(cell):
            continue
        texts[c] = str(cell).strip()
        f = field_of(cell, mapping)
        if f == IGNORE:
            continue
        if f is not None and f.startswith("indicator:"):
            ind = match(f.removeprefix("indicator:"))
            if ind is not None:
                indicator_cols[c] = ind
            continue
        if f is not None and f not in fields:
            fields[f] = c
            continue
        per = period_header(cell)
        if per is not None:
            period_cols[c] = per
            continue
        ind = match(cell)
        if ind is not None:
            indicator_cols[c] = ind
    has_area = "area_code" in fields or "area_name" in fields
    has_indicator = "indicator_id" in fields or "indicator_name" in fields
    if has_area and has_indicator and "value" in fields:
        return Header(r, "long", fields, {}, texts)
    if has_area and has_indicator and len(period_cols) >= 1 and "period" not in fields:
        return Header(r, "years", fields, {}, texts, period_cols)
    if has_area and indicator_cols and not has_indicator and "value" not in fields:
        keep = {
            f: c for f, c in fields.items() if f in ("area_code", "area_name", "period", "note")
        }
        return Header(r, "wide", keep, indicator_cols, texts)
    return None


def read_meta(grid: pd.DataFrame, header_row: int) -> dict[str, str]:
    """The header block above the table: ``报告期 | 2024Q1`` or ``报告期：2024Q1``."""
    meta: dict[str, str] = {}
    for r in range(header_row):
        cells = [str(v).strip() for v in grid.iloc[r].tolist()]
        for c, text in enumerate(cells):
            m = _META.match(text)
            if m:
                meta.setdefault(m[1], m[2].strip())
                continue
            key = clean_header(text)
            if key in META_KEYS:
                following = [v for v in cells[c + 1 :] if v]
                if following and clean_header(following[0]) not in META_KEYS:
                    meta.setdefault(key, following[0])
    return meta


def describe_field(fld: str) -> str:
    return FIELD_NAMES.get(fld, fld)


def first_headers(data: bytes, name: str, limit: int = 40) -> list[str]:
    """The texts of the widest of the first rows (two or more filled cells; the first of
    equals) of the first sheet: what the upload page offers for mapping when no header is
    recognised — the header row under a World Bank file's two-cell notes; [] when unreadable."""
    try:
        if is_zip(data):
            sheets: Iterable[tuple[str | None, pd.DataFrame]] = _xlsx_sheets(data, name)
        else:
            sheets = [(None, _csv_grid(decode_text(data, name)[0], name))]
        for _sheet, grid in sheets:
            best: list[str] = []
            for r in range(min(len(grid), HEADER_SCAN)):
                cells = [str(v).strip() for v in grid.iloc[r, :limit].tolist() if v is not None]
                cells = [c for c in cells if c and c.lower() != "nan"]
                if len(cells) >= 2 and len(cells) > len(best):
                    best = cells
            return best
    except FileRejected:
        return []
    return []
