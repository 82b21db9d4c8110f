"""The report's Excel appendix (openpyxl): the full table and every value used.

Sheets: 说明 (what, when, config hash, fingerprint, batches), 主要指标 (the report table),
全部指标 (every column of the assessment, numbers unrounded), 数据明细 (each value with its
period, batch and revision), 批次, 任务. Text that a spreadsheet would read as a formula
(starting with = + - @, tab or CR) is written with a leading apostrophe.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from plantrack.export import escape_cell
from plantrack.report.content import ReportContent
from plantrack.report.rows import COLUMNS, FILLS

HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")

VALUE_COLUMNS = {
    "indicator": "指标代码",
    "name": "指标名称",
    "area": "地区代码",
    "area_name": "地区",
    "period": "时期",
    "value": "数值",
    "batch_id": "批次",
    "revision": "修订版次",
    "source": "来源（reported 上报 / rollup 汇总）",
}
TASK_COLUMNS = {
    "id": "编号",
    "plan": "规划",
    "kind": "类别",
    "title": "事项",
    "units": "责任单位",
    "deadline_text": "完成时限",
    "due": "截止日期",
    "status": "状态",
    "label": "状态说明",
    "done_on": "完成日期",
}


def safe(value: Any) -> Any:
    """A cell value: None for missing, plain Python numbers, formula-like text escaped."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime | date | bool):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return safe("、".join(str(v) for v in value))
    return safe(str(value))


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], widths=None):
    ws = wb.create_sheet(title)
    ws.append([safe(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        ws.append([safe(v) for v in row])
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        width = (widths or {}).get(h, max(8, min(40, len(str(h)) * 2 + 2)))
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def _frame_sheet(wb: Workbook, title: str, df: pd.DataFrame, names: dict | None = None):
    df = df if names is None else df[[c for c in names if c in df.columns]].rename(columns=names)
    rows = df.astype(object).where(df.notna(), None).values.tolist()
    return _sheet(wb, title, [str(c) for c in df.columns], rows)


def build_xlsx(c: ReportContent) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    about: list[list[Any]] = [
        ["报告", c.title],
        ["评估基准日", c.as_of],
        ["数据截至（只用该日及以前入库的数据）", c.known_on],
        ["评估范围", f"{c.area_name}（{c.area}）"],
        ["规划", "；".join(c.plan_labels)],
        ["编制单位", c.org],
        ["生成日期", c.issued],
        ["指标配置哈希", c.config_hash],
        ["数据指纹", c.fingerprint],
        ["使用的上报批次", "、".join(str(b) for b in c.batch_ids)],
        ["数据性质", "示例数据（模拟，非官方统计）" if c.is_demo else "上报数据"],
    ]
    about += [["叙述：" + k, v] for k, v in c.narrative.items()]
    ws = _sheet(wb, "说明", ["项目", "内容"], about, {"项目": 36, "内容": 100})
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    table = _sheet(
        wb,
        "主要指标",
        COLUMNS,
        [[r[k] for k in COLUMNS] for r in c.rows],
        {"指标名称": 30, "目标值": 16, "现状值": 18, "牵头部门": 20, "说明": 50},
    )
    col = COLUMNS.index("评价") + 1
    for i, r in enumerate(c.rows, start=2):
        table.cell(row=i, column=col).fill = PatternFill("solid", fgColor=FILLS[r["_light"]])
    _frame_sheet(wb, "全部指标", c.full_table.drop(columns=["order"], errors="ignore"))
    values = c.values.assign(
        name=c.values["indicator"].map(c.indicator_names).fillna(""),
        area_name=c.values["area"].map(c.area_names).fillna(""),
    )
    _frame_sheet(wb, "数据明细", values, VALUE_COLUMNS)
    _frame_sheet(wb, "批次", c.batches)
    if c.tasks.available:
        _frame_sheet(wb, "任务", c.tasks.table, TASK_COLUMNS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
