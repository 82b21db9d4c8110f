"""The assessment over whole tables: :func:`assess_frame` (methods.md §1–§4, §6).

It computes exactly what :func:`plantrack.assess.core.assess_one` computes for each
(indicator, area), with NumPy over arrays instead of Python per observation or per group.
The observations are sorted once by (indicator, area, period end, annual, input order); the
last row of each (indicator, area, period end) is the value "at" that end, and the latest,
baseline and reference values are look-ups into that table (``searchsorted``). The readings
of methods.md that both paths follow are listed in :mod:`plantrack.assess.core`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from plantrack.assess import growth
from plantrack.assess.core import met_array, milestone_verdict
from plantrack.assess.growth import classify_array, power_where
from plantrack.assess.rules import (
    ASSESSMENT_FIELDS,
    EPS,
    KINDS,
    REASON_CODES,
    GrowthClass,
    Light,
    Reason,
    Rule,
    join_reasons,
    rule_columns,
)
from plantrack.assess.rules import Verdict as V
from plantrack.periods import MONTHS_PER_YEAR as YEAR
from plantrack.periods import Period, month_of_date, parse_period, period_of_date

_KIND = {kind: i for i, kind in enumerate(KINDS)}
_C = REASON_CODES


class _Table:
    """Usable observations sorted once, reduced to one value per (group, period end)."""

    def __init__(self, obs: pd.DataFrame, as_of: date) -> None:
        ind, self.indicators = pd.factorize(obs["indicator"])
        area, self.areas = pd.factorize(obs["area"])
        per, per_uniques = pd.factorize(obs["period"])
        periods = [_parse(p) for p in per_uniques]
        self.canon = np.array([str(p) for p in periods] + [None], dtype=object)
        parts = [p.part or (0, 1) for p in periods] + [(0, 1)]
        self.part = np.array([n for n, _ in parts], dtype=np.int64)  # flows: q of 4, m of 12
        self.per_year = np.array([of for _, of in parts], dtype=float)
        pidx = np.array([p.index for p in periods], dtype=np.int64)
        self.pmin = int(pidx.min()) if len(pidx) else 0
        self.span = int(pidx.max()) - self.pmin + 1 if len(pidx) else 1
        # per period: its end, then year after quarter after month (a year wins over its Q4)
        code = (pidx - self.pmin) * 3 + np.array([p.rank for p in periods], dtype=np.int64)
        self.n_areas = max(len(self.areas), 1)
        self.ind = ind if area.min(initial=0) >= 0 else np.where(area >= 0, ind, -1)
        self.group = self.ind.astype(np.int64) * self.n_areas + area
        value = obs["value"].to_numpy(dtype=float, na_value=np.nan)
        month = month_of_date(as_of)
        usable = pidx <= month.index - (month.end != as_of)  # period ends on or before as_of
        rows = np.flatnonzero(np.isfinite(value) & usable[per] & (self.ind >= 0))
        n, width = len(value), 3 * self.span
        k2 = self.group[rows] * width + code[per[rows]]
        if (len(self.indicators) * self.n_areas * width + 2) * (n + 1) < 2**62:
            ordered = np.sort(k2 * n + rows)  # (group, end, annual, input row) in one int64
            k2, rows = ordered // n, ordered % n
        else:
            order = np.lexsort((rows, k2))
            k2, rows = k2[order], rows[order]
        key = k2 // 3  # group * span + (end − pmin)
        last = np.append(key[1:] != key[:-1], True)[: len(key)]
        self.key, at_rows = key[last], rows[last]
        self.missing = len(self.key)  # the "not found" row of every array below
        self.val = np.append(value[at_rows], np.nan)
        self.per = np.append(per[at_rows], len(periods))
        self.pidx = np.append(self.key % self.span + self.pmin, -1)
        grp = self.key // self.span
        change = grp[1:] != grp[:-1]
        ends = np.flatnonzero(np.append(change, True)[: len(grp)])
        starts = np.flatnonzero(np.append(True, change)[: len(grp)])
        self._ends, self._starts = (grp[ends], ends), (grp[starts], starts)

    def at(self, group: np.ndarray, pidx: np.ndarray) -> np.ndarray:
        """Row of (group, period end), or ``missing``."""
        ok = (group >= 0) & (pidx >= self.pmin) & (pidx < self.pmin + self.span)
        q = group * self.span + (pidx - self.pmin)
        return self._find(self.key, np.arange(self.missing), q, ok)

    def edge(self, group: np.ndarray, first: bool) -> np.ndarray:
        """Row of each group's earliest (``first``) or latest period end, or ``missing``."""
        keys, rows = self._starts if first else self._ends
        return self._find(keys, rows, group, group >= 0)

    def _find(self, keys: np.ndarray, rows: np.ndarray, q: np.ndarray, ok: np.ndarray):
        if not len(keys):
            return np.full(len(q), self.missing)
        i = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
        return np.where(ok & (keys[i] == q), rows[i], self.missing)


def _parse(p: object) -> Period:
    period = p if isinstance(p, Period) else parse_period(p)
    if period is None:
        raise ValueError(f"无法识别的报告期：{p!r}")
    return period


def _rule_columns(rules: Sequence[Rule], t: _Table, as_of: date, done: Mapping) -> dict:
    """One array per rule attribute, plus the reference's code in ``t`` and milestone words."""
    ind_pos = {v: i for i, v in enumerate(t.indicators)}
    ms = [milestone_verdict(r.deadline, done.get(r.id), as_of) for r in rules]
    return rule_columns(rules) | {
        "ref": np.array([ind_pos.get(r.reference, -1) for r in rules], dtype=np.int64),
        "ms_verdict": np.array([m[0] for m in ms] + [None], dtype=object)[:-1],
        "ms_light": np.array([m[1] for m in ms] + [None], dtype=object)[:-1],
    }


def _rows(rules: Sequence[Rule], t: _Table, default_area: str) -> tuple[np.ndarray, ...]:
    """Output rows (rule position, group, area code, area name), by rule then area."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    if len(index) != len(rules):
        raise ValueError("规则中有重复的指标编号")
    rule_of_ind = np.array([index.get(v, -1) for v in t.indicators] + [-1], dtype=np.int64)
    groups = pd.unique(t.group[rule_of_ind[t.ind] >= 0]).astype(np.int64)
    r = rule_of_ind[groups // t.n_areas]
    absent = np.setdiff1d(np.arange(len(rules)), r)
    names = np.array([*t.areas, default_area], dtype=object)
    default = list(t.areas).index(default_area) if default_area in t.areas else len(t.areas)
    r = np.r_[r, absent]
    g = np.r_[groups, np.full(len(absent), -1)]
    a = np.r_[groups % t.n_areas, np.full(len(absent), default)].astype(np.int64)
    order = np.lexsort((names[a].astype(str), r))
    return r[order], g[order], a[order], names[a[order]]


def _values(t: _Table, k: dict, g: np.ndarray) -> dict:
    """Latest x_t (and a flow's annualised year-to-date, §6) and baseline x_b per row."""
    li = t.edge(g, first=False)
    x_raw, q, per_year = t.val[li], t.part[t.per[li]], t.per_year[t.per[li]]
    b, cfg = k["b"], k["cfg"]
    bi = np.where(b >= 0, t.at(g, b), t.edge(g, first=True))  # earliest: monitors only
    bi = np.where(cfg | ((b < 0) & (k["kind"] != _KIND["monitor"])), t.missing, bi)
    with np.errstate(all="ignore"):
        x = np.where(k["flow"] & (q > 0) & (q < per_year), x_raw * per_year / q, x_raw)
    return {
        "li": li, "has_l": li < t.missing, "x_raw": x_raw, "x": x, "lt": t.pidx[li],
        "bi": bi, "has_b": cfg | (bi < t.missing), "bv": np.where(cfg, k["bv_cfg"], t.val[bi]),
        "beff": np.where(cfg, b, t.pidx[bi]),
    }  # fmt: skip


def _completion(k: dict, v: dict, now: int, inside: int) -> dict:
    """§1: time share, why a target cannot be assessed, completion, verdict and light.

    ``inside``: the index of the finest period containing the as-of date (as_of ≤ a base's
    end exactly when ``inside`` ≤ its index)."""
    b, tt, xs, bv, lt = k["b"], k["T"], v["xs"], v["bv"], v["lt"]
    tgt = k["kind"] == _KIND["target"]
    tau_ok = tgt & (b >= 0) & (tt > b)
    tau = np.where(tau_ok, np.clip((now - b) / (tt - b), 0.0, 1.0), np.nan)
    why = [Reason.NO_TARGET_VALUE, Reason.NO_TARGET_PERIOD, Reason.NO_BASE_PERIOD,
           Reason.TARGET_NOT_AFTER_BASE, Reason.AS_OF_IN_BASE, Reason.NO_LATEST, Reason.NO_BASE,
           Reason.LATEST_NOT_AFTER_BASE]  # fmt: skip
    conds = [~(k["has_xs"] | k["has_chg"]), tt < 0, b < 0, tt <= b, inside <= b, ~v["has_l"],
             ~v["has_b"], lt <= b]  # fmt: skip
    primary = np.where(tgt, np.select(conds, [_C[w] for w in why], 0), 0)
    ev = tgt & (primary == 0)
    met, keep, final = met_array(v["x"], xs, k["cmp"], k["tol"]), xs == bv, now >= tt
    past = ~keep & met_array(bv, xs, k["cmp"], k["tol"])
    rho = np.where(keep | past, np.nan, (v["x"] - bv) / (xs - bv))
    lo, hi = tau - k["delta"] - EPS, tau + k["delta"] - EPS
    verdict = np.select(
        [~ev, past & met, past, met & final, met, keep & final, keep, rho < -EPS, final,
         rho >= hi, rho >= lo],
        [V.NA, V.MET, V.NOT_KEPT, V.MET, V.EARLY, V.MISSED, V.LAGGING, V.REVERSE, V.MISSED,
         V.FAST, V.ON_TRACK],
        V.LAGGING,
    ).astype(object)  # fmt: skip
    yellow = (verdict == V.LAGGING) & (keep | (rho >= tau - k["delta_red"] - EPS))
    green = np.isin(verdict, [V.MET, V.EARLY, V.FAST, V.ON_TRACK])
    light = np.select([~ev, green, yellow], [Light.GREY, Light.GREEN, Light.YELLOW], Light.RED)
    return {
        "tgt": tgt, "tau": tau, "tau_ok": tau_ok, "primary": primary, "ev": ev, "met": met,
        "keep": keep, "past": past, "rho": rho, "t_verdict": verdict,
        "t_light": light.astype(object),
    }  # fmt: skip


def _growth(k: dict, v: dict) -> dict:
    """§2 growth ratio (monitor: v = d·CAGR_obs) and §3 projection, with why they are null."""
    names = ("x", "bv", "beff", "lt", "T", "xs", "ev", "keep")
    x, bv, beff, lt, tt, xs, ev, keep = (v[n] for n in names)
    mon = k["kind"] == _KIND["monitor"]
    mon_ok = mon & v["has_l"] & v["has_b"] & (beff >= 0) & (lt > beff)
    g_ok = (ev | mon_ok) & (bv > 0) & (x > 0)
    g_obs = power_where(x / bv, 1.0 / ((lt - beff) / YEAR), g_ok) - 1.0
    r_ok = ev & g_ok & ~keep & (xs >= 0)
    g_req = power_where(xs / bv, 1.0 / ((tt - beff) / YEAR), r_ok) - 1.0
    zero_req = r_ok & (g_req == 0)
    r_ok &= ~zero_req
    ratio = np.where(r_ok, k["dir"] * g_obs / np.abs(g_req), np.nan)
    ratio = np.where(mon_ok & g_ok, k["dir"] * g_obs, ratio)
    p_ok = g_ok & (tt >= 0) & (lt <= tt)
    why = np.select(
        [bv <= 0, x <= 0, mon_ok, keep, xs < 0, zero_req],
        [_C[Reason.BASE_NONPOSITIVE], _C[Reason.LATEST_NONPOSITIVE], 0, _C[Reason.KEEP_GROWTH],
         _C[Reason.TARGET_NEGATIVE], _C[Reason.ZERO_REQUIRED_GROWTH]],
        0,
    )  # fmt: skip
    mon_why = np.select(
        [~mon | mon_ok, ~v["has_l"], ~v["has_b"], beff < 0],
        [0, _C[Reason.NO_LATEST], _C[Reason.NO_BASE], _C[Reason.NO_BASE_PERIOD]],
        _C[Reason.LATEST_NOT_AFTER_BASE],
    )
    cls = np.where(
        mon_ok,
        classify_array(ratio, growth.MONITOR_ON_TRACK, growth.MONITOR_ACCELERATE),
        classify_array(ratio, growth.RATIO_ON_TRACK, growth.RATIO_ACCELERATE),
    )
    return {
        "mon": mon, "ratio_set": g_ok & (r_ok | mon_ok), "ratio": ratio, "p_ok": p_ok,
        "proj": growth.bound_array(
            x * power_where(1.0 + g_obs, (tt - lt) / YEAR, p_ok), k["pmin"], k["pmax"]
        ),
        "cls": cls,
        "growth_why": np.where(ev | mon_ok, why, 0) + mon_why,
        "after_t": g_ok & (tt >= 0) & (lt > tt),
    }  # fmt: skip


def _relative(t: _Table, k: dict, v: dict, a: np.ndarray) -> dict:
    """§4 relative: the reference series at the same period end, in the same area."""
    rel, has_l = k["kind"] == _KIND["relative"], v["has_l"]
    ref_g = np.where((k["ref"] >= 0) & has_l & (a < len(t.areas)), k["ref"] * t.n_areas + a, -1)
    ri = t.at(ref_g, v["lt"])
    why = [Reason.NO_REFERENCE_RULE, Reason.NO_LATEST, Reason.NO_REFERENCE_VALUE]
    conds = [~k["has_ref"], ~has_l, ri == t.missing]
    rel_primary = np.where(rel, np.select(conds, [_C[w] for w in why], 0), 0)
    rel_ok = rel & (rel_primary == 0)
    return {
        "rel": rel, "rel_primary": rel_primary, "rel_ok": rel_ok,
        "rel_met": met_array(v["x_raw"], t.val[ri], k["cmp"], k["tol"]),
        "gap": np.where(rel_ok, v["x_raw"] - t.val[ri], np.nan),
    }  # fmt: skip


def assess_frame(
    rules: Sequence[Rule],
    obs: pd.DataFrame,
    as_of: date,
    milestones_done: Mapping[str, date] | None = None,
    *,
    default_area: str = "",
) -> pd.DataFrame:
    """Assess every (indicator, area) of ``obs`` that has a rule: one row per pair.

    ``obs`` has columns indicator, area, period (``2023Q1``, ``2023`` or any form
    :func:`~plantrack.periods.parse_period` reads) and value. A rule without any observation
    gets one row for ``default_area``. A relative rule finds its reference series in ``obs``
    (same area). Rows are ordered by rule, then area; the columns are the fields of
    :class:`~plantrack.assess.rules.Assessment`, as objects, None where a value is missing.
    """
    rules = list(rules)
    t = _Table(obs, as_of)
    rule_pos, g, a, area = _rows(rules, t, default_area)
    k = {
        n: col[rule_pos] for n, col in _rule_columns(rules, t, as_of, milestones_done or {}).items()
    }
    v = _values(t, k, g)
    with np.errstate(all="ignore"):  # x* of a relative-to-base target from the area's own base
        xs = np.where(k["has_chg"], v["bv"] * (1.0 + k["chg"] / 100.0), k["xs"])
    v |= {"T": k["T"], "xs": xs}
    with np.errstate(all="ignore"):
        v |= _completion(k, v, period_of_date(as_of).index, month_of_date(as_of).index)
        v |= _growth(k, v) | _relative(t, k, v, a)
    return _output(t, k, v, area)


def _output(t: _Table, k: dict, v: dict, area: np.ndarray) -> pd.DataFrame:
    """The Assessment columns: final verdicts and lights, reasons, None for missing."""
    ev, keep, rel_ok, mile = v["ev"], v["keep"], v["rel_ok"], k["kind"] == _KIND["milestone"]
    past = ev & v["past"]
    completion = np.where(ev & ~keep & ~past, v["rho"], np.nan)
    fin = {n: np.isfinite(x) for n, x in [("c", completion), ("r", v["ratio"]), ("p", v["proj"])]}
    overflow = (ev & ~keep & ~past & ~fin["c"]) | (v["ratio_set"] & ~fin["r"])
    overflow |= (v["p_ok"] & ~fin["p"]) | (rel_ok & ~np.isfinite(v["gap"]))
    overflow |= ev & k["has_chg"] & ~np.isfinite(v["xs"])
    first = np.where(past, _C[Reason.BASE_PAST_TARGET], v["primary"] + v["rel_primary"])
    slots = [
        np.where(ev & keep, _C[Reason.KEEP_COMPLETION], first),
        v["growth_why"],
        np.where(v["after_t"], _C[Reason.LATEST_AFTER_TARGET], 0),
        np.where(overflow, _C[Reason.OVERFLOW], 0),
    ]
    cls = np.where(ev & v["met"], GrowthClass.ACHIEVED, np.where(fin["r"], v["cls"], None))
    rel_met = rel_ok & v["rel_met"]
    xs_cmp_tol = v["xs"], k["cmp"], k["tol"]
    verdict = np.select(
        [v["tgt"], rel_met, rel_ok, mile, v["mon"] & v["has_l"]],
        [v["t_verdict"], V.REL_MET, V.REL_MISSED, k["ms_verdict"], V.MONITOR],
        V.NA,
    )
    light = np.select(
        [v["tgt"], rel_met, rel_ok, mile],
        [v["t_light"], Light.GREEN, Light.RED, k["ms_light"]],
        Light.GREY,
    )
    out = {
        "indicator": k["id"],
        "area": area,
        "kind": k["kind_str"],
        "direction": k["dir"].astype(object),
        "baseline_value": _none(v["bv"], v["has_b"]),
        "baseline_period": np.where(k["cfg"], k["b_str"], t.canon[t.per[v["bi"]]]),
        "latest_value": _none(v["x_raw"], v["has_l"]),
        "latest_period": t.canon[t.per[v["li"]]],
        "target_value": np.where(
            k["has_chg"], _none(v["xs"], ev & np.isfinite(v["xs"])), k["xs_out"]
        ),
        "target_period": k["T_str"],
        "comparator": k["cmp_str"],
        "completion": _none(completion, fin["c"]),
        "time_share": _none(v["tau"], v["tau_ok"]),
        "verdict": verdict,
        "light": light,
        "cagr_ratio": _none(v["ratio"], fin["r"]),
        "cagr_class": cls,
        "projected_value": _none(v["proj"], fin["p"]),
        "projected_period": np.where(fin["p"], k["T_str"], None),
        # numpy's stubs do not take None (an object scalar at run time) in where()
        "projected_meets": np.where(ev & fin["p"], met_array(v["proj"], *xs_cmp_tol), None),  # type: ignore[call-overload]
        "gap": _none(v["gap"], np.isfinite(v["gap"])),
        "reason": join_reasons(slots),
    }
    assert tuple(out) == ASSESSMENT_FIELDS
    return pd.DataFrame({c: pd.Series(x, dtype=object) for c, x in out.items()})


def _none(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Floats as Python objects, None where not ``keep``."""
    out = values.astype(object)
    out[~keep] = None
    return out
