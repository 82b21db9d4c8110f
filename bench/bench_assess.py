"""Benchmark of the vectorised assessment (and the roll-up) on synthetic tables.

    python bench/bench_assess.py            # demo, province and 1000 areas
    python bench/bench_assess.py --national # also 3000 areas × 300 indicators × 24 quarters

Prints the median of 3 runs of ``assess_frame`` (and ``roll_up``) per scale. Targets: demo
(18 areas × 20 indicators × 24 quarters) < 100 ms; province (150 × 300 × 24 ≈ 1.1 M rows) < 1 s.
The national scale (21.6 M rows) needs about 4 GB of memory and a minute.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

if not __package__:  # run as `python bench/bench_assess.py` from a checkout: import that checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plantrack.assess import RollupSpec, Rule, assess_frame, roll_up  # noqa: E402
from plantrack.periods import Period  # noqa: E402

AS_OF = date(2023, 12, 31)
QUARTERS = [f"{y}Q{q}" for y in range(2020, 2026) for q in range(1, 5)]  # 24 quarters


def make_rules(n_indicators: int) -> list[Rule]:
    """A realistic mix: targets (some decreasing, some flows), relative, monitor, milestone."""
    rules = []
    for i in range(n_indicators):
        rid, slot = f"ind{i:04d}", i % 20
        if slot < 13:
            d = -1 if slot % 4 == 0 else 1
            rules.append(
                Rule(
                    rid,
                    "target",
                    d,
                    Period(2020),
                    None,
                    100.0 + 10 * d,
                    Period(2025),
                    ">=" if d > 0 else "<=",
                    measure="flow" if slot == 12 else "stock",
                )
            )
        elif slot < 15:
            rules.append(
                Rule(rid, "relative", 1, None, None, None, None, ">=", reference="ind0000")
            )
        elif slot < 18:
            rules.append(Rule(rid, "monitor", 1, Period(2020), None, None, None, None))
        else:
            rules.append(
                Rule(rid, "milestone", 1, None, None, None, None, None, deadline=date(2023, 6, 30))
            )
    return rules  # fmt: skip


def make_specs(rules: list[Rule]) -> list[RollupSpec]:
    """Roll-ups: mostly sums, every 10th a population-weighted mean, every 20th a formula."""
    specs = []
    for i, r in enumerate(rules):
        if i % 20 == 19:
            specs.append(RollupSpec(r.id, "formula", None, f"ind{i - 1:04d} / ind0001 * 10000"))
        elif i % 10 == 9:
            specs.append(RollupSpec(r.id, "weighted_mean", "ind0001"))
        else:
            specs.append(RollupSpec(r.id, "sum"))
    return specs


def make_obs(n_areas: int, n_indicators: int, seed: int = 0) -> pd.DataFrame:
    """One value per indicator × area × quarter: a random walk around 100."""
    rng = np.random.default_rng(seed)
    n_q = len(QUARTERS)
    steps = rng.normal(0.3, 1.0, size=(n_indicators * n_areas, n_q))
    values = (100.0 + np.cumsum(steps, axis=1)).ravel()
    ind = np.array([f"ind{i:04d}" for i in range(n_indicators)], dtype=object)
    area = np.array([f"A{a:05d}" for a in range(n_areas)], dtype=object)
    return pd.DataFrame(
        {
            "indicator": np.repeat(ind, n_areas * n_q),
            "area": np.tile(np.repeat(area, n_q), n_indicators),
            "period": np.tile(np.array(QUARTERS, dtype=object), n_indicators * n_areas),
            "value": values,
        }
    )


def median_seconds(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(name: str, n_areas: int, n_indicators: int, with_rollup: bool) -> tuple:
    rules = make_rules(n_indicators)
    obs = make_obs(n_areas, n_indicators)
    seconds = median_seconds(lambda: assess_frame(rules, obs, AS_OF, default_area="D"))
    out = assess_frame(rules, obs, AS_OF, default_area="D")
    specs = make_specs(rules)
    roll = median_seconds(lambda: roll_up(obs, specs, "D")) if with_rollup else None
    return name, n_areas, n_indicators, len(obs), len(out), seconds, roll


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true", help="also 3000 areas (≈ 21.6 M rows)")
    args = parser.parse_args()
    scales = [("demo", 18, 20), ("province", 150, 300), ("large", 1000, 300)]
    if args.national:
        scales.append(("national", 3000, 300))
    versions = (
        f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {versions}")
    print(f"as of {AS_OF}; median of 3 runs\n")
    header = f"{'scale':<9} {'areas':>6} {'indic.':>6} {'obs rows':>11} {'out rows':>9}"
    print(f"{header} {'assess_frame':>13} {'roll_up':>9}")
    for name, n_areas, n_ind in scales:
        r = run(name, n_areas, n_ind, with_rollup=name in ("demo", "province"))
        roll = f"{r[6] * 1000:7.0f} ms" if r[6] is not None else f"{'—':>9}"
        print(f"{r[0]:<9} {r[1]:>6} {r[2]:>6} {r[3]:>11,} {r[4]:>9,} {r[5] * 1000:10.0f} ms {roll}")


if __name__ == "__main__":
    main()
