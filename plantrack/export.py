"""Downloads of tables as .csv and .xlsx bytes, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) would be
read by Excel or WPS as a formula (CSV / formula injection). In a CSV such a cell gets a
leading apostrophe; in an .xlsx it is stored as a text cell with Excel's quote prefix (the
cell shows the text as written and is never evaluated). Numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import overload

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@overload
def escape_cell(value: str) -> str: ...
@overload
def escape_cell(value: object) -> object: ...
def escape_cell(value: object) -> object:
    """A text that a spreadsheet would run as a formula (or silently turn into a number, as
    ``+86…``), made inert; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and header) escaped."""
    out = df.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].astype(object).map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so that Excel opens Chinese text correctly."""
    return escape_frame(df).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One worksheet per entry (names cut to Excel's 31 characters), header row frozen."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            sheet = _sheet_name(name)
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"  # openpyxl made a formula of a leading "="
                        cell.quotePrefix = True
            for i, col in enumerate(df.columns, start=1):
                width = max([len(str(col)), *(len(str(v)) for v in df[col].head(200))], default=8)
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, 2 + 1.6 * width)
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    bad = str.maketrans({c: "_" for c in "[]:*?/\\"})
    return (name.translate(bad) or "Sheet")[:31]
