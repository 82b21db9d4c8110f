"""Roll-up over areas, roll-up gaps and area ranking (methods.md §5).

- ``sum``: the district value is the sum over its sub-areas.
- ``weighted_mean``: Σ wᵢ·xᵢ / Σ wᵢ over sub-areas with both a value and a weight.
- ``mean`` / ``median``: the unweighted mean / median over the sub-areas with a value (a
  parent area without a weight series: countries of a region, 街道 without population).
- ``formula``: each area's value is the formula over its own components; the district's is
  the formula over the components summed over the sub-areas that have every component in
  that period (so numerator and denominator cover the same areas), never an average of
  ratios.

Series of different frequencies meet by period end: a weight or component missing at a
period is taken from its latest value up to three quarters earlier (population is annual,
rates and counts are often quarterly: 2023Q1–Q3 use the 2022 population, 2023Q4 the 2023 one).

Completeness: given the registry's sub-areas (``subareas``), the district is rolled up
only over them, and only for a period to which every one of them contributed (``sum``: a
value; ``weighted_mean``: a value and a weight; ``formula``: every component, within the
staleness window above). A period some 街道 have not reported yet gets no district value, so
the last complete period stays the district's latest; :func:`rollup_coverage` says how many
contributed. Without ``subareas`` every reporting area counts and no period is left out.

Formulas are parsed and evaluated by :mod:`plantrack.formula` (ids, numbers, + - * /,
parentheses; anything else is a ``FormulaError``, a ValueError). A value reported directly
wins over a computed one ending at the same period end (a reported ``2023Q4`` over a
computed ``2023`` and the other way round). Periods are returned in canonical form
(``2023Q1``, ``2023``); computed values that are not finite (a division by zero) are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from plantrack.assess.coded import Coded, district_rows, labelled, sums, weighted
from plantrack.formula import eval_formula, formula_names
from plantrack.periods import parse_period

METHODS = ("sum", "weighted_mean", "mean", "median", "formula", "none")
_COLUMNS = ["indicator", "area", "period", "value"]
_N = "n_areas"  # internal: sub-areas behind a district roll-up
_STALE = 9  # months: a weight or component may come from up to 3 quarters before the period


@dataclass(frozen=True)
class RollupSpec:
    """How one indicator rolls up from sub-areas to the district."""

    id: str
    method: str
    weight: str | None = None
    formula: str | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            known = "/".join(METHODS)
            raise ValueError(f"指标 {self.id}：汇总方式 {self.method!r} 未知（应为 {known}）")
        if self.method == "weighted_mean" and not self.weight:
            raise ValueError(f"指标 {self.id}：加权平均须指定权重指标（weight）")
        if self.method == "formula":
            if not self.formula:
                raise ValueError(f"指标 {self.id}：公式汇总须给出公式（formula）")
            _evaluate(self.formula, {c: np.ones(1) for c in formula_names(self.formula)}, 1)


def _evaluate(formula: str, env: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """The formula elementwise over ``n`` rows (inf/NaN where a division is by zero)."""
    with np.errstate(all="ignore"):
        return np.broadcast_to(np.asarray(eval_formula(formula, env), dtype=float), (n,))


def _normalise(obs: pd.DataFrame) -> pd.DataFrame:
    """A copy with canonical periods, float values and a ``source`` column."""
    out = obs.copy()
    codes, uniques = pd.factorize(out["period"])
    canon = [str(parse_period(p) or p) for p in uniques]
    if canon != list(uniques):  # rewrite only when some period is not in canonical form
        out["period"] = np.array(canon + [None], dtype=object)[codes]
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    if "source" not in out:
        out["source"] = "reported"
    return out


def _period_index(periods: pd.Series) -> np.ndarray:
    """Quarter index of each period's end; ValueError naming a period that is not one."""
    codes, uniques = pd.factorize(periods)
    if (codes < 0).any():
        raise ValueError("无法识别的报告期：空值")
    index = np.empty(len(uniques), dtype=np.int64)
    for i, text in enumerate(uniques):
        period = parse_period(text)
        if period is None:
            raise ValueError(f"无法识别的报告期：{text!r}")
        index[i] = period.index
    return index[codes]


def _ends(periods: pd.Series) -> np.ndarray:
    """Quarter index of each period's end, -1 where the text is not a period."""
    codes, uniques = pd.factorize(periods)
    index = np.array([getattr(parse_period(t), "index", -1) for t in uniques] + [-1])
    return index.astype(np.int64)[codes]


def _formula(
    parts: _Components, spec: RollupSpec, district: str, count: bool
) -> list[pd.DataFrame]:
    """Each area's value from its own components; the district's from their sums.

    The formula is evaluated at every period end at which some component is reported; each
    component is taken at that end or, failing that, its latest value within the year before
    (``_STALE`` quarters), so quarterly instructors meet annual population. The period is
    written as the first component (in formula order) writes it.
    """
    formula = spec.formula or ""
    comps = list(dict.fromkeys(formula_names(formula)))
    codes = [parts.code[c] for c in comps]
    rows = parts.rows[parts.rows["ind"].isin(codes)]
    if len(np.unique(rows["ind"])) < len(codes):
        return []
    rank = np.full(len(parts.code), len(codes))
    rank[codes] = np.arange(len(codes))
    label = rows.assign(rank=rank[rows["ind"]]).sort_values(["rank", "pidx"])
    period_of = label.drop_duplicates("pidx").set_index("pidx")["period"]
    grid = rows[["area", "pidx"]].drop_duplicates().sort_values("pidx")
    for name, code in zip(comps, codes, strict=True):
        one = rows.loc[rows["ind"] == code, ["area", "pidx", "value"]].rename(
            columns={"value": name}
        )
        grid = pd.merge_asof(grid, one.sort_values("pidx"), on="pidx", by="area", tolerance=_STALE)
    grid = grid.dropna(subset=comps)
    own = _evaluate(formula, {name: grid[name].to_numpy() for name in comps}, len(grid))
    summed = grid.groupby("pidx")[comps].sum()
    n_areas = grid.groupby("pidx")["area"].nunique() if count else None
    total = _evaluate(formula, {name: summed[name].to_numpy() for name in comps}, len(summed))
    per_area = pd.DataFrame(
        {
            "indicator": spec.id,
            "area": parts.areas[grid["area"].to_numpy()],
            "period": period_of.loc[grid["pidx"]].to_numpy(dtype=object),
            "value": own,
        }
    )
    periods = period_of.loc[summed.index].to_numpy(dtype=object)
    names = np.full(len(periods), spec.id, dtype=object)
    return [per_area, district_rows(names, periods, total, district, n_areas)]


class _Components:
    """Formula components with integer codes: ``rows`` (ind, area, pidx, period, value)."""

    def __init__(self, sub: pd.DataFrame, names: set[str]) -> None:
        rows = _latest_per_end(sub[sub["indicator"].isin(list(names))].dropna(subset=["value"]))
        self.code = {name: i for i, name in enumerate(sorted(names))}
        area, uniques = pd.factorize(rows["area"])
        self.areas = np.asarray(uniques, dtype=object)
        ind = pd.Categorical(rows["indicator"], categories=sorted(names)).codes
        self.rows = pd.DataFrame(
            {"ind": ind, "area": area, "pidx": rows["pidx"].to_numpy(),
             "period": rows["period"].to_numpy(dtype=object), "value": rows["value"].to_numpy()}
        )  # fmt: skip


def _latest_per_end(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (indicator, area, period end), a year winning over its Q4; with ``pidx``."""
    text = rows["period"].astype(str)  # canonical: 2023, 2023Q4, 2023-12 (year wins, then Q)
    annual = text.str.len().eq(4).astype(np.int64) * 2 + text.str.contains("Q").astype(np.int64)
    rows = rows.assign(pidx=_period_index(rows["period"]), annual=annual)
    rows = rows.sort_values(["pidx", "annual"], kind="stable")
    return rows.drop_duplicates(["indicator", "area", "pidx"], keep="last")


def _coded(obs: pd.DataFrame) -> tuple[Coded, np.ndarray | None, pd.Series]:
    """``obs`` as codes; which rows are reported (None: all); the values as floats."""
    value = pd.to_numeric(obs["value"], errors="coerce").astype(float)
    reported = None
    if "source" in obs:
        reported = (obs["source"] == "reported").to_numpy(dtype=bool, na_value=False)
    return Coded(obs, value.to_numpy(dtype=float)), reported, value


def _computed(
    obs: Coded,
    reported: np.ndarray | None,
    specs: Sequence[RollupSpec],
    district: str,
    subareas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every computed value (district roll-ups, sub-area formulas), before reported wins.

    ``reported``: which rows are reported ones (None: all). Column ``n_areas``: for district
    rows, how many sub-areas contributed (NaN for sub-area rows, and when ``subareas`` is
    None: counting costs time). With ``subareas`` only those areas are used; incomplete
    periods are still here.
    """
    by_method: dict[str, list[RollupSpec]] = {m: [] for m in METHODS}
    for spec in specs:
        by_method[spec.method].append(spec)
    comps = {c for s in by_method["formula"] for c in formula_names(s.formula or "")}
    areas = np.append(obs.areas != district, True)
    if subareas is not None:
        areas &= Coded.table(obs.areas, subareas)
    mask = areas[obs.area]
    if reported is not None:
        mask &= reported
    count = subareas is not None
    frames = []
    for how in ("sum", "mean", "median"):
        frames += sums(obs, mask, [s.id for s in by_method[how]], district, count, how)
    weight_of = {s.id: s.weight for s in by_method["weighted_mean"]}
    frames += weighted(obs, mask, weight_of, district, count)
    if by_method["formula"]:
        sub = obs.subset(mask & Coded.table(obs.inds, comps)[obs.ind])
        area, period = labelled(sub.areas, sub.area), labelled(sub.periods, sub.per)
        rows = {"indicator": sub.inds[sub.ind], "area": area, "period": period}
        parts = _Components(pd.DataFrame({**rows, "value": sub.value}), comps)
        for spec in by_method["formula"]:
            frames += _formula(parts, spec, district, count)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("indicator", "area", "period") else float)
             for c in [*_COLUMNS, _N]}
        )  # fmt: skip
    out = pd.concat(frames, ignore_index=True)
    return out[np.isfinite(out["value"].to_numpy(dtype=float))]


def _complete(
    computed: pd.DataFrame, district: str, subareas: Sequence[str] | None
) -> pd.DataFrame:
    """Computed rows without the district roll-ups some sub-area did not contribute to."""
    if subareas is None:
        return computed
    keep = (computed["area"] != district) | (computed[_N] >= len(set(subareas)))
    return computed[keep]


def roll_up(
    obs: pd.DataFrame,
    specs: Sequence[RollupSpec],
    district: str,
    subareas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``obs`` plus computed rows where no value is reported directly (methods.md §5).

    Adds (or keeps) the column ``source``: ``reported`` / ``rollup``. Other columns of
    ``obs`` (batch, revision …) are kept; computed rows leave them empty (NA). With
    ``subareas`` (the registry's 街道 codes) a district roll-up is added only for periods
    every sub-area contributed to (module docstring). A computed row is dropped when a value
    is reported for the same indicator and area at the same period end, whatever its label.
    """
    coded, rows, value = _coded(obs)
    computed = _complete(_computed(coded, rows, specs, district, subareas), district, subareas)
    new = _not_reported(coded, computed.drop(columns=_N), district)
    reported = obs.copy(deep=False)  # copy-on-write: columns are copied only when changed
    if coded.rewrite:
        reported["period"] = coded.period_column()
    reported["value"] = value
    if "source" not in reported:
        reported["source"] = "reported"
    if new.empty:
        return reported
    new = new.assign(source="rollup").sort_values(["indicator", "area", "period"], kind="stable")
    # the same dtypes on both sides keep the concat from converting Arrow strings to objects
    dtypes = {}
    for col in [*_COLUMNS, "source"]:
        dtype = reported[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):  # new labels become categories, not NaN
            extra = pd.Index(new[col].dropna().unique()).difference(dtype.categories)
            if len(extra):
                reported[col] = reported[col].cat.add_categories(extra)
        dtypes[col] = reported[col].dtype
    return pd.concat([reported, new.astype(dtypes)], ignore_index=True)


def _not_reported(obs: Coded, computed: pd.DataFrame, district: str) -> pd.DataFrame:
    """Computed rows for which no value is reported with the same indicator and area at the
    same period end. Only district rows and formula indicators' rows can meet one."""
    if computed.empty:
        return computed
    formulas = pd.unique(computed.loc[computed["area"] != district, "indicator"])
    known = np.append(obs.areas == district, False)[obs.area]
    known |= Coded.table(obs.inds, formulas)[obs.ind]
    have = obs.subset(known & ~np.isnan(obs.value))
    ends = np.append(obs.ends, -1)[have.per]
    end = _ends(computed["period"])
    span = max(int(obs.ends.max(initial=0)), int(end.max(initial=0)), 0) + 1
    n_area = len(obs.areas) + 1
    keys = (have.ind.astype(np.int64) * n_area + have.area + 1) * span + ends
    have_keys = pd.Index(keys[ends >= 0]).unique()
    ind = pd.Index(obs.inds).get_indexer(computed["indicator"])
    area = pd.Index(obs.areas).get_indexer(computed["area"])
    key = (ind.astype(np.int64) * n_area + area + 1) * span + end
    met = (ind >= 0) & (area >= 0) & (end >= 0) & pd.Index(key).isin(have_keys)
    return computed[~met]


def rollup_coverage(
    obs: pd.DataFrame, specs: Sequence[RollupSpec], district: str, subareas: Sequence[str]
) -> pd.DataFrame:
    """How many sub-areas each district roll-up (indicator, period) is built from.

    Columns indicator, period, areas (sub-areas that contributed), expected (the number of
    ``subareas``) and complete; one row per period some sub-area contributed to, including
    the incomplete ones :func:`roll_up` leaves out. Ordered by indicator and period end.
    """
    coded, reported, _ = _coded(obs)
    computed = _computed(coded, reported, specs, district, subareas)
    rows = computed[computed["area"] == district]
    expected = len(set(subareas))
    out = pd.DataFrame(
        {
            "indicator": rows["indicator"].to_numpy(dtype=object),
            "period": rows["period"].to_numpy(dtype=object),
            "areas": rows[_N].to_numpy(dtype=np.int64),
            "expected": expected,
            "complete": rows[_N].to_numpy() >= expected,
            "_end": _ends(rows["period"]),
        }
    )
    out = out.sort_values(["indicator", "_end", "period"], kind="stable")
    return out.drop(columns="_end").reset_index(drop=True)


def rollup_gaps(
    obs: pd.DataFrame,
    specs: Sequence[RollupSpec],
    district: str,
    threshold: float = 0.01,
    subareas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """District values reported directly that differ from the roll-up by more than 1 %.

    The roll-up is the one ending at the same period end (``2023Q4`` meets ``2023``); with
    ``subareas`` only complete roll-ups are compared. ``rel_diff`` = |reported − rolled_up| /
    |rolled_up|; None (and listed) when the roll-up is 0 and the reported value is not.
    """
    reported = _normalise(obs)
    coded, rows, _ = _coded(reported)
    computed = _complete(_computed(coded, rows, specs, district, subareas), district, subareas)
    computed = computed[computed["area"] == district]
    computed = computed.assign(pidx=_ends(computed["period"]))[["indicator", "pidx", "value"]]
    rep = reported[(reported["area"] == district) & (reported["source"] == "reported")]
    rep = rep.dropna(subset=["value"])
    rep = rep.assign(pidx=_ends(rep["period"]))
    both = rep.merge(computed, on=["indicator", "pidx"], suffixes=("_r", "_c"))
    r, c = both["value_r"].to_numpy(float), both["value_c"].to_numpy(float)
    with np.errstate(all="ignore"):
        rel: np.ndarray = np.abs(r - c) / np.abs(c)
    flagged = np.where(c == 0, r != 0, rel > threshold + 1e-9)
    # numpy's stubs do not take None (an object scalar at run time) in where()
    out = pd.DataFrame(
        {"indicator": both["indicator"], "period": both["period"], "reported": r, "rolled_up": c,
         "rel_diff": np.where(c == 0, None, rel).astype(object)}  # type: ignore[call-overload]
    )[flagged]  # fmt: skip
    return out.sort_values(["indicator", "period"]).reset_index(drop=True)


def rank_areas(frame: pd.DataFrame, indicator: str, direction: int, exclude: str) -> pd.DataFrame:
    """Areas ranked by their latest value, best first (higher first when direction is +1).

    ``frame`` is an :func:`~plantrack.assess.frame.assess_frame` result (``latest_value``)
    or an observation table (the latest period of each area is used). Areas without a value
    come last, unranked; ties share a rank.
    """
    rows = frame[(frame["indicator"] == indicator) & (frame["area"] != exclude)]
    if "latest_value" not in rows:
        rows = _latest_per_end(_normalise(rows).dropna(subset=["value"]))
        rows = rows.drop_duplicates("area", keep="last").drop(columns=["pidx", "annual"])
        rows = rows.rename(columns={"value": "latest_value", "period": "latest_period"})
    value = pd.to_numeric(rows["latest_value"], errors="coerce").astype(float) * direction
    rank = value.rank(method="min", ascending=False)
    out = rows.assign(_key=-value.fillna(-np.inf)).sort_values(["_key", "area"], kind="stable")
    out.insert(0, "rank", [None if pd.isna(v) else int(v) for v in rank.loc[out.index]])
    return out.drop(columns="_key").reset_index(drop=True)
