"""Fill-in templates for a period: .xlsx (long or wide) or CSV (long).

A header block (表名, 填报单位, 报告期, 填报人, 联系电话, 报出日期) sits above the table.
Indicator names, units and areas are prefilled; the previous period's stored value is
alongside as a read-only reference; the sheet is protected except the cells to fill.
A period's template lists the indicators reported at that frequency (monthly for
``2024-03``, quarterly for ``2024Q1``, yearly for ``2024``) that are uploaded (not
milestones or formulas).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import cast

import pandas as pd

from plantrack.export import escape_cell
from plantrack.periods import Period, period_of_date
from plantrack.workspace import Workspace

LONG_HEADERS = ["指标代码", "指标名称", "单位", "地区代码", "地区", "报告期", "数值", "备注"]
INPUT_FILL, LOCKED_FILL, HEADER_FILL = "FFFFFF", "EDEDED", "D9E1F2"
HINT = (
    "说明：只填写白色单元格（数值、备注及表头信息），灰色为预填或参考内容，不能修改。"
    "数值只填数字；百分比填百分数本身（41% 填 41）。"
)


def previous(period: Period) -> Period:
    if period.month is not None:
        m = period.month - 1
        return Period(period.year, month=m) if m else Period(period.year - 1, month=12)
    if period.quarter is None:
        return Period(period.year - 1)
    return (
        Period(period.year, period.quarter - 1)
        if period.quarter > 1
        else Period(period.year - 1, 4)
    )


def default_period(ws: Workspace, today: date) -> Period:
    """The quarter a statistician reports now: the last one ended, but not past the end of
    the latest plan that has indicators (a template outside every plan would be all errors)."""
    last = previous(period_of_date(today))
    with_indicators = {i.plan for i in ws.registry.indicators}
    ends = [p.end_year for p in ws.registry.plans if p.id in with_indicators]
    return min(last, Period(max(ends), 4)) if ends else last


def period_label(period: Period) -> str:
    if period.month:
        return f"{period.year}年{period.month}月"
    return f"{period.year}年第{period.quarter}季度" if period.quarter else f"{period.year}年"


def departments(ws: Workspace) -> list[str]:
    """Lead departments of uploadable indicators, for a per-department template."""
    return sorted({d for i in ws.registry.indicators if i.uploadable for d in i.lead})


def template_rows(
    ws: Workspace, period: Period, plan: str | None = None, department: str | None = None
) -> pd.DataFrame:
    """One row per (indicator, area) to fill, with last period's stored value (none when the
    database file does not exist: a template needs no database)."""
    freq = period.frequency
    inds = [
        i
        for i in ws.registry.indicators
        if i.uploadable
        and i.frequency == freq
        and (plan is None or i.plan == plan)
        and (department is None or department in i.lead)
    ]
    district = ws.registry.areas.district
    rows = []
    for ind in inds:
        areas = (
            [district] if ind.rollup.method == "none" else [district, *ws.registry.areas.subareas]
        )
        rows += [(ind.id, ind.name, ind.unit, a.code, a.name, str(period)) for a in areas]
    df = pd.DataFrame(rows, columns=["indicator", "name", "unit", "area", "area_name", "period"])
    prev = previous(period)
    have_db = ws.store.exists()
    cur = ws.store.current(indicators=[i.id for i in inds]) if inds and have_db else pd.DataFrame()
    if len(cur):
        cur = cur[cur["period"] == str(prev)][["indicator", "area", "value"]]
        df = df.merge(
            cur.rename(columns={"value": "previous"}), on=["indicator", "area"], how="left"
        )
    else:
        df["previous"] = None
    return df


def build_template(
    ws: Workspace,
    period: Period,
    layout: str = "long",
    plan: str | None = None,
    fmt: str = "xlsx",
    department: str | None = None,
) -> bytes:
    """The template as bytes; ``plan`` / ``department`` (牵头部门) narrow the indicators."""
    rows = template_rows(ws, period, plan, department)
    title = _title(ws, period, plan, department)
    block = _block(title, period, department)
    if fmt == "csv":
        return _long_csv(rows, period, block)
    return (_wide_xlsx if layout == "wide" else _long_xlsx)(ws, rows, period, title, block)


def _title(ws: Workspace, period: Period, plan: str | None, department: str | None) -> str:
    scope = ws.plans[plan].short_name if plan else ws.registry.name
    return (
        f"{scope}{f'（{department}）' if department else ''} 数据填报表（{period_label(period)}）"
    )


def _block(title: str, period: Period, department: str | None) -> list[list[str]]:
    return [
        ["表名", title, "填报单位", department or "", "报告期", str(period)],
        ["填报人", "", "联系电话", "", "报出日期", ""],
    ]


def _long_csv(rows: pd.DataFrame, period: Period, block: list[list[str]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for line in block:
        w.writerow([escape_cell(v) for v in line])
    w.writerow([])
    w.writerow([*LONG_HEADERS, f"上期值（{previous(period)}）"])
    for r in rows.itertuples(index=False):
        prev = "" if pd.isna(cast(float | None, r.previous)) else r.previous
        w.writerow(
            [escape_cell(v) for v in (r.indicator, r.name, r.unit, r.area, r.area_name, r.period)]
            + ["", "", prev]
        )
    return out.getvalue().encode("utf-8-sig")


def editor_csv(frame: pd.DataFrame) -> bytes:
    """Rows typed in the page's grid as a long-layout CSV (not escaped: read back as data)."""
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\r\n")
    return out.getvalue().encode("utf-8")


def _sheet(title: str, block: list[list[str]], width: int):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    wb = Workbook()
    sh = wb.active
    sh.title = "填报"
    sh.append([escape_cell(title)])
    sh.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 6))
    sh["A1"].font = Font(bold=True, size=14)
    sh["A1"].alignment = Alignment(horizontal="center")
    for line in block:
        sh.append([escape_cell(v) for v in line])
    for row, col in ((2, 4), (3, 2), (3, 4), (3, 6)):  # 填报单位, 填报人, 联系电话, 报出日期
        cell = sh.cell(row=row, column=col)
        cell.protection = Protection(locked=False)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    sh.append([HINT])
    sh.merge_cells(start_row=4, start_column=1, end_row=4, end_column=max(width, 6))
    sh.protection.sheet = True
    sh.protection.formatColumns = False
    return wb, sh


def _style_row(sh, r: int, inputs: set[int], width: int) -> None:
    from openpyxl.styles import PatternFill, Protection

    for c in range(1, width + 1):
        cell = sh.cell(row=r, column=c)
        if c in inputs:
            cell.protection = Protection(locked=False)
            cell.fill = PatternFill("solid", fgColor=INPUT_FILL)
        else:
            cell.fill = PatternFill("solid", fgColor=LOCKED_FILL)


def _header(sh, headers: list[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    sh.append(headers)
    for cell in sh[5]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    sh.freeze_panes = "A6"


def _number_rule(sh, ref: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15")
    dv.allow_blank = True
    dv.error, dv.errorTitle = "请只填写数字（百分比填百分数本身，如 41）。", "数值格式"
    dv.add(ref)
    sh.add_data_validation(dv)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _long_xlsx(
    ws: Workspace, rows: pd.DataFrame, period: Period, title: str, block: list[list[str]]
) -> bytes:
    headers = [*LONG_HEADERS, f"上期值（{previous(period)}）"]
    wb, sh = _sheet(title, block, len(headers))
    _header(sh, headers)
    for r in rows.itertuples(index=False):
        previous_value = cast(float | None, r.previous)
        prev = None if pd.isna(previous_value) else float(previous_value)
        line = [r.indicator, r.name, r.unit, r.area, r.area_name, r.period, None, None, prev]
        sh.append([escape_cell(v) for v in line])
        _style_row(sh, sh.max_row, {7, 8}, len(headers))
    if len(rows):
        _number_rule(sh, f"G6:G{sh.max_row}")
    for letter, width in zip("ABCDEFGHI", (34, 36, 8, 15, 14, 9, 12, 24, 14), strict=True):
        sh.column_dimensions[letter].width = width
    return _save(wb)


def _wide_xlsx(
    ws: Workspace, rows: pd.DataFrame, period: Period, title: str, block: list[list[str]]
) -> bytes:
    from openpyxl.utils import get_column_letter

    inds = list(dict.fromkeys(rows["indicator"]))
    headers = ["地区代码", "地区"]
    for i in inds:
        ind = ws.indicators[i]
        headers += [escape_cell(f"{ind.name}（{ind.unit}）"), f"上期值（{previous(period)}）"]
    wb, sh = _sheet(title, block, len(headers))
    _header(sh, headers)
    areas = [ws.registry.areas.district, *ws.registry.areas.subareas]
    have = set(zip(rows["indicator"], rows["area"], strict=True))
    prev = {
        (r.indicator, r.area): r.previous
        for r in rows.itertuples()
        if not pd.isna(cast(float | None, r.previous))
    }
    for area in areas:
        line: list = [area.code, area.name]
        inputs = set()
        for k, i in enumerate(inds):
            line += [None, prev.get((i, area.code))]
            if (i, area.code) in have:
                inputs.add(3 + 2 * k)
        sh.append(line)
        _style_row(sh, sh.max_row, inputs, len(headers))
    for k in range(len(inds)):
        letter = get_column_letter(3 + 2 * k)
        _number_rule(sh, f"{letter}6:{letter}{sh.max_row}")
        sh.column_dimensions[letter].width = 18
    sh.column_dimensions["A"].width, sh.column_dimensions["B"].width = 15, 14
    return _save(wb)
