"""How the report words things: periods, quotes, directions, precision, 街道 names.

Pure helpers shared by the narrative, the table rows, the charts and the writers, so every
format says the same thing the same way (GB/T 15834 punctuation, 四舍五入 at one precision per
indicator, 提高/降低 rather than 变动, periods as 2023年四季度).
"""

from __future__ import annotations

from decimal import Decimal

from plantrack.periods import parse_period
from plantrack.present import fmt_change, fmt_number

QUARTERS = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}
MAX_FIT_DECIMALS = 3
DEMO_MARK = "示例数据（模拟，非官方统计）"


def period_text(period: object) -> str:
    """``2023Q4`` → 2023年四季度, ``2023`` → 2023年; anything else as it is."""
    p = parse_period(period)
    if p is None:
        return "" if period is None else str(period)
    if p.month:
        return f"{p.year}年{p.month}月"
    return f"{p.year}年{QUARTERS[p.quarter]}" if p.quarter else f"{p.year}年"


def quote(text: str) -> str:
    """“text”, with quotes inside it turned into single quotes (‘’) as GB/T 15834 nests them."""
    inner = text.replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def decimals(value: float | None) -> int:
    """Decimal places of the shortest form of ``value`` (0.85 → 2, 30.0 → 0)."""
    if value is None:
        return 0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def fit_precision(
    precision: int,
    *configured: float | None,
    observed: tuple[float | None, ...] = (),
    target: float | None = None,
    met: bool | None = None,
) -> int:
    """One precision per indicator that fits its values, at most 3 decimals.

    It shows the configured base and target exactly; an observed value that rounding would
    move by more than 1 % gets the decimals it needs (0.85→0.95 at 1 decimal would print
    0.9→1.0 beside “≥1.0” — it becomes 2); and a value short of its target never rounds onto it.
    """
    need = max([decimals(v) for v in configured if v is not None] + [0])
    p = max(precision, min(need, MAX_FIT_DECIMALS))
    for v in observed:  # a short value that rounding would move by more than 1 %
        while (
            v
            and p < min(decimals(v), MAX_FIT_DECIMALS)
            and abs(float(fmt_number(v, p).replace(",", "")) - v) > 0.01 * abs(v)
        ):
            p += 1
    latest = observed[-1] if observed else None
    if met is False and latest is not None and target is not None:
        while p < MAX_FIT_DECIMALS and fmt_number(latest, p) == fmt_number(target, p):
            p += 1
    return p


def amount(value: float, precision: int, unit: str) -> str:
    """A magnitude with its unit, no space (39.7%, 2.42平方米, 1.1个百分点 for a % change)."""
    return fmt_number(value, precision, unit).replace(" ", "")


def change(value: float, precision: int, unit: str) -> str:
    """A difference: 百分点 for a percentage (no space)."""
    return fmt_change(value, precision, unit).replace(" ", "")


def moved(delta: float, precision: int, unit: str) -> str:
    """提高1.2个百分点 / 降低0.3平方米 / 持平 — the word follows the sign, not “变动”."""
    if fmt_number(abs(delta), precision) == fmt_number(0.0, precision):
        return "持平"
    return ("提高" if delta > 0 else "降低") + change(abs(delta), precision, unit)


def relative(gap: float, precision: int, unit: str, reference: str) -> str:
    """高于全市平均水平1.1个百分点 / 低于… / 与…持平."""
    if fmt_number(abs(gap), precision) == fmt_number(0.0, precision):
        return f"与{reference}持平"
    return f"{'高于' if gap > 0 else '低于'}{reference}{change(abs(gap), precision, unit)}"


def reference_label(name: str) -> str:
    """How a relative target's reference series is called in prose (全市平均水平 …)."""
    if "全市" in name:
        return "全市平均水平"
    return name.replace("（参照）", "")


def title_names(names: list[str]) -> str:
    """《A》《B》: no 顿号 between 书名号 (GB/T 15834 4.15)."""
    return "".join(f"《{n}》" for n in names)
