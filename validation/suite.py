"""The great-expectations suite built from ``indicators.yaml``.

:func:`spec_from_registry` reduces the registry to what the suite needs (a hashable
:class:`SuiteSpec`); :func:`build_suite` turns that into an ``ExpectationSuite`` whose every
expectation carries ``meta.code`` (what :mod:`validation.messages` explains). Per-indicator
valid ranges and plan periods are columns of bounds beside each row (:func:`bound_columns`)
compared by column-pair expectations; the reporting frequency uses a row condition. Importing this module imports great-expectations
(≈ 2–4 s): only :mod:`validation.run` does, when validation runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from plantrack.config import Registry
from plantrack.ingest.precision import noise
from plantrack.periods import Period, month_of_date
from validation._gx import Column, context, gx, gxe

KEY = ["indicator", "area", "period"]


@dataclass(frozen=True)
class SuiteSpec:
    indicators: tuple[str, ...]
    not_uploadable: tuple[str, ...]
    areas: tuple[str, ...]
    annual_only: tuple[str, ...]
    # per uploadable indicator: (id, smallest value, largest value, first period, last period)
    bounds: tuple[tuple[str, float, float, float, float], ...]
    last_ended: int  # index of the last period that has ended by today
    # per uploadable indicator: (id, rounding noise tolerated at the range bounds)
    tolerance: tuple[tuple[str, float], ...] = ()


def last_ended_index(today: date) -> int:
    m = month_of_date(today)  # a period has ended when its end (a month's end) has passed
    return m.index if today >= m.end else m.index - 1


def spec_from_registry(registry: Registry, today: date) -> SuiteSpec:
    plans = {p.id: p for p in registry.plans}
    nan = float("nan")
    bounds = []
    for ind in registry.indicators:
        if not ind.uploadable:
            continue
        r, plan = ind.valid_range, plans.get(ind.plan)
        first = Period(plan.start_year - 1, month=1).index if plan else nan
        last = Period(plan.end_year).index if plan else nan
        lo, hi = (nan if v is None else float(v) for v in (r.min, r.max))
        bounds.append((ind.id, lo, hi, float(first), float(last)))
    areas = [registry.areas.district, *registry.areas.subareas]
    return SuiteSpec(
        indicators=tuple(i.id for i in registry.indicators),
        not_uploadable=tuple(i.id for i in registry.indicators if not i.uploadable),
        areas=tuple(a.code for a in areas),
        annual_only=tuple(
            i.id for i in registry.indicators if i.uploadable and i.frequency == "year"
        ),
        bounds=tuple(bounds),
        last_ended=last_ended_index(today),
        tolerance=tuple((i.id, noise(i.precision)) for i in registry.indicators if i.uploadable),
    )


BOUND_COLUMNS = ["value_min", "value_max", "period_first", "period_last"]


def bound_columns(indicator: pd.Series, spec: SuiteSpec) -> pd.DataFrame:
    """Each row's bounds from its indicator (NaN where none, or the indicator is unknown),
    looked up once per distinct indicator and spread to the rows by position."""
    codes, ids = pd.factorize(indicator.to_numpy(dtype=object), use_na_sentinel=True)
    table = pd.DataFrame(list(spec.bounds), columns=["indicator", *BOUND_COLUMNS])
    table = table.set_index("indicator")
    tol = dict(spec.tolerance)
    per_id = table.reindex(list(ids)).to_numpy(dtype=float, copy=True)
    per_id[:, 0] -= [tol.get(i, 0.0) for i in ids]  # rounding noise: 100.0000001 % is 100 %
    per_id[:, 1] += [tol.get(i, 0.0) for i in ids]
    per_id = np.vstack([per_id, np.full(len(BOUND_COLUMNS), np.nan)])  # code -1: no indicator
    return pd.DataFrame(per_id[codes], index=indicator.index, columns=BOUND_COLUMNS)


def _when(ids: tuple[str, ...]) -> dict:
    return {"row_condition": Column("indicator").is_in(list(ids))}


def simple_masks(rows: pd.DataFrame, spec: SuiteSpec) -> dict[str, np.ndarray]:
    """The single-column rules, vectorised in pandas (code → failing rows).

    Membership, not-null and a range on one column are one numpy operation each; running
    them through great-expectations cost a third of a 100k-row upload (issue #14). The
    compound rules stay in the suite (:func:`build_suite`).
    """
    ind = rows["indicator"].astype(object)
    period_idx = rows["period_idx"].to_numpy(dtype=float)
    return {
        "unknown_indicator": ~ind.isin(spec.indicators).to_numpy(),
        "not_uploadable": ind.isin(spec.not_uploadable).to_numpy(),
        "unknown_area": ~rows["area"].astype(object).isin(spec.areas).to_numpy(),
        "bad_period": rows["period"].isna().to_numpy(),
        "future_period": ~np.isnan(period_idx) & (period_idx > spec.last_ended),
        "no_value": rows["value"].isna().to_numpy(),
    }


def build_suite(spec: SuiteSpec, name: str) -> gx.ExpectationSuite:
    """The compound rules (column pairs, a row condition, unique keys); ``meta.code`` names
    the rule for the report. Single-column rules are :func:`simple_masks`."""
    context()  # an ExpectationSuite needs an active (ephemeral) context
    suite = gx.ExpectationSuite(name=name)
    add = suite.add_expectation
    for a, b in (("period_idx", "period_first"), ("period_last", "period_idx")):
        add(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=a,
                column_B=b,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                description="报告期须在指标所属规划的期间内（基期至末年）",
                meta={"code": "outside_plan", "field": "period"},
            )
        )
    if spec.annual_only:
        add(
            gxe.ExpectColumnValuesToBeInSet(
                column="period_annual",
                value_set=[True],
                description="按年报送的指标只接受年度报告期",
                meta={"code": "frequency", "field": "period"},
                **_when(spec.annual_only),
            )
        )
    for a, b in (("value", "value_min"), ("value_max", "value")):
        add(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=a,
                column_B=b,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                description="数值须在指标的有效范围（valid_range）内",
                meta={"code": "out_of_range", "field": "value"},
            )
        )
    add(
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=KEY,
            ignore_row_if="any_value_is_missing",
            description="同一指标、地区、报告期只能有一行",
            meta={"code": "duplicate", "field": "value"},
        )
    )
    return suite
