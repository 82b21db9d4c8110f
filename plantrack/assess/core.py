"""One indicator in one area: the reference (scalar) implementation of methods.md.

:func:`assess_one` is the readable statement of every rule; :mod:`.frame` computes the
same numbers over whole tables and is tested against it.

Readings of methods.md chosen here (documented so an evaluator can recompute by hand):

- **Observations used**: finite values whose period ends on or before the as-of date. The
  latest is the one with the latest end; a year and its Q4 end together and the year wins;
  among exact duplicates the later in the input wins. The same order picks the baseline
  (the observation ending with the base period) and a relative indicator's reference value.
- **Time**: t_asof is the quarter containing the as-of date (``period_of_date``); the plan is
  over ("at or after T") when t_asof does not end before T, i.e. τ = 1. Then met → 已实现,
  not met → 未实现 in place of 滞后 / 基本符合预期 / 快于预期; 逆向 stays 逆向 (§1 rule 7 names
  only those three). A "keep" target (x* = x_b) not met is 滞后 (yellow), or 未实现 after T.
- **Flows** (§6): the latest value of a flow in quarter q < 4 is year-to-date. It is assessed
  against the pro-rated base and target, x_b·q/4 and x*·q/4; equivalently its annualised
  value x_t·4/q is compared with x_b and x*. So met ⇔ x_t ≥ x*·q/4, completion
  ρ = (x_t·4/q − x_b) / (x* − x_b) (= x_t / (x*·q/4) when x_b = 0), and the growth ratio and
  projection use x_t·4/q. Annual values and Q4 values (a full year) are used as they are.
  ``latest_value`` reports the value as uploaded.
- **Monitor** indicators without a base period measure growth from their earliest
  observation; their ``cagr_ratio`` holds v = d · CAGR_obs (§2).
- **Base already past the target** (x_b meets x* and x* ≠ x_b, e.g. base 1.55 against
  ≥ 1.5): read as a keep-the-target case, since §1's completion would call any fall towards
  the target "progress". Met → 已实现 (green) at any date; not met → 未保持 (red); no
  completion ratio (reason :data:`Reason.BASE_PAST_TARGET`); the growth ratio is reported
  as it is.
- **Relative-to-base targets** (``target_change_pct``): x* = x_b · (1 + pct/100) with the
  area's own x_b, then assessed like any target.
- **As-of date inside the base period** (as_of ≤ the base period's end): 无法评估 with
  :data:`Reason.AS_OF_IN_BASE`, whatever data exist.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import numpy as np

from plantrack.assess import growth
from plantrack.assess.rules import EPS, Assessment, Light, Reason, Rule, Verdict
from plantrack.periods import MONTHS_PER_YEAR as YEAR
from plantrack.periods import Period, period_of_date


@dataclass(frozen=True)
class Point:
    """A usable observation: its period and value."""

    period: Period
    value: float


def usable(observations: Sequence[tuple[Period, float]], as_of: date) -> list[Point]:
    """Finite observations whose period ends on or before the as-of date, in input order."""
    return [
        Point(p, float(v))
        for p, v in observations
        if v is not None and math.isfinite(v) and p.end <= as_of
    ]


def _pick(points: list[Point]) -> Point | None:
    """The preferred point among points with the same end: a year, then a quarter, then a
    month; among equals the last."""
    best: Point | None = None
    for pt in points:
        if best is None or pt.period.rank >= best.period.rank:
            best = pt
    return best


def at_end(points: list[Point], index: int) -> Point | None:
    """The observation whose period ends with the period of index ``index`` (months)."""
    return _pick([pt for pt in points if pt.period.index == index])


def latest(points: list[Point]) -> Point | None:
    """The last observation (methods.md Notation: x_t)."""
    return at_end(points, max(pt.period.index for pt in points)) if points else None


def earliest(points: list[Point]) -> Point | None:
    """The first observation (a monitor indicator's fallback base)."""
    return at_end(points, min(pt.period.index for pt in points)) if points else None


def baseline(rule: Rule, points: list[Point]) -> tuple[float, str | None, int | None] | None:
    """x_b with the period it stands for and that period's index, or None."""
    if rule.base_value is not None:
        b = rule.base_period
        return rule.base_value, (str(b) if b else None), (b.index if b else None)
    if rule.base_period is not None:
        pt = at_end(points, rule.base_period.index)
    elif rule.kind == "monitor":
        pt = earliest(points)
    else:
        pt = None
    return (pt.value, str(pt.period), pt.period.index) if pt else None


def time_share(base: Period, target: Period, as_of: date) -> float:
    """τ = elapsed(b, t_asof) / elapsed(b, T), clipped to [0, 1] (§1); needs T after b."""
    tau = (period_of_date(as_of).index - base.index) / (target.index - base.index)
    return min(max(tau, 0.0), 1.0)


def is_met(x: float, x_star: float, comparator: str, tolerance: float = 0.0) -> bool:
    """Whether x satisfies the comparator against x* (Notation), with the 1e-9 tolerance."""
    if comparator == ">=":
        return x >= x_star - EPS
    if comparator == "<=":
        return x <= x_star + EPS
    return abs(x - x_star) <= tolerance + EPS


def met_array(x: np.ndarray, x_star: np.ndarray, cmp: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Vectorised :func:`is_met`; ``cmp`` codes 0 ``>=``, 1 ``<=``, 2 ``==``."""
    eq = np.abs(x - x_star) <= tol + EPS
    return np.select([cmp == 0, cmp == 1], [x >= x_star - EPS, x <= x_star + EPS], eq)


def effective_value(rule: Rule, pt: Point) -> float:
    """x_t as assessed: a flow's year-to-date value in quarter q < 4 annualised by 4/q (§6),
    in month m < 12 by 12/m."""
    part = pt.period.part
    if rule.measure == "flow" and part is not None and part[0] < part[1]:
        return pt.value * float(part[1]) / part[0]
    return pt.value


def target_verdict(
    met: bool,
    keep: bool,
    final: bool,
    rho: float,
    tau: float,
    delta: float,
    delta_red: float,
    past: bool = False,
) -> tuple[str, str]:
    """Verdict and light of an assessable target indicator (§1 rules 2–7); ``past``: the base
    already met the target (module docstring)."""
    if past:
        return (Verdict.MET, Light.GREEN) if met else (Verdict.NOT_KEPT, Light.RED)
    if met:
        return (Verdict.MET if final else Verdict.EARLY), Light.GREEN
    if keep:
        return (Verdict.MISSED, Light.RED) if final else (Verdict.LAGGING, Light.YELLOW)
    if rho < -EPS:
        return Verdict.REVERSE, Light.RED
    if final:
        return Verdict.MISSED, Light.RED
    if rho >= tau + delta - EPS:
        return Verdict.FAST, Light.GREEN
    if rho >= tau - delta - EPS:
        return Verdict.ON_TRACK, Light.GREEN
    return Verdict.LAGGING, (Light.YELLOW if rho >= tau - delta_red - EPS else Light.RED)


def _finite(x: float | None, reasons: list[str]) -> float | None:
    """x, or None (noting the overflow once) when it is not finite."""
    if x is None or math.isfinite(x):
        return x
    if Reason.OVERFLOW not in reasons:
        reasons.append(Reason.OVERFLOW)
    return None


def _primary_target_reason(
    rule: Rule, last: Point | None, base: tuple | None, as_of: date
) -> str | None:
    """§1 rule 1 and the incomplete-rule cases: why a target cannot be assessed."""
    b, t_star = rule.base_period, rule.target_period
    if rule.target_value is None and rule.target_change_pct is None:
        return Reason.NO_TARGET_VALUE
    if t_star is None:
        return Reason.NO_TARGET_PERIOD
    if b is None:
        return Reason.NO_BASE_PERIOD
    if t_star.index <= b.index:
        return Reason.TARGET_NOT_AFTER_BASE
    if as_of <= b.end:
        return Reason.AS_OF_IN_BASE
    if last is None:
        return Reason.NO_LATEST
    if base is None:
        return Reason.NO_BASE
    if last.period.index <= b.index:
        return Reason.LATEST_NOT_AFTER_BASE
    return None


def _assess_target(rule: Rule, last: Point | None, base: tuple | None, as_of: date) -> dict:
    b, t_star = rule.base_period, rule.target_period
    out: dict = {}
    if b is not None and t_star is not None and t_star.index > b.index:
        out["time_share"] = time_share(b, t_star, as_of)
    primary = _primary_target_reason(rule, last, base, as_of)
    if primary is not None:
        return out | {"verdict": Verdict.NA, "light": Light.GREY, "reason": primary}
    assert last is not None and base is not None and b is not None and t_star is not None
    x_b, x = base[0], effective_value(rule, last)
    x_star = target_of(rule, x_b)
    # never None for the target kind
    comparator, tau = cast(str, rule.effective_comparator), out["time_share"]
    met, keep = is_met(x, x_star, comparator, rule.tolerance), x_star == x_b
    past = not keep and is_met(x_b, x_star, comparator, rule.tolerance)
    final = period_of_date(as_of).index >= t_star.index
    rho = math.nan if keep or past else (x - x_b) / (x_star - x_b)
    verdict, light = target_verdict(met, keep, final, rho, tau, rule.delta, rule.delta_red, past)
    reasons = [Reason.KEEP_COMPLETION] if keep else [Reason.BASE_PAST_TARGET] if past else []
    t_idx = last.period.index
    g_obs, ratio, why = growth.growth_ratio(
        x_b, x, x_star, (t_idx - b.index) / YEAR, (t_star.index - b.index) / YEAR, rule.direction
    )
    if why:
        reasons.append(why)
    proj = None
    if g_obs is not None and t_idx > t_star.index:
        reasons.append(Reason.LATEST_AFTER_TARGET)
    elif g_obs is not None:
        proj = growth.bound(
            growth.project(x, g_obs, (t_star.index - t_idx) / YEAR), rule.proj_min, rule.proj_max
        )
    completion = None if keep or past else _finite(rho, reasons)
    ratio, proj = _finite(ratio, reasons), _finite(proj, reasons)
    return out | {
        "target_value": _finite(x_star, reasons),
        "verdict": verdict,
        "light": light,
        "completion": completion,
        "cagr_ratio": ratio,
        "cagr_class": growth.ratio_class(ratio, met),
        "projected_value": proj,
        "projected_period": str(t_star) if proj is not None else None,
        "projected_meets": is_met(proj, x_star, comparator, rule.tolerance)
        if proj is not None
        else None,
        "reason": Reason.SEPARATOR.join(reasons) or None,
    }


def target_of(rule: Rule, x_b: float) -> float:
    """x*: the rule's target value, or the area's own base changed by ``target_change_pct``."""
    if rule.target_value is not None:
        return float(rule.target_value)
    assert rule.target_change_pct is not None
    return x_b * (1.0 + rule.target_change_pct / 100.0)


def _assess_monitor(rule: Rule, last: Point | None, base: tuple | None) -> dict:
    if last is None:
        return {"verdict": Verdict.NA, "light": Light.GREY, "reason": Reason.NO_LATEST}
    reasons: list[str] = []
    g_obs, rate, proj = None, None, None
    t_idx, t_star = last.period.index, rule.target_period
    if base is None:
        reasons.append(Reason.NO_BASE)
    elif base[2] is None:
        reasons.append(Reason.NO_BASE_PERIOD)
    elif t_idx <= base[2]:
        reasons.append(Reason.LATEST_NOT_AFTER_BASE)
    else:
        x = effective_value(rule, last)
        g_obs, why = growth.observed_growth(base[0], x, (t_idx - base[2]) / YEAR)
        if why is not None:
            reasons.append(why)
        else:
            assert g_obs is not None  # observed_growth gives either a growth or a reason
            rate = rule.direction * g_obs
            if t_star is not None and t_idx > t_star.index:
                reasons.append(Reason.LATEST_AFTER_TARGET)
            elif t_star is not None:
                proj = growth.bound(
                    growth.project(x, g_obs, (t_star.index - t_idx) / YEAR),
                    rule.proj_min,
                    rule.proj_max,
                )
    rate, proj = _finite(rate, reasons), _finite(proj, reasons)
    return {
        "verdict": Verdict.MONITOR,
        "light": Light.GREY,
        "cagr_ratio": rate,
        "cagr_class": growth.monitor_class(rate),
        "projected_value": proj,
        "projected_period": str(t_star) if proj is not None and t_star else None,
        "reason": Reason.SEPARATOR.join(reasons) or None,
    }


def _assess_relative(rule: Rule, last: Point | None, reference: list[Point]) -> dict:
    na = {"verdict": Verdict.NA, "light": Light.GREY}
    if rule.reference is None:
        return na | {"reason": Reason.NO_REFERENCE_RULE}
    if last is None:
        return na | {"reason": Reason.NO_LATEST}
    ref = at_end(reference, last.period.index)
    if ref is None:
        return na | {"reason": Reason.NO_REFERENCE_VALUE}
    # never None for the relative kind
    met = is_met(last.value, ref.value, cast(str, rule.effective_comparator), rule.tolerance)
    reasons: list[str] = []
    return {
        "verdict": Verdict.REL_MET if met else Verdict.REL_MISSED,
        "light": Light.GREEN if met else Light.RED,
        "gap": _finite(last.value - ref.value, reasons),
        "reason": Reason.SEPARATOR.join(reasons) or None,
    }


def milestone_verdict(deadline: date | None, done: date | None, as_of: date) -> tuple[str, str]:
    """§4 milestone: done (late when after the deadline), overdue, or in progress."""
    if done is not None and done <= as_of:
        late = deadline is not None and done > deadline
        return (Verdict.DONE_LATE, Light.YELLOW) if late else (Verdict.DONE, Light.GREEN)
    if deadline is not None and as_of > deadline:
        return Verdict.OVERDUE, Light.RED
    return Verdict.PENDING, Light.GREY


def assess_one(
    rule: Rule,
    area: str,
    observations: Sequence[tuple[Period, float]],
    as_of: date,
    reference: Sequence[tuple[Period, float]] = (),
    milestone_done: date | None = None,
) -> Assessment:
    """Assess one indicator in one area as of a date (methods.md §1–§4, §6).

    ``observations`` are the current values (any order, quarters and/or years);
    ``reference`` is the reference series for the same area (relative kind);
    ``milestone_done`` the date a milestone was done, if it was.
    """
    points = usable(observations, as_of)
    last, base = latest(points), baseline(rule, points)
    if rule.kind == "target":
        specific = _assess_target(rule, last, base, as_of)
    elif rule.kind == "monitor":
        specific = _assess_monitor(rule, last, base)
    elif rule.kind == "relative":
        specific = _assess_relative(rule, last, usable(reference, as_of))
    else:
        verdict, light = milestone_verdict(rule.deadline, milestone_done, as_of)
        specific = {"verdict": verdict, "light": light}
    fields: dict = {
        "indicator": rule.id,
        "area": area,
        "kind": rule.kind,
        "direction": rule.direction,
        "baseline_value": base[0] if base else None,
        "baseline_period": base[1] if base else None,
        "latest_value": last.value if last else None,
        "latest_period": str(last.period) if last else None,
        "target_value": rule.target_value,
        "target_period": str(rule.target_period) if rule.target_period else None,
        "comparator": rule.effective_comparator,
        "completion": None,
        "time_share": None,
        "cagr_ratio": None,
        "cagr_class": None,
        "projected_value": None,
        "projected_period": None,
        "projected_meets": None,
        "gap": None,
        "reason": None,
    }
    return Assessment(**(fields | specific))
