"""Formatting for Chinese readers: numbers with 千分位, percentages, verdict labels and icons.

Pure functions (no Streamlit), shared by the dashboard, the CLI and the report.
"""

from __future__ import annotations

import math

# Verdict → (light, icon, sort rank for 需关注). Icons carry the meaning in grey-scale print.
VERDICTS: dict[str, tuple[str, str, int]] = {
    "逆向": ("red", "⬇", 0),
    "未实现": ("red", "✖", 1),
    "逾期": ("red", "⏰", 2),
    "滞后": ("yellow", "▼", 3),
    "未达标": ("red", "✖", 4),
    "逾期完成": ("yellow", "◐", 5),
    "基本符合预期": ("green", "●", 6),
    "快于预期": ("green", "▲", 7),
    "进行中": ("grey", "…", 8),
    "提前实现": ("green", "★", 9),
    "已实现": ("green", "✔", 10),
    "已达标": ("green", "✔", 11),
    "已完成": ("green", "✔", 12),
    "监测": ("grey", "〰", 13),
    "无法评估": ("grey", "？", 14),
}
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#9e9e9e"}
LIGHT_DOTS = {"green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪"}
ATTENTION = ("逆向", "未实现", "逾期", "滞后", "未达标")


def verdict_icon(verdict: str) -> str:
    return VERDICTS.get(verdict, ("grey", "？", 99))[1]


def verdict_rank(verdict: str) -> int:
    return VERDICTS.get(verdict, ("grey", "？", 99))[2]


def fmt_number(value: float | None, precision: int = 1, unit: str = "") -> str:
    """``1234567.8`` → ``1,234,567.8``; None/NaN → ``—``; a ``%`` unit is appended."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "—"
    text = f"{value:,.{precision}f}"
    if unit == "%":
        return text + "%"
    return f"{text} {unit}".rstrip() if unit else text


def fmt_share(value: float | None, precision: int = 1) -> str:
    """A ratio (0.6) as a percentage (60.0%)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.{precision}f}%"


def fmt_target(comparator: str | None, value: float | None, unit: str, precision: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = {">=": "≥", "<=": "≤", "==": "="}.get(comparator or "", "")
    return f"{sign}{fmt_number(value, precision, unit)}"
