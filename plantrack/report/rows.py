"""The 主要指标完成情况 table as readers see it: one dict of formatted cells per indicator."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from plantrack.present import fmt_change, fmt_number, fmt_share, fmt_target
from plantrack.workspace import Workspace

COLUMNS = [
    "序号",
    "指标名称",
    "单位",
    "属性",
    "基期值",
    "目标值",
    "现状值",
    "完成进度",
    "时序进度",
    "评价",
    "牵头部门",
    "说明",
]
# Relative column widths (docx / pdf), in the order of COLUMNS.
WIDTHS = [3, 14, 6, 5, 7, 9, 11, 7, 7, 8, 10, 18]


def num(value: Any) -> float | None:
    """A finite float, or None for None / NaN / inf / pandas NA."""
    if value is None or value is pd.NA:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _target(ws: Workspace, r: dict, p: int) -> str:
    ind = ws.indicators[r["indicator"]]
    if r["kind"] == "milestone":
        return f"{ind.deadline:%Y年%m月}前完成" if ind.deadline else "完成"
    if r["kind"] == "relative":
        return ind.target.text if ind.target else "—"
    return fmt_target(text(r["comparator"]), num(r["target_value"]), "", p)


def _latest(r: dict, p: int) -> str:
    if r["kind"] == "milestone":
        return "已完成" if r["verdict"] in ("已完成", "逾期完成") else "未完成"
    value = num(r["latest_value"])
    if value is None:
        return "—"
    return f"{fmt_number(value, p)}（{r['latest_period']}）"


def note(r: dict, p: int, unit: str) -> str:
    """说明: why a value is missing, the gap to a reference, or the trend projection."""
    parts = []
    if text(r.get("reason")):
        parts.append(str(r["reason"]))
    gap = num(r.get("gap"))
    if r["kind"] == "relative" and gap is not None:
        parts.append(f"与参照值相差 {fmt_change(gap, p, unit)}")
    proj = num(r.get("projected_value"))
    meets = r.get("projected_meets")
    if (
        r["kind"] == "target"
        and proj is not None
        and r["verdict"] not in ("提前实现", "已实现", "未实现")
    ):
        outlook = "可实现目标" if meets is True else "难以实现目标"
        parts.append(
            f"按现有增速，{r['projected_period']}年预计 {fmt_number(proj, p, unit)}，{outlook}"
        )
    return "；".join(parts)


def display_rows(ws: Workspace, table: pd.DataFrame) -> list[dict]:
    """Formatted cells (keys = :data:`COLUMNS`), plus ``_indicator`` and ``_light``."""
    rows = []
    for r in table.to_dict(orient="records"):
        p = int(r["precision"])
        base = num(r["baseline_value"])
        verdict = text(r["verdict"]) or "无法评估"
        rows.append(
            {
                "序号": str(r["seq"]),
                "指标名称": r["name"],
                "单位": r["unit"],
                "属性": text(r["attribute"]) or "—",
                "基期值": "—" if r["kind"] == "milestone" else fmt_number(base, p),
                "目标值": _target(ws, r, p),
                "现状值": _latest(r, p),
                "完成进度": fmt_share(num(r["completion"])),
                "时序进度": fmt_share(num(r["time_share"])),
                "评价": verdict,
                "牵头部门": r["lead"],
                "说明": note(r, p, r["unit"]),
                "_indicator": r["indicator"],
                "_light": text(r["light"]) or "grey",
            }
        )
    return rows


# Light tints for shading the 评价 cell (print-friendly versions of present.LIGHT_COLOURS).
FILLS = {"green": "C8E6C9", "yellow": "FFF59D", "red": "FFCDD2", "grey": "E0E0E0"}
