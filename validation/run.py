"""Run the checks on the normalised rows and turn their results into :class:`Problem` s.

Single-column rules are numpy masks (:func:`validation.suite.simple_masks`); the compound
rules (plan period and valid range as column pairs, the annual-only row condition, unique
keys) run in great-expectations on the rows that passed the simple ones, and
``unexpected_index_list`` (with ``rid`` as the index column) maps each failure back to its
row. Only the first problem per cell is kept (a 2031Q1 period is "not yet ended", not also
"outside the plan"), and only the first :data:`~plantrack.ingest.report.MAX_PER_KIND` of a
kind are built as messages; the rest are counted. Duplicates are reported once per group.
Rows without errors then go through the cross-row checks of :mod:`validation.checks`,
which give warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plantrack.ingest.report import MAX_PER_KIND, Problem
from validation import checks
from validation._gx import LOCK, context
from validation.messages import Context, duplicate_message, error_message, problem
from validation.suite import (
    BOUND_COLUMNS,
    KEY,
    SuiteSpec,
    bound_columns,
    build_suite,
    simple_masks,
)

GX_COLUMNS = ["rid", "indicator", "area", "period", "period_idx", "period_annual", "value"]
_suites: dict[SuiteSpec, object] = {}
FIELD = {
    "unknown_indicator": "indicator",
    "not_uploadable": "value",
    "unknown_area": "area",
    "bad_period": "period",
    "future_period": "period",
    "outside_plan": "period",
    "frequency": "period",
    "no_value": "value",
    "out_of_range": "value",
    "duplicate": "value",
}
CODE_ORDER = list(FIELD)


def _suite(spec: SuiteSpec):
    """The suite for ``spec``, built once per process and kept in the ephemeral context."""
    ctx, _ = context()
    if spec not in _suites:
        name = f"plantrack_upload_{len(_suites) + 1}"
        _suites[spec] = ctx.suites.add(build_suite(spec, name))
    return _suites[spec]


def run_suite(rows: pd.DataFrame, spec: SuiteSpec) -> list[tuple[dict, list[int]]]:
    """(meta, failing rids) for every compound expectation that failed, in suite order."""
    if rows.empty:
        return []
    frame = rows[GX_COLUMNS].copy()
    frame.index = pd.Index(rows["rid"].to_numpy())  # unnamed: see the result format below
    for col in ("indicator", "area", "period"):
        frame[col] = frame[col].astype(object)
    frame[BOUND_COLUMNS] = bound_columns(frame["indicator"], spec)
    with LOCK:
        # Batch.validate, not ValidationDefinition.run: the latter also stores a deep copy
        # of the results (every failing row) in the context's results store
        batch = context()[1].get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            _suite(spec),
            # the frame's index is ``rid``: without named index columns great-expectations
            # returns the failing rows' index as one list (with them, a Python loop per row:
            # minutes for a file of duplicates, issue #11)
            result_format={"result_format": "COMPLETE", "exclude_unexpected_values": True},
        )
    failures: list[tuple[dict, list[int]]] = []
    for r in result.results:
        if r.success:
            continue
        meta = dict(r.expectation_config.meta or {})
        info = r.exception_info or {}
        if info.get("raised_exception"):
            meta = {"code": "internal", "field": "value", "detail": info.get("exception_message")}
            failures.append((meta, []))
            continue
        rids = np.asarray(r.result.get("unexpected_index_list") or [], dtype=np.int64).tolist()
        failures.append((meta, rids))
    return failures


def validate(rows: pd.DataFrame, ctx: Context, spec: SuiteSpec) -> tuple[list[Problem], dict]:
    """Errors (first ones of each kind, with the total count of each kind), then warnings
    from the cross-row checks on the clean rows."""
    if rows.empty:
        return [], {}
    n = len(rows)
    masks = simple_masks(rows, spec)
    simple_bad = np.zeros(n, dtype=bool)
    for m in masks.values():
        simple_bad |= m
    position = pd.Series(np.arange(n), index=rows["rid"].to_numpy())
    problems: list[Problem] = []
    totals: dict[str, int] = {}
    for meta, rids in run_suite(rows.loc[~simple_bad, GX_COLUMNS], spec):
        code = meta.get("code", "?")
        if code == "internal":
            problems.append(Problem("error", "internal", _internal(meta), ctx.file))
            continue
        hit = np.zeros(n, dtype=bool)
        hit[position.reindex(rids).dropna().to_numpy(dtype=int)] = True
        masks[code] = masks[code] | hit if code in masks else hit
    taken = {f: np.zeros(n, dtype=bool) for f in set(FIELD.values())}
    for code in CODE_ORDER:
        if code not in masks:
            continue
        fld = FIELD[code]
        hit = masks[code] & ~taken[fld]
        taken[fld] |= hit
        if not hit.any():
            continue
        if code == "duplicate":
            found, groups = _duplicates(ctx, rows[hit])
            problems += found
            totals[code] = groups
            continue
        if code == "unknown_area":  # one per source row, not one per year column
            found, n_rows = _per_source_row(ctx, rows[hit], code, fld)
            problems += found
            totals[code] = n_rows
            continue
        totals[code] = int(hit.sum())
        first = rows[hit].head(MAX_PER_KIND)
        problems += [
            problem(ctx, rec, "error", code, fld, error_message(ctx, code, rec, {}))
            for rec in first.to_dict("records")
        ]
    bad = np.zeros(n, dtype=bool)
    for m in taken.values():
        bad |= m
    if not any(p.code == "internal" for p in problems):
        problems.extend(checks.warnings(rows[~bad], rows, ctx))
    return problems, totals


def _duplicates(ctx: Context, hit: pd.DataFrame) -> tuple[list[Problem], int]:
    """One problem per group of rows with the same key, at the group's first row."""
    keys = hit[KEY].astype(object).fillna("")
    group = keys.groupby(KEY, sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    sheet_rows = hit["row"].to_numpy(dtype=np.int64)[order]
    out: list[Problem] = []
    recs = hit.iloc[order[starts[:MAX_PER_KIND]]].to_dict("records")
    ends = np.r_[starts[1:], len(order)]
    for rec, a, b in zip(recs, starts, ends, strict=False):
        others = sheet_rows[a + 1 : b]
        msg = duplicate_message(others[:10].tolist(), len(others))
        out.append(problem(ctx, rec, "error", "duplicate", "value", msg))
    return out, len(starts)


def _per_source_row(ctx: Context, hit: pd.DataFrame, code: str, fld: str):
    """One problem per row of the file (a wide row has a value per year or indicator column),
    saying how many of the row's value columns it covers."""
    per_row = hit["row"].value_counts(sort=False)
    out: list[Problem] = []
    for rec in hit.drop_duplicates("row").head(MAX_PER_KIND).to_dict("records"):
        msg = error_message(ctx, code, rec, {})
        k = int(per_row[rec["row"]])
        if k > 1:
            kind = "年份列" if rec.get("period_col") == rec.get("value_col") else "数值列"
            msg += f"（本行 {k} 个{kind}都是这个地区，只列一次。）"
        out.append(problem(ctx, rec, "error", code, fld, msg))
    return out, len(per_row)


def _internal(meta: dict) -> str:
    return (
        f"数据检查程序内部出错（{meta.get('detail') or '未知原因'}），本次未写入任何数据。"
        "请把文件和这条信息发给系统管理员。"
    )
