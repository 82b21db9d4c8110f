"""Requirements that hold in every year of a plan (“每年至少研究一次”), judged year by year.

Such a target is not reached once and for all: each complete year from the plan's first year
to the as-of date (and at most to the target year) needs its own value (the annual value, or
the Q4 one) to meet the requirement. Before the target year ends every year so far met is
已达标, a missed year 未达标; at the end 已实现 / 未实现. There is no completion ratio and no
trend projection; the reason names the years met, missed and missing, in plain Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from plantrack.assess.core import is_met
from plantrack.assess.rules import Light, Verdict
from plantrack.periods import Period


def _years(years: list[int]) -> str:
    """2021, 2022, 2023 → 2021—2023年; 2021, 2023 → 2021年、2023年."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}年"
    return "、".join(f"{y}年" for y in years)


def year_values(observations: Sequence[tuple[Period, float]]) -> dict[int, float]:
    """One value per year: the annual value, else the one ending in December (a full year)."""
    out: dict[int, tuple[bool, float]] = {}
    for p, v in observations:
        full_year = p.is_annual or p.end_month == 12  # a year, its Q4 or its December
        if full_year and (p.year not in out or (p.is_annual and not out[p.year][0])):
            out[p.year] = (p.is_annual, float(v))
    return {y: v for y, (_, v) in out.items()}


def assess_each_year(
    observations: Sequence[tuple[Period, float]],
    target: float,
    comparator: str,
    tolerance: float,
    first_year: int,
    target_year: int,
    as_of: date,
) -> dict:
    """Verdict, light and reason of an every-year requirement (fields of an Assessment)."""
    values = year_values([(p, v) for p, v in observations if p.end <= as_of])
    last = min(target_year, as_of.year if as_of >= date(as_of.year, 12, 31) else as_of.year - 1)
    years = list(range(first_year, last + 1))
    met = [y for y in years if y in values and is_met(values[y], target, comparator, tolerance)]
    missed = [y for y in years if y in values and y not in met]
    missing = [y for y in years if y not in values]
    final = as_of >= date(target_year, 12, 31)
    parts = []
    if met:
        parts.append(f"{_years(met)}达到要求")
    if missed:
        parts.append(f"{_years(missed)}未达到要求")
    if missing:
        parts.append(f"{_years(missing)}缺少数据")
    empty = {
        "completion": None,
        "cagr_ratio": None,
        "cagr_class": None,
        "projected_value": None,
        "projected_period": None,
        "projected_meets": None,
    }
    if not met and not missed:
        reason = "逐年要求，尚无完整年度的数据" if not years else "；".join(parts)
        return empty | {"verdict": Verdict.NA, "light": Light.GREY, "reason": reason}
    if missed:
        verdict = Verdict.MISSED if final else Verdict.REL_MISSED
        light = Light.RED
    else:
        verdict = Verdict.MET if final else Verdict.REL_MET
        light = Light.GREEN if not missing else Light.YELLOW
    return empty | {"verdict": verdict, "light": light, "reason": "逐年要求：" + "，".join(parts)}
