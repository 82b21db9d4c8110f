"""Formatting for Chinese readers: numbers with 千分位, percentages, verdict labels and icons.

Pure functions (no Streamlit), shared by the dashboard, the CLI and the report.

Verdicts are never told by colour alone: each has an icon (★ ▲ ● ▼ ↓ × …) that survives
grey-scale print, and bars in charts carry a fill pattern per light (:data:`LIGHT_PATTERNS`).
Every icon is a plain text character that Noto Sans CJK draws: none needs an emoji font.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

# Verdict → (light, icon, sort rank for 需关注). Icons carry the meaning in grey-scale print.
VERDICTS: dict[str, tuple[str, str, int]] = {
    "逆向": ("red", "↓", 0),
    "未实现": ("red", "×", 1),
    "未保持": ("red", "×", 1),
    "逾期": ("red", "！", 2),
    "滞后": ("yellow", "▼", 3),
    "未达标": ("red", "×", 4),
    "逾期完成": ("yellow", "◐", 5),
    "基本符合预期": ("green", "●", 6),
    "快于预期": ("green", "▲", 7),
    "进行中": ("grey", "…", 8),
    "提前实现": ("green", "★", 9),
    "已实现": ("green", "✓", 10),
    "已达标": ("green", "✓", 11),
    "已完成": ("green", "✓", 12),
    "监测": ("grey", "～", 13),
    "无法评估": ("grey", "？", 14),
}
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#9e9e9e"}
# A shape per light (text characters, not emoji): the light is not told by colour alone.
LIGHT_DOTS = {"green": "●", "yellow": "◆", "red": "■", "grey": "○"}
# Bar fill patterns (plotly ``marker.pattern.shape``): red and yellow still differ in grey print.
LIGHT_PATTERNS = {"green": "", "yellow": "/", "red": "x", "grey": "."}
LIGHT_RANK = {"red": 0, "yellow": 1, "grey": 2, "green": 3}
ATTENTION = ("逆向", "未实现", "未保持", "逾期", "滞后", "未达标")
NO_VALUE = "—"


def verdict_icon(verdict: str) -> str:
    return VERDICTS.get(verdict, ("grey", "？", 99))[1]


def verdict_rank(verdict: str) -> int:
    return VERDICTS.get(verdict, ("grey", "？", 99))[2]


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))


def round_half_up(value: float, precision: int, scale: int = 0) -> Decimal:
    """四舍五入 of ``value × 10**scale`` at ``precision`` decimals, from the shortest decimal
    form of the float (0.85 → 0.9, 2.675 → 2.68, −0.25 → −0.3); never ``-0``."""
    d = Decimal(repr(float(value))).scaleb(scale)
    q = d.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    return q.copy_abs() if q.is_zero() else q


def fmt_number(value: float | None, precision: int = 1, unit: str = "") -> str:
    """``1234567.8`` → ``1,234,567.8`` (四舍五入); None/NaN → ``—``; a ``%`` unit is appended."""
    if _missing(value):
        return NO_VALUE
    text = f"{round_half_up(value, precision):,.{precision}f}"  # type: ignore[arg-type]
    if unit == "%":
        return text + "%"
    return f"{text} {unit}".rstrip() if unit else text


def fmt_change(value: float | None, precision: int = 1, unit: str = "") -> str:
    """A difference of two values: for a percentage it is in 百分点 (41% − 39% = 2 个百分点)."""
    if unit == "%":
        text = fmt_number(value, precision)
        return text if text == "—" else f"{text} 个百分点"
    return fmt_number(value, precision, unit)


def fmt_share(value: float | None, precision: int = 1) -> str:
    """A ratio (0.6) as a percentage (60.0%), 四舍五入."""
    if value is None or _missing(value):
        return NO_VALUE
    return f"{round_half_up(value, precision, scale=2):.{precision}f}%"


def fmt_target(comparator: str | None, value: float | None, unit: str, precision: int) -> str:
    if _missing(value):
        return NO_VALUE
    sign = {">=": "≥", "<=": "≤", "==": "="}.get(comparator or "", "")
    return f"{sign}{fmt_number(value, precision, unit)}"


def fmt_numbers(values: Iterable, precisions: Iterable, units: Iterable) -> list[str]:
    """:func:`fmt_number` over columns (a table's latest values, each with its own unit)."""
    return [
        fmt_number(None if _missing(v) else float(v), int(p), u or "")
        for v, p, u in zip(values, precisions, units, strict=True)
    ]


def fmt_targets(
    comparators: Iterable, values: Iterable, units: Iterable, precisions: Iterable
) -> list[str]:
    """:func:`fmt_target` over columns."""
    return [
        fmt_target(None if _missing(c) else c, None if _missing(v) else float(v), u or "", int(p))
        for c, v, u, p in zip(comparators, values, units, precisions, strict=True)
    ]


def attention(table: pd.DataFrame) -> pd.DataFrame:
    """需关注: rows whose verdict needs action, most urgent first.

    Moving away (逆向) first, then missed / overdue / lagging (the rank in :data:`VERDICTS`);
    within a verdict 约束性 before 预期性, red before yellow, then the registry's order.
    """
    hit = table[table["verdict"].isin(ATTENTION)]
    if hit.empty:
        return hit
    keys = pd.DataFrame(
        {
            "rank": hit["verdict"].map(verdict_rank),
            "binding": (hit["attribute"] != "约束性").astype(int),
            "light": hit["light"].map(LIGHT_RANK).fillna(9),
            "order": hit["order"] if "order" in hit else range(len(hit)),
        },
        index=hit.index,
    )
    order = keys.sort_values(["rank", "binding", "light", "order"], kind="stable").index
    return hit.loc[order]


def verdict_counts(table: pd.DataFrame) -> pd.Series:
    """How many rows have each verdict, in the order of :data:`VERDICTS` (worst first)."""
    counts = table["verdict"].fillna("无法评估").value_counts()
    return counts.loc[sorted(counts.index, key=verdict_rank)].astype(int)
