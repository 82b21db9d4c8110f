"""Benchmark of the upload path: validate and load a 100,000-row long CSV and .xlsx.

    python bench/bench_upload.py [--rows 100000]

A province-sized synthetic registry (the real indicators, 1,190 街道) lives in a temporary
folder, so 100,000 distinct (indicator, area, period) rows are valid. Every file is loaded
into a fresh DuckDB file. Prints the split (read, normalise, validate, load) per file; the
one-off import of great-expectations is shown on its own line.
Budgets (2-core machine): CSV under 5 s, .xlsx under 10 s.

Beside each, in the same process and interleaved (``--rounds``, medians), the *floor* the
issue measures against: pandas reads the file (calamine for .xlsx), great-expectations
runs five plain expectations on it, DuckDB inserts it into a fresh table. Goals (#14):
PlanTrack ≤ 3× the floor for CSV, ≤ 2× for .xlsx.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from plantrack.config import load_config  # noqa: E402
from plantrack.settings import Settings  # noqa: E402
from plantrack.workspace import open_workspace  # noqa: E402

PERIODS = {"quarter": ["2024Q1", "2024Q2", "2024Q3", "2024Q4"], "year": ["2023", "2024"]}


def province_registry(folder: Path, streets: int) -> Path:
    """The real indicators.yaml with ``streets`` synthetic 街道."""
    yaml = YAML()
    data = yaml.load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    data["areas"]["subareas"] = [
        {"code": f"370103{k:06d}", "name": f"第{k}街道", "aliases": []}
        for k in range(1, streets + 1)
    ]
    data.pop("tasks_file", None)
    path = folder / "indicators.yaml"
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


def synthetic_rows(config: Path) -> pd.DataFrame:
    """Consistent values: districts are the sum / population-weighted mean of their streets."""
    reg = load_config(config)
    rng = np.random.default_rng(7)
    district = reg.areas.district.code
    streets = [a.code for a in reg.areas.subareas]
    parts = []
    base_pop = rng.integers(20_000, 90_000, len(streets)).astype(float)
    pop = {y: np.round(base_pop * (1 + 0.01 * k)) for k, y in enumerate(PERIODS["year"])}
    for ind in reg.indicators:
        if not ind.uploadable:
            continue
        hi = ind.valid_range.max
        base = rng.uniform(0.4, 0.6, len(streets)) * (hi if hi and hi <= 100 else 1000)
        for k, period in enumerate(PERIODS[ind.frequency]):
            year = period[:4]
            if ind.rollup.method == "none":
                parts.append(
                    (ind.id, [district], [round(float(base[0]) * (1 + 0.01 * k), 2)], period)
                )
                continue
            if ind.id == "common.population":
                v = pop[year]
            elif hi is not None and hi < 100:  # 0/1 per street, total within the range
                v = np.zeros(len(streets))
                v[: int(hi) // 2] = 1
            else:
                v = np.round(base * (1 + 0.01 * k), 2)
            if ind.rollup.method == "weighted_mean":
                w = pop[year] if ind.rollup.weight in (None, "common.population") else None
                w = w if w is not None else np.full(len(streets), 1.0)
                d = round(float((v * w).sum() / w.sum()), 4)
            else:
                d = float(v.sum())
            parts.append((ind.id, [district, *streets], [d, *v.tolist()], period))
    frames = [
        pd.DataFrame({"指标代码": i, "地区代码": a, "报告期": p, "数值": v}) for i, a, v, p in parts
    ]
    df = pd.concat(frames, ignore_index=True)
    df["备注"] = ""
    return df


def weighted_ids_fix(df: pd.DataFrame, config: Path) -> pd.DataFrame:
    """Weights other than population (e.g. 持证残疾人数) are in the file too: recompute."""
    reg = load_config(config)
    district = reg.areas.district.code
    for ind in reg.indicators:
        if ind.rollup.method != "weighted_mean" or ind.rollup.weight in (None, "common.population"):
            continue
        for period in df.loc[df["指标代码"] == ind.id, "报告期"].unique():
            year = period[:4]
            w = df[(df["指标代码"] == ind.rollup.weight) & (df["报告期"] == year)]
            v = df[(df["指标代码"] == ind.id) & (df["报告期"] == period)]
            m = v.merge(w[["地区代码", "数值"]], on="地区代码", suffixes=("", "_w"))
            m = m[m["地区代码"] != district]
            wm = round(float((m["数值"] * m["数值_w"]).sum() / m["数值_w"].sum()), 4)
            sel = (
                (df["指标代码"] == ind.id) & (df["报告期"] == period) & (df["地区代码"] == district)
            )
            df.loc[sel, "数值"] = wm
    return df


def write_xlsx(df: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sh = wb.create_sheet("填报")
    sh.append(["合成数据 基准测试"])
    sh.append(["报告期", "2024"])
    sh.append([])
    sh.append(list(df.columns))
    for rec in df.itertuples(index=False):
        sh.append(list(rec))
    wb.save(path)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def run(ws_dir: Path, config: Path, file: Path) -> dict[str, float]:
    from plantrack import upload

    settings = Settings(config, ws_dir / f"{file.suffix[1:]}.duckdb", False, ws_dir / "uploads")
    ws = open_workspace(settings=settings)
    from plantrack.auth.accounts import script_actor

    actor = script_actor(ws.store, "bench", "bench-password-1")
    t0 = time.perf_counter()
    result = upload.check_path(ws, file, user="bench")
    if result.outcome != "valid":
        for p in result.report.problems[:5]:
            print("  ", p.text)
        raise SystemExit(f"{file.name}: {result.message}")
    reason = "基准测试" if result.report.warnings else None
    upload.load(ws, result, actor=actor, reason=reason, accept_warnings=True)
    total = time.perf_counter() - t0
    if result.outcome != "loaded":
        raise SystemExit(f"{file.name}: {result.message}")
    t = result.timings
    return {
        "rows": result.report.rows,
        "warnings": len(result.report.warnings),
        **{k: t.get(k, 0.0) for k in ("read", "normalise", "validate", "load", "gx_import")},
        "total": total - t.get("gx_import", 0.0),
    }


def floor(ws_dir: Path, file: Path, k: int) -> float:
    """Read + five plain GX expectations + a DuckDB insert: the least any upload does."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    t0 = time.perf_counter()
    if file.suffix == ".csv":
        df = pd.read_csv(file, dtype=str)
    else:
        df = pd.read_excel(file, engine="calamine", header=3, dtype=str)
    df["数值"] = pd.to_numeric(df["数值"], errors="coerce")
    ctx = gx.get_context(mode="ephemeral")
    batch = (
        ctx.data_sources.add_pandas(f"floor{k}")
        .add_dataframe_asset("rows")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    suite = gx.ExpectationSuite(name=f"floor{k}")
    codes = sorted(set(df["指标代码"]))
    for e in (
        gxe.ExpectColumnValuesToBeInSet(column="指标代码", value_set=codes),
        gxe.ExpectColumnValuesToNotBeNull(column="地区代码"),
        gxe.ExpectColumnValuesToNotBeNull(column="报告期"),
        gxe.ExpectColumnValuesToBeBetween(column="数值", min_value=-1e12, max_value=1e12),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["指标代码", "地区代码", "报告期"]),
    ):
        suite.add_expectation(e)
    if not batch.validate(suite, result_format="SUMMARY").success:
        raise SystemExit(f"floor: {file.name} fails the plain expectations")
    con = duckdb.connect(str(ws_dir / f"floor{k}{file.suffix[1:]}.duckdb"))
    con.execute("CREATE TABLE t AS SELECT * FROM df")
    con.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--streets", type=int, default=1190, help="synthetic 街道 (1,190 ≈ 100k rows)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="plantrack-bench-"))
    try:
        config = province_registry(tmp, args.streets)
        df = weighted_ids_fix(synthetic_rows(config), config)
        csv_path, xlsx_path = tmp / "bench.csv", tmp / "bench.xlsx"
        df.to_csv(csv_path, index=False, encoding="utf-8")
        write_xlsx(df, xlsx_path)
        runs: dict[str, list[dict[str, float]]] = {"CSV": [], ".xlsx": []}
        floors: dict[str, list[float]] = {"CSV": [], ".xlsx": []}
        for k in range(args.rounds):
            for name, path in (("CSV", csv_path), (".xlsx", xlsx_path)):
                folder = tmp / f"r{k}"
                folder.mkdir(exist_ok=True)
                runs[name].append(run(folder, config, path))
                floors[name].append(floor(folder, path, k))
        results = {n: _median(r) for n, r in runs.items()}
        floor_s = {n: statistics.median(f) for n, f in floors.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    budgets = {"CSV": 5.0, ".xlsx": 10.0}
    load = os.getloadavg()[0]
    print(
        f"\nupload benchmark: {len(df):,} rows, {args.streets:,} 街道 (seconds, median of {args.rounds})"
    )
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} when finished\n")
    head = f"{'file':<6} {'read':>6} {'normalise':>10} {'validate':>9} {'load':>6} {'total':>7} {'budget':>7}"
    print(head)
    print("-" * len(head))
    for name, r in results.items():
        ok = "ok" if r["total"] < budgets[name] else "OVER"
        print(
            f"{name:<6} {r['read']:>6.2f} {r['normalise']:>10.2f} {r['validate']:>9.2f} "
            f"{r['load']:>6.2f} {r['total']:>7.2f} {budgets[name]:>5.0f} {ok}"
        )
    goals = {"CSV": 3.0, ".xlsx": 2.0}
    print(f"\n{'file':<6} {'floor':>6} {'PlanTrack':>10} {'ratio':>6} {'goal':>6}")
    for name, r in results.items():
        ratio = r["total"] / floor_s[name]
        ok = "ok" if ratio <= goals[name] else "OVER"
        print(
            f"{name:<6} {floor_s[name]:>6.2f} {r['total']:>10.2f} {ratio:>6.2f} {goals[name]:>5.0f}× {ok}"
        )
    gx = runs["CSV"][0]["gx_import"]
    print(f"\none-off import of great-expectations in this process: {gx:.2f} s (not in totals)")
    print(
        f"warnings accepted: CSV {results['CSV']['warnings']}, .xlsx {results['.xlsx']['warnings']}"
    )


if __name__ == "__main__":
    main()
