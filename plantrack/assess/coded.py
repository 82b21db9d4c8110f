"""Observations as integer codes, and the district sums and weighted means over them.

Used by :mod:`plantrack.assess.rollup` (methods.md §5), where the rules are; this module makes
them fast over a province's 1 M rows.

The indicator, area and period columns are factorized once (a category column gives its codes
for free; Arrow strings are dictionary-encoded; object strings are hashed) into small arrays of
distinct labels, **sorted**, so that a code compares as its label does: groups keyed by codes
come out in the order pandas gives when grouping by the text. Masks are look-ups in tables of
one entry per label; nothing of the table is copied. Periods are put in canonical form label by
label (``2023年第四季度`` → ``2023Q4``); two spellings of one period share a code.

Code -1 is a missing value; every look-up table has one extra last entry for it. Sums are
pandas group sums over the rows in table order, so they are bit for bit those of a groupby
over the text columns.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from plantrack.periods import parse_period


def labelled(labels: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The label of each code (object; None for -1)."""
    return np.concatenate([labels, np.array([None], dtype=object)])[codes]


def _codes(column: pd.Series, sort: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes into the labels, -1 where missing; the labels, sorted; which labels occur)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw = column.cat.codes.to_numpy()
        labels = np.asarray(column.cat.categories, dtype=object)
        seen = np.bincount(raw[raw >= 0], minlength=len(labels)) > 0
    else:
        raw, uniques = pd.factorize(column)
        labels = np.asarray(uniques, dtype=object)
        seen = np.ones(len(labels), dtype=bool)
    if not sort:
        return raw, labels, seen
    try:
        order = np.argsort(labels, kind="stable")
    except TypeError:  # labels of mixed types (object column): by text
        order = np.argsort(labels.astype(str), kind="stable")
    rank = np.empty(len(labels) + 1, dtype=np.int32)
    rank[order] = np.arange(len(labels), dtype=np.int32)
    rank[-1] = -1
    return rank[raw], labels[order], seen[order]


class Coded:
    """``obs`` as codes: ``ind``, ``area``, ``per`` (canonical period) and float ``value``.

    ``inds``, ``areas`` and ``periods`` are the sorted labels; ``ends`` the period end of each
    period label (months, :attr:`Period.index`), -1 where the label is not a period;
    ``rewrite`` whether some period is not written in canonical form.
    """

    def __init__(self, obs: pd.DataFrame, value: np.ndarray) -> None:
        self.n = len(obs)
        self.ind, self.inds, _ = _codes(obs["indicator"])
        self.area, self.areas, _ = _codes(obs["area"])
        raw, labels, seen = _codes(obs["period"], sort=False)
        canon = np.array([str(parse_period(p) or p) for p in labels], dtype=object)
        self.rewrite = bool((canon[seen] != labels[seen]).any())
        self.periods, inverse = np.unique(canon, return_inverse=True)
        self.per = np.append(inverse.astype(np.int32), np.int32(-1))[raw]
        self.ends = np.array(
            [getattr(parse_period(t), "index", -1) for t in self.periods], dtype=np.int64
        )
        self.value = value

    def subset(self, mask: np.ndarray) -> Coded:
        """The rows where ``mask`` is true (same labels)."""
        rows = np.flatnonzero(mask)
        out = copy.copy(self)
        out.n, out.ind, out.area = len(rows), self.ind[rows], self.area[rows]
        out.per, out.value = self.per[rows], self.value[rows]
        return out

    def period_column(self) -> np.ndarray:
        """The period of every row in canonical form (object; None where missing)."""
        return labelled(self.periods, self.per)

    @staticmethod
    def table(labels: np.ndarray, wanted: Iterable[object]) -> np.ndarray:
        """One bool per label (and False for a missing value): is the label ``wanted``."""
        return np.append(pd.Index(labels).isin(list(wanted)), False)

    def code(self, labels: np.ndarray, label: object) -> int:
        """The code of ``label`` among ``labels``, -1 when it does not occur."""
        where = np.flatnonzero(self.table(labels, [label])[:-1])
        return int(where[0]) if len(where) else -1

    def period_index(self, per: np.ndarray) -> np.ndarray:
        """Period end of codes ``per``; ValueError naming the first that is not a period
        (the message of rollup._period_index)."""
        if (per < 0).any():
            raise ValueError("无法识别的报告期：空值")
        ends = self.ends[per]
        bad = ends < 0
        if bad.any():
            raise ValueError(f"无法识别的报告期：{self.periods[per[np.argmax(bad)]]!r}")
        return ends


_STALE = 9  # months: a weight may come from up to 3 quarters before the period


def _groups(key: np.ndarray, n_keys: int) -> tuple[pd.Series, np.ndarray]:
    """Rows grouped by ``key`` (in 0 … n_keys-1): the group of each row as a category, which
    pandas groups by without hashing, and the key of each group, ascending."""
    if n_keys <= 4 * len(key) + (1 << 20):
        present = np.bincount(key, minlength=n_keys) > 0
        keys = np.flatnonzero(present)
        group = (np.cumsum(present) - 1)[key]
    else:
        keys, group = np.unique(key, return_inverse=True)
    codes = pd.Categorical.from_codes(group, categories=pd.RangeIndex(len(keys)))
    return pd.Series(codes, copy=False), keys


def _counts(group: pd.Series, area: np.ndarray) -> np.ndarray:
    """How many distinct areas (codes >= 0) each group has (as floats)."""
    n_groups, ok = len(group.cat.categories), area >= 0
    span = np.int64(area.max(initial=0)) + 1
    pairs = group.cat.codes.to_numpy()[ok].astype(np.int64) * span + area[ok]
    if n_groups * span <= 4 * len(pairs) + (1 << 20):
        seen = np.bincount(pairs, minlength=n_groups * span).reshape(n_groups, span) > 0
        return seen.sum(axis=1).astype(float)
    return np.bincount(pd.unique(pairs) // span, minlength=n_groups).astype(float)


def district_rows(
    inds: np.ndarray, periods: np.ndarray, values: np.ndarray, district: str, n: object
) -> pd.DataFrame:
    """District rows (``n_areas``: sub-areas behind each; None: not counted, NaN)."""
    return pd.DataFrame(
        {
            "indicator": pd.Series(inds, dtype=object),
            "area": district,
            "period": pd.Series(periods, dtype=object),
            "value": np.asarray(values, dtype=float),
            "n_areas": np.nan if n is None else np.asarray(n, dtype=float),
        }
    )


def sums(
    obs: Coded, mask: np.ndarray, ids: list[str], district: str, count: bool, how: str
) -> list[pd.DataFrame]:
    """District = Σ sub-areas (rows ``mask``) or their mean / median (``how``), for every
    indicator in ``ids`` at once; sums in row order, as a groupby over the text sums."""
    if not ids:
        return []
    rows = np.flatnonzero(mask & Coded.table(obs.inds, ids)[obs.ind] & (obs.per >= 0))
    n_per = len(obs.periods)
    group, keys = _groups(
        obs.ind[rows].astype(np.int64) * n_per + obs.per[rows], len(obs.inds) * n_per
    )
    value = obs.value[rows]
    grouped = pd.Series(value).groupby(group, observed=True)
    if how == "sum":
        totals = grouped.sum(min_count=1)
    else:  # NaN values are skipped; a group with none stays NaN and is dropped later
        totals = grouped.mean() if how == "mean" else grouped.median()
    has = ~np.isnan(value)
    n = _counts(group[has], obs.area[rows][has]) if count else None
    inds, periods = obs.inds[keys // n_per], obs.periods[keys % n_per]
    return [district_rows(inds, periods, totals.to_numpy(), district, n)]


def weighted(
    obs: Coded, mask: np.ndarray, weight_of: Mapping[str, str | None], district: str, count: bool
) -> list[pd.DataFrame]:
    """District = Σ w·x / Σ w over rows ``mask``, every weight taken at the period end or up
    to ``_STALE`` months before (the last reported there), for every indicator at once."""
    if not weight_of:
        return []
    mask = mask & ~np.isnan(obs.value)
    xi = np.flatnonzero(mask & Coded.table(obs.inds, weight_of)[obs.ind])
    wi = np.flatnonzero(mask & Coded.table(obs.inds, weight_of.values())[obs.ind])
    if not len(xi) or not len(wi):
        return []
    xp, wp = obs.period_index(obs.per[xi]), obs.period_index(obs.per[wi])
    position = {label: i for i, label in enumerate(obs.inds)}
    weight_code = [position.get(weight_of.get(label), -1) for label in obs.inds]
    xw = np.array(weight_code + [-1], dtype=np.int64)[obs.ind[xi]]
    n_area = len(obs.areas) + 1
    low = min(xp.min(), wp.min())
    span = max(xp.max(), wp.max()) - low + 1
    wkey = (obs.ind[wi].astype(np.int64) * n_area + obs.area[wi] + 1) * span + (wp - low)
    order = np.argsort(wkey, kind="stable")  # the last of equal keys is the last reported
    wkey = wkey[order]
    xkey = (xw * n_area + obs.area[xi] + 1) * span + (xp - low)
    pos = np.searchsorted(wkey, xkey, side="right") - 1
    found = wkey[np.maximum(pos, 0)]
    match = (xw >= 0) & (pos >= 0) & (found // span == xkey // span) & (xkey - found <= _STALE)
    rows = xi[match]
    value_w = obs.value[wi[order[pos[match]]]]
    n_per = len(obs.periods)
    group, keys = _groups(
        obs.ind[rows].astype(np.int64) * n_per + obs.per[rows], len(obs.inds) * n_per
    )
    both = pd.DataFrame({"wx": obs.value[rows] * value_w, "value_w": value_w})
    totals = both.groupby(group, observed=True)[["wx", "value_w"]].sum()
    positive = totals["value_w"].to_numpy() > 0
    ratio = (totals["wx"] / totals["value_w"]).to_numpy()[positive]
    n = _counts(group, obs.area[rows])[positive] if count else None
    keys = keys[positive]
    inds, periods = obs.inds[keys // n_per], obs.periods[keys % n_per]
    return [district_rows(inds, periods, ratio, district, n)]
