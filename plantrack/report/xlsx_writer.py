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
from plantrack.present import round_half_up
from plantrack.report.content import SECTIONS, ReportContent
from plantrack.report.rows import COLUMNS, FILLS, SOURCES, num
from plantrack.report.wording import DEMO_MARK, period_text

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
    "source": "来源",
    "components": "汇总自",
}
SOURCE_WORDS = {"reported": "上报", "rollup": "汇总"}
KIND_WORDS = {"target": "目标类", "relative": "相对目标", "milestone": "里程碑", "monitor": "监测"}
LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰色（无法评估）"}
FULL_COLUMNS = {
    "indicator": "指标代码",
    "name": "指标名称",
    "plan": "所属规划",
    "kind": "类型",
    "unit": "单位",
    "attribute": "属性",
    "lead": "牵头部门",
    "precision": "小数位",
    "area": "地区代码",
    "direction": "方向",
    "baseline_value": "基期值",
    "baseline_period": "基期",
    "latest_value": "现状值",
    "latest_period": "现状期",
    "target_value": "目标值",
    "target_period": "目标期",
    "comparator": "比较方式",
    "completion": "完成进度",
    "time_share": "时序进度",
    "verdict": "评价",
    "light": "指示灯",
    "cagr_ratio": "增速比",
    "cagr_class": "增速判断",
    "projected_value": "目标年预计值",
    "projected_period": "预计年份",
    "projected_meets": "预计能否实现目标",
    "gap": "与参照值之差",
    "reason": "说明",
}
VALUE_COLS = ("baseline_value", "latest_value", "target_value", "projected_value", "gap")
SHARE_COLS = ("completion", "time_share")
MAIN_NUMBERS = {"基期值": "baseline_value", "现状值": "latest_value", "目标值": "target_value"}
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


def rounded(value: Any, precision: int, scale: int = 0) -> float | None:
    """四舍五入 at ``precision`` decimals (of value × 10**scale, divided back), as a number."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return None
    return (
        float(round_half_up(float(value), precision + scale))
        if not scale
        else float(round_half_up(float(value), precision, scale=scale)) / 10**scale
    )


def _fmt(precision: int) -> str:
    return "#,##0" + ("." + "0" * precision if precision else "")


def _main_sheet(wb: Workbook, c: ReportContent) -> None:
    """主要指标: the report table, numbers stored as rounded numbers with number formats."""
    header = [*COLUMNS[:6], "现状值", "现状期", *COLUMNS[7:]]
    ws = _sheet(
        wb, "主要指标", header, [], {"指标名称": 30, "目标值": 16, "牵头部门": 20, "说明": 50}
    )
    by_id = {r["indicator"]: r for r in c.table.to_dict(orient="records")}
    for i, row in enumerate(c.rows, start=2):
        r = by_id[row["_indicator"]]
        p = int(row["_precision"])
        numeric = r["kind"] == "target"
        values: list[Any] = [int(row["序号"]), row["指标名称"], row["单位"], row["属性"]]
        has_base = r["kind"] != "milestone" and num(r["baseline_value"]) is not None
        values.append(rounded(r["baseline_value"], p) if has_base else row["基期值"])
        values.append(rounded(r["target_value"], p) if numeric else row["目标值"])
        values.append(rounded(r["latest_value"], p) if r["kind"] != "milestone" else row["现状值"])
        values.append(period_text(r["latest_period"]) if r["kind"] != "milestone" else None)
        values.append(rounded(r["completion"], 1, scale=2))
        values.append(rounded(r["time_share"], 1, scale=2))
        values += [row["评价"], row["牵头部门"], row["说明"]]
        ws.append([safe(v) for v in values])
        for col in (5, 6, 7):
            if isinstance(ws.cell(row=i, column=col).value, float):
                ws.cell(row=i, column=col).number_format = _fmt(p)
        for col in (9, 10):
            ws.cell(row=i, column=col).number_format = "0.0%"
        ws.cell(row=i, column=header.index("评价") + 1).fill = PatternFill(
            "solid", fgColor=FILLS[row["_light"]]
        )


def _full_sheet(wb: Workbook, c: ReportContent) -> None:
    """全部指标: every column of the assessment in Chinese, codes as words, numbers rounded."""
    df = c.full_table.drop(columns=["order"], errors="ignore").copy()
    prec = df["precision"].astype(int)
    for col in VALUE_COLS:
        df[col] = [rounded(v, p) for v, p in zip(df[col], prec, strict=True)]
    for col in SHARE_COLS:
        df[col] = [rounded(v, 1, scale=2) for v in df[col]]
    df["cagr_ratio"] = [rounded(v, 2) for v in df["cagr_ratio"]]
    df["plan"] = df["plan"].map(c.plan_names).fillna(df["plan"])
    df["kind"] = df["kind"].map(KIND_WORDS).fillna(df["kind"])
    df["light"] = df["light"].map(LIGHT_WORDS).fillna(df["light"])
    df["direction"] = df["direction"].map({1: "越大越好", -1: "越小越好"})
    df["comparator"] = df["comparator"].map({">=": "不低于", "<=": "不高于", "==": "等于"})
    df["projected_meets"] = df["projected_meets"].map({True: "是", False: "否"})
    for col in ("baseline_period", "latest_period", "target_period", "projected_period"):
        df[col] = df[col].map(lambda v: period_text(v) if isinstance(v, str) else None)
    df["area"] = df["area"].map(lambda a: c.area_names.get(a, a))
    ws = _frame_sheet(wb, "全部指标", df, {**FULL_COLUMNS, "area": "地区"})
    names = [str(x.value) for x in ws[1]]
    for j, name in enumerate(names, start=1):
        key = next((k for k, v in {**FULL_COLUMNS, "area": "地区"}.items() if v == name), "")
        if key in SHARE_COLS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "0.0%"
        elif key in VALUE_COLS:
            for (cell,), p in zip(
                ws.iter_rows(min_row=2, min_col=j, max_col=j), prec, strict=False
            ):
                cell.number_format = _fmt(int(p))


def components(c: ReportContent, ws_rollup: dict[str, str], row: dict) -> str | None:
    """Where a roll-up value comes from (数据明细 汇总自)."""
    if row.get("source") != "rollup":
        return None
    return ws_rollup.get(row["indicator"])


def build_xlsx(c: ReportContent) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    heads = dict(SECTIONS)
    about: list[list[Any]] = [
        ["报告", c.title],
        ["评估基准日", c.as_of],
        ["数据截至（只用该日及以前入库的数据）", c.known_on],
        ["评估范围", f"{c.area_name}（{c.area}）"],
        ["规划", "；".join(c.plan_labels)],
        ["编制单位", c.org],
        ["生成日期", c.issued],
        ["指标配置编码", c.config_hash],
        ["数据指纹", c.fingerprint],
        ["使用的上报批次", "、".join(str(b) for b in c.batch_ids)],
        ["数据性质", DEMO_MARK if c.is_demo else "上报数据"],
    ]
    about += [[heads.get(k, k), v] for k, v in c.narrative.items()]
    ws = _sheet(wb, "说明", ["项目", "内容"], about, {"项目": 36, "内容": 100})
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=2, min_col=2):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    _main_sheet(wb, c)
    _full_sheet(wb, c)
    prec = dict(zip(c.full_table["indicator"], c.full_table["precision"], strict=False))
    values = c.values.assign(
        name=c.values["indicator"].map(c.indicator_names).fillna(""),
        area_name=c.values["area"].map(c.area_names).fillna(""),
        period=c.values["period"].map(period_text),
    )
    if "source" in values:
        values["components"] = [
            c.rollup_sources.get(i) if s == "rollup" else None
            for i, s in zip(values["indicator"], values["source"], strict=True)
        ]
        values["source"] = values["source"].map(SOURCE_WORDS).fillna(values["source"])
    ws = _frame_sheet(wb, "数据明细", values, VALUE_COLUMNS)
    col = [str(x.value) for x in ws[1]].index("数值") + 1
    for (cell,), ind in zip(
        ws.iter_rows(min_row=2, min_col=col, max_col=col), values["indicator"], strict=False
    ):
        cell.number_format = "General" if ind not in prec else _fmt(min(int(prec[ind]) + 2, 6))
    batches = c.batches.assign(
        source=c.batches["source"].map(SOURCES).fillna(c.batches["source"]),
        status=c.batches["status"]
        .map({"loaded": "已入库", "rolled_back": "已撤回"})
        .fillna(c.batches["status"]),
    )
    _frame_sheet(wb, "批次", batches, {
        "id": "批次", "created_at": "入库时间", "file_name": "文件", "user_name": "上报人",
        "source": "来源", "status": "状态", "config_hash": "指标配置编码",
    })  # fmt: skip
    if c.tasks.available:
        tasks = c.tasks.table.assign(
            plan=c.tasks.table["plan"].map(c.plan_names).fillna(c.tasks.table["plan"]),
            kind=c.tasks.table["kind"].map({"task": "重点任务", "decision": "重大行政决策事项",
                                            "milestone": "里程碑"}).fillna(c.tasks.table["kind"]),
            # a 总结评估 writes 逾期 as 未完成, as 表1 and §三 do
            status=c.tasks.table["status"].replace({"逾期": "未完成"} if c.final else {}),
        )  # fmt: skip
        _frame_sheet(wb, "任务", tasks, TASK_COLUMNS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
