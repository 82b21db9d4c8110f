"""Growth-rate ratio and trend projection, one series at a time (methods.md §2, §3).

Powers go through :func:`numpy.power` on one-element arrays: NumPy's vectorised power may
differ from C ``pow`` in the last bit, and the vectorised path (:mod:`.frame`) must agree
with these functions bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from plantrack.assess.rules import EPS, GrowthClass, Reason

MONITOR_ON_TRACK = 0.015
MONITOR_ACCELERATE = 0.005
RATIO_ON_TRACK = 0.95
RATIO_ACCELERATE = 0.60


def npow(base: float, exponent: float) -> float:
    """``base ** exponent`` computed exactly as NumPy's vectorised power computes it.

    An overflow gives inf (the caller reports it as out of range), not a warning.
    """
    with np.errstate(over="ignore"):
        return float(np.power(np.array([base]), np.array([exponent]))[0])


def cagr(x_from: float, x_to: float, years: float) -> float:
    """Compound annual growth rate ``(x_to / x_from) ** (1 / years) − 1`` (§2).

    The caller checks that it is defined (both values > 0, years > 0).
    """
    return npow(x_to / x_from, 1.0 / years) - 1.0


def observed_growth(x_b: float, x_t: float, years_bt: float) -> tuple[float | None, str | None]:
    """CAGR_obs from b to t (§2), or None with the reason (x_b ≤ 0 or x_t ≤ 0).

    ``years_bt`` > 0 is the caller's precondition.
    """
    if x_b <= 0:
        return None, Reason.BASE_NONPOSITIVE
    if x_t <= 0:
        return None, Reason.LATEST_NONPOSITIVE
    return cagr(x_b, x_t, years_bt), None


def growth_ratio(
    x_b: float,
    x_t: float,
    x_star: float,
    years_bt: float,
    years_bT: float,
    direction: int,
) -> tuple[float | None, float | None, str | None]:
    """Observed CAGR and ratio ``R = d · CAGR_obs / |CAGR_req|`` (§2), with why R is null.

    Returns ``(cagr_obs, R, reason)``. ``years_bt`` > 0 is the caller's precondition.
    CAGR_obs needs x_b > 0 and x_t > 0; R further needs x* ≠ x_b, x* ≥ 0 (a zero target
    gives CAGR_req = −1) and a non-zero CAGR_req after rounding.
    """
    g_obs, why = observed_growth(x_b, x_t, years_bt)
    if g_obs is None:
        return None, None, why
    if x_star == x_b:
        return g_obs, None, Reason.KEEP_GROWTH
    if x_star < 0:
        return g_obs, None, Reason.TARGET_NEGATIVE
    g_req = cagr(x_b, x_star, years_bT)
    if g_req == 0:
        return g_obs, None, Reason.ZERO_REQUIRED_GROWTH
    return g_obs, direction * g_obs / abs(g_req), None


def ratio_class(ratio: float | None, met: bool) -> str | None:
    """Class of a target indicator's growth ratio (§2): met first, then R's thresholds."""
    if met:
        return GrowthClass.ACHIEVED
    if ratio is None or not math.isfinite(ratio):
        return None
    return _classify(ratio, RATIO_ON_TRACK, RATIO_ACCELERATE)


def monitor_class(rate: float | None) -> str | None:
    """Class of a monitoring indicator's direction-signed growth rate v = d · CAGR_obs (§2)."""
    if rate is None or not math.isfinite(rate):
        return None
    return _classify(rate, MONITOR_ON_TRACK, MONITOR_ACCELERATE)


def _classify(value: float, on_track: float, accelerate: float) -> str:
    if value >= on_track - EPS:
        return GrowthClass.ON_TRACK
    if value >= accelerate - EPS:
        return GrowthClass.ACCELERATE
    if value >= -EPS:
        return GrowthClass.LIMITED
    return GrowthClass.DETERIORATION


def classify_array(v: np.ndarray, on_track: float, accelerate: float) -> np.ndarray:
    """Vectorised :func:`_classify` (object array of class words)."""
    conds = [v >= on_track - EPS, v >= accelerate - EPS, v >= -EPS]
    labels = [GrowthClass.ON_TRACK, GrowthClass.ACCELERATE, GrowthClass.LIMITED]
    return np.select(conds, labels, GrowthClass.DETERIORATION).astype(object)


def power_where(base: np.ndarray, exponent: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Vectorised :func:`npow` where ``where`` holds, NaN elsewhere (bit for bit the same)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.power(base, exponent, out=np.full(len(base), np.nan), where=where)


def project(x_t: float, g_obs: float, years_tT: float) -> float:
    """Trend projection ``x̂_T = x_t · (1 + CAGR_obs) ** elapsed(t, T)`` (§3)."""
    return x_t * npow(1.0 + g_obs, years_tT)


def bound(value: float, lo: float | None, hi: float | None) -> float:
    """A finite projection kept within what the quantity can be (a rate ≤ 100 %, a count of
    街道 ≤ their number); a non-finite value is returned unchanged (reported as overflow)."""
    if not math.isfinite(value):
        return value
    if hi is not None:
        value = min(value, hi)
    if lo is not None:
        value = max(value, lo)
    return value


def bound_array(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vectorised :func:`bound` (NaN bounds mean none)."""
    clipped = np.fmax(np.fmin(values, hi), lo)
    return np.where(np.isfinite(values), clipped, values)


def least_squares_line(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Slope and intercept of the chart's trend line through ``(years since b, value)`` (§3).

    Least squares through all points when there are at least 3, else the two-point line;
    None with fewer than 2 points or when every point has the same time.
    """
    if len(points) < 2:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return slope, mean_y - slope * mean_x
