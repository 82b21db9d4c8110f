"""Helpers for the upload tests: real files (openpyxl, CSV in several encodings) and
snapshots of a real DuckDB file to prove that a refused upload changed nothing."""

from __future__ import annotations

import csv
import hashlib
import io

from openpyxl import Workbook

from plantrack.workspace import Workspace

LONG = ["指标代码", "指标名称", "单位", "地区代码", "地区", "报告期", "数值", "备注"]
STREETS = [
    "370103002000", "370103003000", "370103004000", "370103006000", "370103008000",
    "370103009000", "370103010000", "370103012000", "370103014000", "370103015000",
    "370103016000", "370103017000", "370103018000", "370103019000", "370103020000",
    "370103021000", "370103022000",
]  # fmt: skip
DISTRICT = "370103"
BLOCK = [["表名", "测试填报表", "填报单位", "区教育体育局", "报告期", "2024Q1"]]


def row(indicator="fitness.instructors", area="大观园", period="2024Q1", value=10, note=""):
    """One long-layout row with the indicator code (name and unit left empty)."""
    return [indicator, "", "", "", area, period, value, note]


def instructors(period="2024Q1", base=10.0, district=None) -> list[list]:
    """A consistent set: every 街道 and the district (their sum) for 公益社会体育指导员人数."""
    values = [base + k for k in range(len(STREETS))]
    total = sum(values) if district is None else district
    rows = [["fitness.instructors", "", "", DISTRICT, "", period, total, ""]]
    rows += [
        ["fitness.instructors", "", "", code, "", period, v, ""]
        for code, v in zip(STREETS, values, strict=True)
    ]
    return rows


def block_for(rows: list[list]) -> list[list]:
    """The header block, its 报告期 the rows' most common period (as a filled template)."""
    periods = [r[5] for r in rows if len(r) == 8 and isinstance(r[5], str) and r[5]]
    if not periods:
        return BLOCK
    common = max(dict.fromkeys(periods), key=periods.count)
    return [[*BLOCK[0][:5], common]]


def csv_bytes(rows: list[list], encoding="utf-8", header=LONG, block=True) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if block:
        w.writerows(block_for(rows))
        w.writerow([])
    if header:
        w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[list], header=LONG, block=True, title="测试填报表", origin=(1, 1), text_cols=()
) -> bytes:
    """A workbook like a filled template: merged title, header block, then the table.

    ``origin`` (row, column) places the title; ``text_cols`` (0-based) are written as
    text cells, so ``=...`` stays a string and is not turned into a formula.
    """
    wb = Workbook()
    ws = wb.active
    r0, c0 = origin
    r = r0
    if title:
        ws.cell(row=r, column=c0, value=title)
        ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c0 + len(header) - 1)
        r += 1
    if block:
        for line in block_for(rows):
            for k, v in enumerate(line):
                ws.cell(row=r, column=c0 + k, value=v)
            r += 1
        r += 1  # a blank row before the table
    for line in [header, *rows] if header else rows:
        for k, v in enumerate(line):
            cell = ws.cell(row=r, column=c0 + k)
            if v == "" or v is None:
                continue
            cell.value = v
            if k in text_cols or (isinstance(v, str) and v.startswith("=")):
                cell.data_type = "s"
        r += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def first_data_row(block=True, title=True) -> int:
    """The sheet row of the first data row written by :func:`xlsx_bytes` at origin A1."""
    return 1 + int(title) + (len(BLOCK) + 1 if block else 0) + 1


def db_digest(ws: Workspace) -> str:
    """A digest of every stored figure, batch, task update and meta value. (Not of the file:
    a refusal is audited, and logins write sessions — those tables are left out.)"""
    h = hashlib.sha256()
    with ws.store._connect(read_only=True) as con:
        for table in ("observations", "batches", "task_updates", "meta"):
            df = con.execute(f"SELECT * FROM {table}").df()
            if table == "meta":
                df = df[df["key"] != "audit_head"]
            df = df.sort_values(list(df.columns)).reset_index(drop=True)
            h.update(df.to_csv(index=False).encode("utf-8"))
    return h.hexdigest()


def snapshot(ws: Workspace) -> tuple:
    """Counts, current values and every stored row: all must stay put after a refusal."""
    cur = ws.store.current()[["indicator", "area", "period", "value", "revision"]]
    return ws.store.counts(), cur.to_csv(index=False), db_digest(ws)
