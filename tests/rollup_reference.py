"""The roll-up as it was before it worked on integer codes (commit cb626dd), kept as the
reference that tests/test_rollup_equivalence.py compares :mod:`plantrack.assess.rollup` with.

Do not use it elsewhere and do not "fix" it: it is the behaviour the fast version must keep.
(It cannot take object or category text columns when there is a weighted mean: pandas 3's
merge_asof refuses to join them with the str column that ``Series.map`` makes.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from plantrack.assess.rollup import METHODS, RollupSpec
from plantrack.formula import eval_formula, formula_names
from plantrack.periods import parse_period

_COLUMNS = ["indicator", "area", "period", "value"]
_N = "n_areas"  # internal: sub-areas behind a district roll-up
_STALE = 9  # months: a weight or component may come from up to 3 quarters before the period


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


def _sums(
    sub: pd.DataFrame, ids: list[str], district: str, count: bool, how: str = "sum"
) -> list[pd.DataFrame]:
    """District = Σ sub-areas (or their mean / median: ``how``), for every indicator at once."""
    if not ids:
        return []
    groups = sub.groupby(["indicator", "period"])
    if how == "sum":
        totals = groups["value"].sum(min_count=1)
    else:  # NaN values are skipped; a group with none stays NaN and is dropped later
        totals = groups["value"].mean() if how == "mean" else groups["value"].median()
    keep = totals.index.get_level_values(0).isin(ids)
    n = None
    if count:  # sub-areas with a value
        n = sub["area"].where(sub["value"].notna()).groupby(groups.ngroup()).nunique()
        n = n.reindex(np.arange(len(totals)), fill_value=0).set_axis(totals.index)[keep]
    return [_district_rows(totals[keep], district, n)]


def _weighted(
    sub: pd.DataFrame, specs: list[RollupSpec], district: str, count: bool
) -> list[pd.DataFrame]:
    """District = Σ w·x / Σ w, for every ``weighted_mean`` indicator at once."""
    weight_of = {s.id: s.weight for s in specs}
    if not weight_of:
        return []
    x = sub[sub["indicator"].isin(list(weight_of))].dropna(subset=["value"])
    w = sub[sub["indicator"].isin(list(weight_of.values()))].dropna(subset=["value"])
    if x.empty or w.empty:
        return []
    x = x.assign(weight=x["indicator"].map(weight_of), pidx=_period_index(x["period"]))
    w = w.assign(pidx=_period_index(w["period"]))[["indicator", "area", "pidx", "value"]]
    w = w.rename(columns={"indicator": "weight", "value": "value_w"})
    both = pd.merge_asof(
        x.sort_values("pidx", kind="stable"),
        w.sort_values("pidx", kind="stable"),
        on="pidx",
        by=["area", "weight"],
        tolerance=_STALE,
    ).dropna(subset=["value_w"])
    both = both.assign(wx=both["value"] * both["value_w"])
    groups = both.groupby(["indicator", "period"])
    sums = groups[["wx", "value_w"]].sum()
    if count:
        sums["n"] = groups["area"].nunique()
    sums = sums[sums["value_w"] > 0]
    return [_district_rows(sums["wx"] / sums["value_w"], district, sums.get("n"))]


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
    index = pd.MultiIndex.from_product([[spec.id], periods], names=["indicator", "period"])
    return [per_area, _district_rows(pd.Series(total, index=index), district, n_areas)]


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


def _district_rows(values: pd.Series, district: str, n_areas: pd.Series | None) -> pd.DataFrame:
    """District rows from values indexed by (indicator, period) and sub-area counts (aligned
    with them; None: not counted, NaN)."""
    return pd.DataFrame(
        {
            "indicator": values.index.get_level_values(0).astype(object),
            "area": district,
            "period": values.index.get_level_values(1).astype(object),
            "value": values.to_numpy(dtype=float),
            _N: np.nan if n_areas is None else n_areas.to_numpy(dtype=float),
        }
    )


def _computed(
    obs: pd.DataFrame,
    specs: Sequence[RollupSpec],
    district: str,
    subareas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every computed value (district roll-ups, sub-area formulas), before reported wins.

    Column ``n_areas``: for district rows, how many sub-areas contributed (NaN for sub-area
    rows, and when ``subareas`` is None: counting costs time). With ``subareas`` only those
    areas are used; incomplete periods are still here.
    """
    by_method: dict[str, list[RollupSpec]] = {m: [] for m in METHODS}
    for spec in specs:
        by_method[spec.method].append(spec)
    comps = {c for s in by_method["formula"] for c in formula_names(s.formula or "")}
    needed = comps | {x for s in by_method["weighted_mean"] for x in (s.id, s.weight)}
    needed |= {s.id for m in ("sum", "mean", "median") for s in by_method[m]}
    mask = obs["indicator"].isin(list(needed)) & (obs["area"] != district)
    if subareas is not None:
        mask &= obs["area"].isin(list(subareas))
    sub = obs.loc[mask & (obs["source"] == "reported"), _COLUMNS]  # one take of four columns
    count = subareas is not None
    frames = _sums(sub, [s.id for s in by_method["sum"]], district, count)
    for how in ("mean", "median"):
        frames += _sums(sub, [s.id for s in by_method[how]], district, count, how)
    frames += _weighted(sub, by_method["weighted_mean"], district, count)
    if by_method["formula"]:
        parts = _Components(sub, comps)
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
    reported = _normalise(obs)
    computed = _complete(_computed(reported, specs, district, subareas), district, subareas)
    computed = computed.drop(columns=_N)
    areas = reported["indicator"].isin(
        pd.unique(computed.loc[computed["area"] != district, "indicator"])
    )
    known = (reported["area"] == district) | areas
    have = reported.loc[known & reported["value"].notna(), ["indicator", "area", "period"]]
    have = have.assign(pidx=_ends(have["period"]))
    have = have.loc[have["pidx"] >= 0, ["indicator", "area", "pidx"]].drop_duplicates()
    new = computed.assign(pidx=_ends(computed["period"]))
    new = new.merge(have, how="left", on=["indicator", "area", "pidx"], indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns=["_merge", "pidx"])
    new = new.assign(source="rollup").sort_values(["indicator", "area", "period"], kind="stable")
    if new.empty:
        return reported
    # the same dtypes on both sides keep the concat from converting Arrow strings to objects
    new = new.astype({c: reported[c].dtype for c in [*_COLUMNS, "source"]})
    return pd.concat([reported, new], ignore_index=True)


def rollup_coverage(
    obs: pd.DataFrame, specs: Sequence[RollupSpec], district: str, subareas: Sequence[str]
) -> pd.DataFrame:
    """How many sub-areas each district roll-up (indicator, period) is built from.

    Columns indicator, period, areas (sub-areas that contributed), expected (the number of
    ``subareas``) and complete; one row per period some sub-area contributed to, including
    the incomplete ones :func:`roll_up` leaves out. Ordered by indicator and period end.
    """
    computed = _computed(_normalise(obs), specs, district, subareas)
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
    computed = _complete(_computed(reported, specs, district, subareas), district, subareas)
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
