"""The assessment table the overview, the CLI and the report share.

Reads the current values (optionally as known on a date), rolls 街道 up to the district
(methods.md §5: a period enters the district only once every 街道 has reported it), assesses
every indicator (plantrack.assess) and joins what readers need from the registry: name, plan,
unit, attribute, lead department.

Targets and baselines in the plans are district figures. For a 街道: a target of an indicator
that sums to the district (a count such as 街道数) is a district total and is not applied
(无法评估, reason :data:`DISTRICT_TOTAL`); rates and per-capita targets apply as written. The
configured baseline is used only for the district; a 街道's baseline is its own observation
at the base period.

A target may also be set per area (``target.by_area``: each 街道 or country its own base and
target) or relative to each area's own base (``change_pct``: −20 means 20 % below it); a
per-area entry wins over the indicator's target and its base over the observed one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from plantrack.assess import RollupSpec, Rule, assess_frame, roll_up
from plantrack.assess.annual import assess_each_year
from plantrack.config import Indicator
from plantrack.periods import parse_period
from plantrack.tasks.board import done_dates
from plantrack.workspace import Workspace

DIRECTION = {"up": 1, "down": -1}
DISTRICT_TOTAL = "目标为全区合计，街道不单独评估"


def district_total_target(ind: Indicator, area: str | None = None) -> bool:
    """Whether the indicator's target is a district total (a summed count) no 街道 is held to:
    not when the target is a change from each area's own base, nor for an area given its own
    target in ``by_area``."""
    t = ind.target
    return (
        ind.kind == "target"
        and ind.rollup.method == "sum"
        and t is not None
        and t.change_pct is None
        and (area is None or area not in t.by_area)
    )


def annual_baseline(ind: Indicator) -> float | None:
    """The baseline on the indicator's own footing: a “十三五” five-year total becomes a yearly mean."""
    if ind.baseline is None:
        return None
    return ind.baseline.value / (ind.baseline.span_years or 1)


def projection_bounds(ind: Indicator, ws: Workspace) -> tuple[float | None, float | None]:
    """What a projection can reach by nature: the registry's valid range, else 0–100 for a
    rate and 0–(number of 街道) for a count of 街道 (never “预计18个” of 17)."""
    lo, hi = ind.valid_range.min, ind.valid_range.max
    if hi is None and ind.unit == "%":
        hi = 100.0
    if hi is None and ind.unit == "个" and "街道" in ind.name and ind.rollup.method == "sum":
        hi = float(len(ws.registry.areas.subareas))
    if lo is None and (ind.unit == "%" or hi is not None):
        lo = 0.0
    return lo, hi


def rule_for(ind: Indicator, ws: Workspace, area: str | None = None) -> Rule:
    """The assessment's view of one indicator in ``area`` (default the district).

    For a 街道 the configured (district) baseline is not used, and a district-total target
    (:func:`district_total_target`) is left out (module docstring).
    """
    plan = ws.plans[ind.plan]
    t = ind.target
    base_text = ind.baseline.period if ind.baseline else plan.base_period
    street = area is not None and area != ws.district
    own = t.by_area.get(area or ws.district) if t else None
    base_value = None if street else annual_baseline(ind)
    value, change = (t.value, t.change_pct) if t else (None, None)
    if street and district_total_target(ind, area):
        value = None
    if own is not None:
        base_value = own.base if own.base is not None else base_value
        if own.value is not None or own.change_pct is not None:
            value, change = own.value, own.change_pct
    lo, hi = projection_bounds(ind, ws)
    return Rule(
        id=ind.id,
        kind=ind.kind,
        direction=DIRECTION[ind.direction],
        base_period=parse_period(base_text) if base_text else None,
        base_value=base_value,
        target_value=value,
        target_change_pct=change if value is None else None,
        target_period=parse_period(t.period) if t else None,
        comparator=t.comparator if t else None,
        tolerance=t.tolerance if t else 0.0,
        measure=ind.measure,
        delta=plan.assessment.delta,
        delta_red=plan.assessment.delta_red,
        reference=t.reference if t else None,
        deadline=ind.deadline,
        proj_min=lo,
        proj_max=hi,
    )


def rollup_specs(ws: Workspace) -> list[RollupSpec]:
    return [
        RollupSpec(i.id, i.rollup.method, i.rollup.weight, i.formula)
        for i in ws.registry.indicators
    ]


def observations(
    ws: Workspace,
    as_of: date | None = None,
    known_on: date | None = None,
    ordered: bool = True,
    approved_only: bool = False,
    categories: bool = False,
) -> pd.DataFrame:
    """Current values with district roll-ups (column ``source``: reported / rollup); the
    reported ones by indicator, area and period end unless ``ordered`` is False (faster).
    ``approved_only``: only figures of approved (已审核) department × periods, each as it was
    when approved (``known_on`` does not apply then). ``categories``: indicator, area and
    period as categories from the read on (the dashboard's cached table: the roll-up of a
    province's 1 M rows then takes ~0.45 instead of ~0.56 s and peaks ~35 MB lower)."""
    cols = ("indicator", "area", "period", "value", "batch_id", "revision")
    if approved_only:
        obs = ws.store.current(as_of=as_of, columns=cols, approved_only=ws.scope)
    else:
        obs = ws.store.current(as_of=as_of, known_on=known_on, columns=cols, ordered=ordered)
    if categories:
        obs = obs.astype({c: "category" for c in ("indicator", "area", "period")})
    subareas = [a.code for a in ws.registry.areas.subareas]
    return roll_up(obs, rollup_specs(ws), ws.district, subareas=subareas)


def milestones_done(
    ws: Workspace, as_of: date, known_on: date | None = None, updates: pd.DataFrame | None = None
) -> dict[str, date]:
    """Done date of each milestone (and task): the task board's rule, :func:`done_dates`
    (from ``updates``, every task update in force, when the caller has them at hand)."""
    return done_dates(ws, as_of, known_on, updates)


def assessment_table(
    ws: Workspace,
    as_of: date,
    known_on: date | None = None,
    area: str | None = None,
    plan: str | None = None,
    obs: pd.DataFrame | None = None,
    updates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator (for ``area``, default the district) with verdict and metadata.

    ``updates``: every task update in force (``all_updates``), for the milestones' done dates
    without a query (the dashboard caches them per data version)."""
    area = area or ws.district
    if obs is None:  # unordered: assess_frame sorts what it uses (the ORDER BY of a
        # province's 1 M rows was 0.9 of its 1.9 s)
        obs = observations(ws, as_of=as_of, known_on=known_on, ordered=False)
    inds = [i for i in ws.registry.indicators if plan is None or i.plan == plan]
    rules = [rule_for(i, ws, area) for i in inds]
    mine = obs[obs["area"] == area]
    if area != ws.district:  # a 街道 is compared with the city reference the district reports
        refs = {
            i.target.reference
            for i in inds
            if i.kind == "relative" and i.target and i.target.reference in ws.indicators
        }
        district_refs = [r for r in refs if ws.indicators[r].rollup.method == "none"]
        shared = obs[(obs["area"] == ws.district) & obs["indicator"].isin(district_refs)]
        mine = pd.concat([mine, shared.assign(area=area)], ignore_index=True)
    frame = assess_frame(
        rules,
        mine,
        as_of,
        milestones_done(ws, as_of, known_on, updates),
        default_area=area,
    )
    frame = frame[frame["area"] == area]
    frame = _each_year(ws, inds, frame, mine, as_of)
    meta = pd.DataFrame(
        {
            "indicator": pd.Series([i.id for i in inds], dtype=object),
            "name": pd.Series([i.name for i in inds], dtype=object),
            "plan": pd.Series([i.plan for i in inds], dtype=object),
            "unit": pd.Series([i.unit for i in inds], dtype=object),
            "attribute": pd.Series([i.attribute for i in inds], dtype=object),
            "lead": pd.Series(["、".join(i.lead) for i in inds], dtype=object),
            "precision": pd.Series([i.precision for i in inds], dtype=np.int64),
            "order": pd.Series(range(len(inds)), dtype=np.int64),
        }
    )  # object keys: a plan without indicators merges as an empty table, not float vs object
    out = meta.merge(frame.drop(columns=["kind"], errors="ignore"), on="indicator", how="left")
    kinds = {i.id: i.kind for i in inds}
    out["kind"] = out["indicator"].map(kinds).astype(object)
    if area != ws.district:
        total = out["indicator"].isin([i.id for i in inds if district_total_target(i, area)])
        out.loc[total, "reason"] = DISTRICT_TOTAL
    return out.sort_values("order", ignore_index=True)


def _each_year(
    ws: Workspace, inds: list[Indicator], frame: pd.DataFrame, obs: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """Every-year requirements (target.each_year) judged year by year (assess.annual)."""
    yearly = [i for i in inds if i.target and i.target.each_year and i.target.value is not None]
    if not yearly:
        return frame
    frame = frame.copy()
    ids = [i.id for i in yearly]
    mine = obs[obs["indicator"].isin(ids)]  # one pass over the area's values, not one each
    by_ind = {str(k): g for k, g in mine.groupby("indicator", observed=True, sort=False)}
    at = {ind_id: frame.index[frame["indicator"] == ind_id] for ind_id in ids}
    updates: dict[str, dict[object, Any]] = {}
    for ind in yearly:
        t = ind.target
        assert t is not None and t.value is not None
        rows = at[ind.id]
        if rows.empty:
            continue
        part = by_ind.get(ind.id, mine.iloc[:0])
        points = [
            (p, float(v))
            for p, v in zip(part["period"].map(parse_period), part["value"], strict=True)
            if p is not None and v is not None and not pd.isna(v)
        ]
        target_period = parse_period(t.period)
        plan = ws.plans[ind.plan]
        fields = assess_each_year(
            points,
            t.value,
            t.comparator,
            t.tolerance,
            plan.start_year,
            target_period.year if target_period else plan.end_year,
            as_of,
        )
        for name, value in fields.items():
            updates.setdefault(name, {}).update(dict.fromkeys(rows, value))
    for name, values in updates.items():  # each column cast once, then set row by row
        frame[name] = frame[name].astype(object)
        for r, value in values.items():
            frame.at[r, name] = value
    return frame


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    return str(value)


def to_records(table: pd.DataFrame) -> list[dict]:
    """The assessment table as the CLI's JSON objects (numbers or null, never NaN)."""
    out = []
    for r in table.to_dict(orient="records"):
        meets = r.get("projected_meets")
        out.append(
            {
                "id": r["indicator"],
                "name": r["name"],
                "plan": r["plan"],
                "kind": r["kind"],
                "unit": r["unit"],
                "attribute": _text(r.get("attribute")),
                "lead": r["lead"],
                "area": _text(r.get("area")),
                "direction": "up" if r.get("direction", 1) == 1 else "down",
                "baseline": {
                    "value": _num(r.get("baseline_value")),
                    "period": _text(r.get("baseline_period")),
                },
                "latest": {
                    "value": _num(r.get("latest_value")),
                    "period": _text(r.get("latest_period")),
                },
                "target": {
                    "value": _num(r.get("target_value")),
                    "period": _text(r.get("target_period")),
                    "comparator": _text(r.get("comparator")),
                },
                "completion": _num(r.get("completion")),
                "time_share": _num(r.get("time_share")),
                "verdict": _text(r.get("verdict")) or "无法评估",
                "light": _text(r.get("light")) or "grey",
                "cagr_ratio": _num(r.get("cagr_ratio")),
                "cagr_class": _text(r.get("cagr_class")),
                "projected": {
                    "value": _num(r.get("projected_value")),
                    "period": _text(r.get("projected_period")),
                    "meets_target": None if meets is None or pd.isna(meets) else bool(meets),
                },
                "gap": _num(r.get("gap")),
                "reason": _text(r.get("reason")),
            }
        )
    return out
