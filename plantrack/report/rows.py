"""The 主要指标完成情况 table as readers see it: one dict of formatted cells per indicator."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from plantrack.assess.rules import Reason
from plantrack.present import fmt_number, fmt_share, fmt_target
from plantrack.report.wording import amount, period_text, reference_label, relative
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
WIDTHS = [5, 14, 6, 6, 6, 9, 12, 7, 7, 8, 11, 13]
# Batch sources in words (批次 表, Excel appendix).
SOURCES = {"upload": "上报", "demo": "示例", "rollback": "撤回", "form": "表单", "task": "任务"}


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


# Reasons that are the computation's own business (methods in the appendix), not a reader's.
TECHNICAL_REASONS = {
    Reason.KEEP_COMPLETION,
    Reason.KEEP_GROWTH,
    Reason.BASE_NONPOSITIVE,
    Reason.LATEST_NONPOSITIVE,
    Reason.TARGET_NEGATIVE,
    Reason.ZERO_REQUIRED_GROWTH,
    Reason.LATEST_AFTER_TARGET,
}
PLAIN_REASONS = {
    Reason.NO_LATEST: "截至评估基准日尚无数据",
    Reason.NO_BASE: "缺少基期数据",
    Reason.LATEST_NOT_AFTER_BASE: "尚无基期以后的数据",
    Reason.NO_REFERENCE_VALUE: "参照值缺少同期数据",
    Reason.OVERFLOW: "数值异常，无法计算",
}


def clean_reason(reason: object) -> str:
    """The assessment's reason in plain words: technical notes left out, each said once."""
    if not isinstance(reason, str) or not reason:
        return ""
    out: list[str] = []
    for part in reason.split(Reason.SEPARATOR):
        if part in TECHNICAL_REASONS:
            continue
        part = PLAIN_REASONS.get(part, part)
        if part not in out:
            out.append(part)
    return "；".join(out)


def _target(ws: Workspace, r: dict, p: int) -> str:
    ind = ws.indicators[r["indicator"]]
    if r["kind"] == "milestone":
        return f"{ind.deadline.year}年{ind.deadline.month}月前完成" if ind.deadline else "完成"
    if r["kind"] == "relative":
        return ind.target.text if ind.target else "—"
    return fmt_target(text(r["comparator"]), num(r["target_value"]), "", p)


def _latest(r: dict, p: int) -> str:
    if r["kind"] == "milestone":
        return "已完成" if r["verdict"] in ("已完成", "逾期完成") else "未完成"
    value = num(r["latest_value"])
    if value is None:
        return "—"
    return f"{fmt_number(value, p)}（{period_text(r['latest_period'])}）"


def note(r: dict, p: int, unit: str, final: bool = False, reference: str = "参照值") -> str:
    """说明: why a value is missing, the gap to a reference, or (before the plan's end) the
    trend projection — in plain words, never the computation's internal notes."""
    parts = []
    reason = clean_reason(r.get("reason"))
    if reason:
        parts.append(reason)
    gap = num(r.get("gap"))
    if r["kind"] == "relative" and gap is not None:
        parts.append(relative(gap, p, unit, reference))
    proj = num(r.get("projected_value"))
    meets = r.get("projected_meets")
    if (
        not final
        and r["kind"] == "target"
        and proj is not None
        and r["verdict"] not in ("提前实现", "已实现", "未实现")
    ):
        outlook = "可实现目标" if meets is True else "难以实现目标"
        parts.append(f"按现有增速，{r['projected_period']}年预计{amount(proj, p, unit)}，{outlook}")
    return "；".join(parts)


def display_rows(ws: Workspace, table: pd.DataFrame, final: bool = False) -> list[dict]:
    """Formatted cells (keys = :data:`COLUMNS`), plus ``_indicator``, ``_light``, ``_plan``,
    ``_kind`` and the numbers behind the cells (``_values``) for the Excel appendix."""
    rows = []
    for r in table.to_dict(orient="records"):
        ind = ws.indicators[r["indicator"]]
        ref_id = ind.target.reference if ind.target else None
        ref = reference_label(ws.indicators[ref_id].name) if ref_id in ws.indicators else "参照值"
        p = int(r["precision"])
        base = num(r["baseline_value"])
        verdict = text(r["verdict"]) or "无法评估"
        if final and verdict == "逾期":  # 总结评估: past the plan's end, said as 未完成
            verdict = "未完成"
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
                "说明": note(r, p, r["unit"], final, ref),
                "_indicator": r["indicator"],
                "_light": text(r["light"]) or "grey",
                "_plan": r["plan"],
                "_kind": r["kind"],
                "_precision": p,
            }
        )
    return rows


# Light tints for shading the 评价 cell (print-friendly versions of present.LIGHT_COLOURS).
FILLS = {"green": "C8E6C9", "yellow": "FFF59D", "red": "FFCDD2", "grey": "E0E0E0"}
