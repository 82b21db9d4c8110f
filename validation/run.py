"""Run the suite on the normalised rows and turn its results into :class:`Problem` s.

``unexpected_index_list`` (with ``rid`` as the index column) maps each failure back to its
row and cell. Only the first problem per cell is kept (a 2031Q1 period is "not yet ended",
not also "outside the plan"). Rows without errors then go through the cross-row checks of
:mod:`validation.checks`, which give warnings.
"""

from __future__ import annotations

import pandas as pd

from plantrack.ingest.report import Problem
from validation import checks
from validation._gx import LOCK, context, gx
from validation.messages import Context, error_message, problem
from validation.suite import BOUND_COLUMNS, KEY, SuiteSpec, bound_columns, build_suite

GX_COLUMNS = ["rid", "indicator", "area", "period", "period_idx", "period_annual", "value"]
_definitions: dict[SuiteSpec, object] = {}


def _definition(spec: SuiteSpec):
    ctx, batch = context()
    if spec not in _definitions:
        name = f"plantrack_upload_{len(_definitions) + 1}"
        suite = ctx.suites.add(build_suite(spec, name))
        _definitions[spec] = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
    return _definitions[spec]


def run_suite(rows: pd.DataFrame, spec: SuiteSpec) -> list[tuple[dict, list[int]]]:
    """(meta, failing rids) for every expectation that failed, in suite order."""
    frame = rows[GX_COLUMNS].copy()
    for col in ("indicator", "area", "period"):
        frame[col] = frame[col].astype(object)
    frame[BOUND_COLUMNS] = bound_columns(frame["indicator"], spec)
    with LOCK:
        result = _definition(spec).run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["rid"]},
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
        rids = [int(d["rid"]) for d in r.result.get("unexpected_index_list") or []]
        failures.append((meta, rids))
    rank: dict[str | None, int] = {c: i for i, c in enumerate(CODE_ORDER)}
    failures.sort(key=lambda f: rank.get(f[0].get("code"), len(rank)))
    return failures


CODE_ORDER = [
    "internal",
    "unknown_indicator",
    "not_uploadable",
    "unknown_area",
    "bad_period",
    "future_period",
    "outside_plan",
    "frequency",
    "no_value",
    "out_of_range",
    "duplicate",
]


def validate(rows: pd.DataFrame, ctx: Context, spec: SuiteSpec) -> list[Problem]:
    """Errors from the suite, then warnings from the cross-row checks on the clean rows."""
    if rows.empty:
        return []
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for meta, rids in run_suite(rows, spec):
        code, fld = meta.get("code", "?"), meta.get("field", "value")
        if code == "internal":
            problems.append(
                Problem("error", "internal", _internal(meta), ctx.file, column=None, header=None)
            )
            continue
        hit = rows.iloc[sorted(set(rids))] if rids else rows.iloc[[]]
        others = _duplicate_rows(hit) if code == "duplicate" else {}
        for rec in hit.to_dict("records"):
            key = (int(rec["rid"]), fld)
            if key in seen:
                continue
            seen.add(key)
            m = {**meta, "others": others.get(int(rec["rid"]), [])}
            problems.append(problem(ctx, rec, "error", code, fld, error_message(ctx, code, rec, m)))
    bad = {rid for rid, _ in seen}
    clean = rows[~rows["rid"].isin(bad)]
    if not any(p.code == "internal" for p in problems):
        problems.extend(checks.warnings(clean, rows, ctx))
    return problems


def _duplicate_rows(hit: pd.DataFrame) -> dict[int, list[int]]:
    """For each duplicated row, the sheet rows of the others with the same key."""
    out: dict[int, list[int]] = {}
    for _, group in hit.groupby(KEY, sort=False):
        sheet_rows = group["row"].astype(int).tolist()
        for rid, row in zip(group["rid"].astype(int), sheet_rows, strict=True):
            out[rid] = sorted({r for r in sheet_rows if r != row})
    return out


def _internal(meta: dict) -> str:
    return (
        f"数据检查程序内部出错（{meta.get('detail') or '未知原因'}），本次未写入任何数据。"
        "请把文件和这条信息发给系统管理员。"
    )
