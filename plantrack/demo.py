"""Deterministic synthetic demo data (示例数据，模拟，非官方统计).

Levels sit near the public figures in reference/figures.md; most targets are on schedule,
some lag, one moves away, and the 残联 governance ratios move in steps at the 2023 换届.
The same registry always gives the same numbers (seeded by a CRC of each indicator id).
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta
from typing import cast

import numpy as np
import pandas as pd

from plantrack.config import Indicator, Registry
from plantrack.formula import eval_formula, formula_names
from plantrack.periods import Period, parse_period

DEMO_USER = "示例数据生成器"
FIRST_YEAR, LAST_YEAR = 2020, 2025
DISTRICT_POPULATION = 903_714  # 2020 census (figures.md)

# How far along each target is by 2025 (share of the way from baseline to target).
# Anything not named here is on schedule. Synthetic, chosen to show every verdict.
SCENARIOS: dict[str, float] = {
    "fitness.regular_exercise_rate": 1.08,
    "fitness.sports_area_per_capita": 1.15,
    "fitness.instructors_per_10k": 0.72,
    "disabled.welfare_jobs_pwd_share": -0.25,
    "disabled.congress_delegates_pwd_share": 0.80,
}
# Plausible 2020 levels where the plan states no baseline (synthetic, near figures.md).
BASE_LEVELS: dict[str, float] = {
    "fitness.regular_exercise_rate": 37.5,
    "fitness.sports_area_per_capita": 2.2,
    "fitness.instructors_per_10k": 21.0,
    "disabled.welfare_jobs_pwd_share": 13.0,
    "fitness.fitness_pass_rate": 89.6,
    "fitness.fitness_pass_rate_city": 90.4,
    "fitness.open_school_facilities": 28,
    "fitness.fitness_events": 60,
    "fitness.sports_organisations": 45,
    "fitness.student_pe_hours": 0.85,
    "fitness.students_two_skills_rate": 82,
    "disabled.cdpf_staff_pwd_share": 20,
    "disabled.exec_meetings_on_disability": 1,
    "disabled.family_doctor_demand": 6000,
    "disabled.family_doctor_signing_rate": 88,
    "disabled.health_assessment_rate": 80,
    "disabled.rehab_service_coverage": 85,
    "disabled.villages_total": 180,
    "disabled.village_association_coverage": 78,
    "disabled.streets_with_rehab_station": 11,
    "disabled.streets_with_service_facility": 13,
}
# Series that do not move (the number of 村（居） is fixed by the boundaries).
CONSTANT = {"disabled.villages_total"}
# Governance ratios that move in steps at the 2023 换届 of the 残联 congress.
STEPPED = {
    "disabled.congress_delegates_pwd_share",
    "disabled.congress_model_grassroots_share",
    "disabled.presidium_pwd_share",
    "disabled.presidium_model_grassroots_share",
    "disabled.cdpf_staff_pwd_share",
}
# Growth by 2025 for series without a target (synthetic).
GROWTH: dict[str, float] = {
    "fitness.fitness_pass_rate": 1.02,
    "fitness.fitness_pass_rate_city": 1.008,
}


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(key.encode("utf-8")))


def _periods(ind: Indicator) -> list[Period]:
    years = range(FIRST_YEAR + 1, LAST_YEAR + 1)
    if ind.frequency == "year":
        return [Period(FIRST_YEAR), *(Period(y) for y in years)]
    return [Period(FIRST_YEAR), *(Period(y, q) for y in years for q in (1, 2, 3, 4))]


def _area_weights(reg: Registry) -> dict[str, float]:
    rng = _rng("areas")
    raw = rng.uniform(0.6, 1.6, len(reg.areas.subareas))
    shares = raw / raw.sum()
    return {a.code: float(s) for a, s in zip(reg.areas.subareas, shares, strict=True)}


def _base_and_goal(ind: Indicator) -> tuple[float, float]:
    """Baseline (2020) and the 2025 end value the demo series heads for."""
    target = ind.target.value if ind.target and ind.target.value is not None else None
    if ind.baseline is not None:
        base = ind.baseline.value / (ind.baseline.span_years or 1)
    elif ind.id in BASE_LEVELS:
        base = BASE_LEVELS[ind.id]
    elif target is not None:
        base = target * (0.85 if ind.direction == "up" else 1.15)
    else:
        base = 100.0
    if ind.id in CONSTANT:
        return base, base
    if target is None or target == base:
        growth = GROWTH.get(ind.id, 1.10 if ind.direction == "up" else 0.97)
        return base, base * growth
    return base, base + (target - base) * SCENARIOS.get(ind.id, 1.02)


def _path(ind: Indicator, periods: list[Period]) -> np.ndarray:
    """The district path over the periods, with a little seeded noise."""
    base, goal = _base_and_goal(ind)
    t = np.array([(p.index - Period(FIRST_YEAR).index) / 20 for p in periods])
    if ind.id in STEPPED:
        # governance ratios change only at the 换届 (2023)
        steps = np.where(np.array([p.year for p in periods]) >= 2023, 1.0, 0.0)
        return np.round(base + (goal - base) * steps, 1)
    noise = _rng(ind.id).normal(0, abs(goal - base) * 0.03 + 1e-9, len(periods))
    noise[0] = 0.0
    if ind.measure == "flow":
        # a flow accumulates over the year (年初至今): quarter q holds q/4 of the year's level
        years = np.array([(p.year - FIRST_YEAR) / 5 for p in periods])
        share = np.array([(p.quarter or 4) / 4 for p in periods])
        return _clip(ind, (base + (goal - base) * np.clip(years, 0, 1) + noise) * share)
    values = base + (goal - base) * np.clip(t, 0, 1) ** 0.9 + noise
    return _clip(ind, values)


def _clip(ind: Indicator, values: np.ndarray) -> np.ndarray:
    lo = ind.valid_range.min if ind.valid_range.min is not None else -np.inf
    hi = ind.valid_range.max if ind.valid_range.max is not None else np.inf
    digits = 0 if ind.precision == 0 else max(ind.precision, 2)
    return np.round(np.clip(values, lo, hi), digits)


def _population(reg: Registry) -> pd.DataFrame:
    rows = []
    for code, share in _area_weights(reg).items():
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            pop = DISTRICT_POPULATION * share * (1 + 0.004 * (year - FIRST_YEAR))
            rows.append(("common.population", code, str(year), round(pop)))
    return pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])


def _formula_parts(formula: str) -> tuple[str, str, float]:
    """Numerator, denominator and constant of ``num / den * k`` (k = 1 when absent)."""
    num, den = formula_names(formula)[:2]
    k = eval_formula(formula, {num: 1.0, den: 1.0})
    return num, den, float(k)


def _formula_components(reg: Registry, pop: pd.DataFrame) -> tuple[list[tuple], set[str]]:
    """Components of the formula indicators, generated so the formula follows the demo path:
    the denominator first (population, or its own series), then numerator = ratio × den / k."""
    rows: list[tuple] = []
    made: set[str] = set()
    weights = _area_weights(reg)
    by_id = {i.id: i for i in reg.indicators}
    for ratio in (i for i in reg.indicators if i.formula):
        num, den, k = _formula_parts(ratio.formula or "")
        if den == "common.population":
            den_rows = [tuple(r) for r in pop.itertuples(index=False)]
        else:
            den_rows = _area_rows(by_id[den], reg, weights)
            rows += den_rows
            made.add(den)
        den_by = {(r[1], r[2]): r[3] for r in den_rows}
        periods = _periods(by_id[num])
        path = _path(ratio, periods)
        rng = _rng(num)
        for code in weights:
            factor = rng.uniform(0.85, 1.15)
            level = _clip(ratio, path * factor)
            for p, v in zip(periods, level, strict=True):
                denom = den_by.get((code, str(p))) or den_by.get((code, str(p.year)), 0)
                rows.append((num, code, str(p), float(round(v * denom / k))))
        made.add(num)
    return rows, made


def _count_of_areas(
    ind: Indicator, reg: Registry, periods: list[Period], path: np.ndarray
) -> list[tuple]:
    """A target such as “17 街道全覆盖”: each 街道 reports 1 or 0, switched on in a fixed order."""
    order = [a.code for a in reg.areas.subareas]
    _rng(ind.id).shuffle(order)
    rows = []
    for p, v in zip(periods, path, strict=True):
        on = set(order[: int(round(v))])
        rows += [(ind.id, code, str(p), 1.0 if code in on else 0.0) for code in order]
    return rows


def _area_rows(ind: Indicator, reg: Registry, weights: dict[str, float]) -> list[tuple]:
    periods = _periods(ind)
    path = _path(ind, periods)
    district = reg.areas.district.code
    if ind.rollup.method == "none":
        return [(ind.id, district, str(p), float(v)) for p, v in zip(periods, path, strict=True)]
    rng = _rng(ind.id + "/areas")
    rows = []
    n_areas = len(reg.areas.subareas)
    if ind.rollup.method == "sum" and ind.target and ind.target.value == n_areas:
        return _count_of_areas(ind, reg, periods, path)
    if ind.rollup.method == "sum":
        for code, share in weights.items():
            scale = share * rng.uniform(0.85, 1.15)
            vals = _clip(ind, path * scale)
            rows += [
                (ind.id, code, str(p), float(round(v))) for p, v in zip(periods, vals, strict=True)
            ]
        return rows
    offsets = {code: rng.normal(0, 0.04) for code in weights}
    area_vals = {code: _clip(ind, path * (1 + off)) for code, off in offsets.items()}
    for code, vals in area_vals.items():
        rows += [(ind.id, code, str(p), float(v)) for p, v in zip(periods, vals, strict=True)]
    mean = cast(
        np.ndarray, sum(weights[c] * v for c, v in area_vals.items()) / sum(weights.values())
    )
    rows += [
        (ind.id, district, str(p), float(v)) for p, v in zip(periods, _clip(ind, mean), strict=True)
    ]
    return rows


def generate(reg: Registry) -> pd.DataFrame:
    """Every demo observation: indicator, area, period, period_end, value, note."""
    weights = _area_weights(reg)
    pop = _population(reg)
    rows: list[tuple] = [tuple(r) for r in pop.itertuples(index=False)]
    components, generated = _formula_components(reg, pop)
    rows += components
    generated.add("common.population")
    for ind in reg.indicators:
        if ind.kind == "milestone" or not ind.uploadable or ind.id in generated:
            continue
        rows += _area_rows(ind, reg, weights)
    df = pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])
    df["period_end"] = [parse_period(p).end for p in df["period"]]  # type: ignore[union-attr]
    df["note"] = None
    return df.sort_values(["period_end", "indicator", "area"], kind="stable", ignore_index=True)


def demo_batches(df: pd.DataFrame) -> list[tuple[datetime, pd.DataFrame]]:
    """Split the demo into the quarterly uploads that would have produced it.

    Each period's values arrive 20 days after the period ends, so vintages ("known on")
    show what was known at each date.
    """
    out = []
    for end, part in df.groupby("period_end", sort=True):
        end_day = cast(date, end)  # period_end holds dates
        when = datetime.combine(end_day + timedelta(days=20), datetime.min.time()).replace(hour=10)
        out.append((when, part))
    return out


def demo_revision(df: pd.DataFrame, district: str) -> pd.DataFrame | None:
    """One corrected figure (a revision with a reason), to show the revision history."""
    target = df[(df["indicator"] == "fitness.regular_exercise_rate") & (df["period"] == "2023Q2")]
    target = target[target["area"] == district]
    if target.empty:
        return None
    fixed = target.copy()
    fixed["value"] = (fixed["value"] + 0.4).round(2)
    fixed["note"] = "示例：补录抽样调查后更正"
    return fixed


def demo_revision_time() -> datetime:
    return datetime(2023, 9, 15, 10, 0)


def as_of_default() -> date:
    return date.today()
