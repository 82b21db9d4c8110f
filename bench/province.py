"""A synthetic province-scale workspace for benchmarks: 150 areas, 300 indicators, 24 quarters.

    python -m bench.province /tmp/province      # writes indicators.yaml + province.duckdb

The registry has one province-level area and 149 sub-areas, and six five-year plans of 50
indicators each: targets rolled up by sum, by population-weighted mean or not at all,
monitors, and one milestone per plan. Every area reports every quarter from 2020Q1 to 2025Q4
(the province its own figure beside the roll-up): about 1.1 million observations, loaded
through :meth:`plantrack.store.Store.load` one quarter per batch. The numbers are random but
seeded (the same call writes the same data); growth paces vary so that every verdict occurs.
Nothing here is used by the app.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from plantrack.periods import Period
from plantrack.settings import Settings
from plantrack.workspace import open_workspace

N_SUBAREAS = 149
N_PLANS = 6
PER_PLAN = 50
YEARS = range(2020, 2026)
DEPARTMENTS = [
    "省发展改革委", "省教育厅", "省科技厅", "省工业和信息化厅", "省民政厅", "省财政厅",
    "省人力资源和社会保障厅", "省人力资源社会保障厅", "省自然资源厅", "省生态环境厅",
    "省住房城乡建设厅", "省交通运输厅", "省水利厅", "省农业农村厅", "省商务厅",
    "省文化和旅游厅", "省卫生健康委", "省卫健委", "省体育局", "省统计局",
]  # fmt: skip
POPULATION = "common.population"


def _indicator(i: int, plan: str) -> dict:
    """Indicator ``i`` (0-based within all 300) of ``plan``: its kind follows its position."""
    j = i % PER_PLAN
    base = {
        "id": f"{plan}.ind{i:03d}",
        "name": f"模拟指标{i:03d}",
        "name_en": f"Synthetic indicator {i:03d}",
        "plan": plan,
        "direction": "up",
        "lead": [DEPARTMENTS[i % len(DEPARTMENTS)]],
        "participating": [DEPARTMENTS[(i * 7 + 3) % len(DEPARTMENTS)]],
        "clause": f"到2025年，模拟指标{i:03d}达到规划目标。（合成数据，仅用于性能测试）",
        "measure": "stock",
        "frequency": "quarter",
    }
    if j == PER_PLAN - 1:  # one milestone per plan
        return base | {
            "kind": "milestone",
            "unit": "是/否",
            "attribute": "约束性",
            "deadline": f"{2022 + i // PER_PLAN % 4}-12-31",
            "rollup": {"method": "none"},
            "uploadable": False,
            "frequency": "year",
        }
    if j >= 40:  # nine monitors per plan
        return base | {"kind": "monitor", "unit": "个", "attribute": None,
                       "rollup": {"method": "sum"}, "precision": 0}  # fmt: skip
    attribute = "约束性" if j % 2 == 0 else "预期性"
    if j % 3 == 1:  # rates: population-weighted mean
        rollup = {"method": "weighted_mean", "weight": POPULATION}
        unit, precision = "%", 1
    elif j % 10 == 9:  # reported at the top level only
        rollup, unit, precision = {"method": "none"}, "亿元", 2
    else:
        rollup, unit, precision = {"method": "sum"}, "人", 0
    return base | {"kind": "target", "unit": unit, "attribute": attribute, "rollup": rollup,
                   "precision": precision}  # fmt: skip


def _series(rng: np.random.Generator, n_areas: int, level: float, growth: float) -> np.ndarray:
    """Quarterly values (areas × 24) around ``level`` growing by ``growth`` a year, with noise."""
    area_level = level * rng.uniform(0.5, 1.5, size=(n_areas, 1))
    years = np.arange(24) / 4.0
    trend = (1.0 + growth) ** years
    noise = rng.normal(1.0, 0.01, size=(n_areas, 24))
    return area_level * trend * noise


def generate(out: Path, seed: int = 20251231) -> tuple[Path, Path, int]:
    """Write ``indicators.yaml`` and load ``province.duckdb`` in ``out``; returns paths and rows."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    province = {"code": "370000", "name": "示例省"}
    subareas = [
        {"code": f"37{k:04d}00", "name": f"模拟县{k:03d}"} for k in range(1, N_SUBAREAS + 1)
    ]
    sub_codes = [a["code"] for a in subareas]
    plans = [
        {"id": f"plan{p}", "name": f"示例省第{p}项“十四五”专项规划（模拟）",
         "short_name": f"专项规划{p}", "doc_no": f"示政发〔2021〕{p}号", "issuer": "示例省人民政府",
         "issued": "2021-06-30", "start_year": 2021, "end_year": 2025, "base_period": "2020",
         "source": "合成数据"}
        for p in range(1, N_PLANS + 1)
    ]  # fmt: skip
    population = {
        "id": POPULATION, "name": "常住人口", "name_en": "Resident population", "plan": "plan1",
        "kind": "monitor", "unit": "人", "direction": "up", "attribute": None, "lead": ["省统计局"],
        "clause": "人均指标的分母。", "measure": "stock", "frequency": "quarter",
        "rollup": {"method": "sum"}, "precision": 0,
    }  # fmt: skip
    indicators = [population]
    frames = []
    quarters = [Period(y, q) for y in YEARS for q in (1, 2, 3, 4)]
    period_text = np.array([str(p) for p in quarters], dtype=object)
    period_end = np.array([p.end for p in quarters], dtype=object)

    def add(ind_id: str, areas: list[str], values: np.ndarray) -> None:
        n = len(areas)
        frames.append(
            pd.DataFrame(
                {
                    "indicator": ind_id,
                    "area": np.repeat(np.array(areas, dtype=object), 24),
                    "period": np.tile(period_text, n),
                    "period_end": np.tile(period_end, n),
                    "value": np.round(values.reshape(-1), 4),
                    "note": None,
                }
            )
        )

    pop = _series(rng, N_SUBAREAS, 600_000, 0.004)
    add(POPULATION, sub_codes, np.round(pop))
    for i in range(N_PLANS * PER_PLAN - 1):
        plan = f"plan{i // PER_PLAN + 1}"
        ind = _indicator(i, plan)
        indicators.append(ind)
        if ind["kind"] == "milestone":
            continue
        # required growth 4 % a year; achieved growth varies so that every verdict appears
        pace = rng.choice([1.3, 1.0, 0.9, 0.6, 0.2, -0.4])
        method = ind["rollup"]["method"]
        # the province's own figure is reported too (it wins over the roll-up)
        if method == "weighted_mean":
            v = np.clip(_series(rng, N_SUBAREAS, 55.0, 0.04 * pace), 0, 100)
            top = (v * pop).sum(axis=0) / pop.sum(axis=0)
            add(ind["id"], [*sub_codes, province["code"]], np.vstack([v, top]))
        elif method == "none":  # every level reports its own figure; nothing is summed
            v = _series(rng, N_SUBAREAS + 1, 800.0, 0.04 * pace)
            top = v[-1]
            add(ind["id"], [*sub_codes, province["code"]], v)
        else:
            v = np.round(_series(rng, N_SUBAREAS, 2_000.0, 0.04 * pace))
            top = v.sum(axis=0)
            add(ind["id"], [*sub_codes, province["code"]], np.vstack([v, top]))
        base = float(top[3])
        if ind["kind"] == "target":
            target = round(base * 1.04**5, ind["precision"])
            ind["target"] = {"value": target, "period": "2025", "comparator": ">=",
                             "text": f"{target}以上"}  # fmt: skip
    registry = {
        "version": 1,
        "name": "示例省规划指标（合成，性能测试）",
        "areas": {"district": province, "subareas": subareas},
        "plans": plans,
        "indicators": indicators,
    }
    config = out / "indicators.yaml"
    yaml = YAML()
    yaml.allow_unicode = True
    with config.open("w", encoding="utf-8") as fh:
        yaml.dump(registry, fh)
    db = out / "province.duckdb"
    if db.exists():
        db.unlink()
    ws = open_workspace(settings=Settings(config, db, demo=False, uploads_dir=out / "uploads"))
    obs = pd.concat(frames, ignore_index=True)
    from plantrack.auth.accounts import script_actor

    actor = script_actor(ws.store, "bench", "bench-password-1")
    for k, p in enumerate(period_text):
        part = obs[obs["period"] == p]
        ws.store.load(
            part,
            actor=actor,
            source="bench",
            file_name=f"合成数据 {p}",
            config_hash=ws.config_hash,
            recorded_at=datetime(2020, 4, 15) + pd.DateOffset(months=3 * k),
        )
    return config, db, len(obs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for indicators.yaml and province.duckdb")
    args = parser.parse_args()
    start = time.perf_counter()
    config, db, rows = generate(args.out)
    took = time.perf_counter() - start
    print(f"{config}\n{db}\n{rows:,} observations in {took:.1f} s")


if __name__ == "__main__":
    main()
