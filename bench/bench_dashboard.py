"""Dashboard speed: prints a table of measured times and memory against their targets.

    python -m bench.bench_dashboard                     # demo + province (generated once)
    python -m bench.bench_dashboard --province /tmp/pv  # reuse / keep the province data there
    python -m bench.bench_dashboard --skip-province

What is measured (the targets are those of issue 5):

(a) cold start: from ``streamlit run`` (process start) until the overview is fully drawn in
    headless Chromium — the script run finished, no element still loading, every visible
    chart and table drawn — with the demo data. Chromium is started before the clock.
    Median of five fresh servers.
(b) rerun: server time of an overview rerun after the as-of date changes, measured with
    AppTest (``at.run()`` after ``date_input.set_value``), median of 5 dates never assessed
    before in that process, after a first run and a warm-up change. Demo data and the
    synthetic province (``bench/province.py``: 150 areas, 300 indicators, 24 quarters,
    ~1.1M observations). Each runs in a fresh Python process.
(c) memory: VmRSS of the ``streamlit run`` process (``/proc/PID/status``) after the
    province overview is fully drawn in Chromium; VmHWM (its peak) is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATES = [date(2023, 12, 31), date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30),
         date(2025, 3, 31)]  # fmt: skip
WARM_UP = date(2023, 6, 30)


# -- (b) rerun, in a child process ---------------------------------------------------------


def measure_rerun(db: Path, config: Path) -> dict:
    """First run, and the median rerun after changing the as-of date (runs in this process)."""
    os.environ["PLANTRACK_DB"] = str(db)
    os.environ["PLANTRACK_CONFIG"] = str(config)
    os.environ["PLANTRACK_UPLOADS"] = str(db.parent / "uploads")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=600)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    at.date_input(key="as_of").set_value(WARM_UP)
    at.run()
    times = []
    for d in DATES:
        at.date_input(key="as_of").set_value(d)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return {"first": first, "median": statistics.median(times), "all": times}


def rerun_in_child(db: Path, config: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_dashboard", "--rerun", str(db), str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- (a) and (c): served app in Chromium -----------------------------------------------------


def _memory(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(rest.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def served_overview(db: Path, config: Path, timeout_ms: int) -> dict:
    """Start ``streamlit run``, open "/" in Chromium, wait until drawn: times and memory."""
    from tests.browser import VIEWPORT, browser, log_in, serve, wait_for_charts

    with browser() as b:
        page = b.new_page(viewport=VIEWPORT, locale="zh-CN")
        start = time.perf_counter()
        with serve(db, config, timeout=60) as served:
            healthy = time.perf_counter() - start
            page.goto(f"{served.url}/overview")
            log_in(page)  # the demo admin; the time includes the login
            charts = wait_for_charts(page, timeout_ms)
            drawn = time.perf_counter() - start
            rss, hwm = _memory(served.pid)
            errors = page.locator("[data-testid='stException']").count()
    return {"healthy": healthy, "drawn": drawn, "charts": charts, "rss": rss, "hwm": hwm,
            "errors": errors}  # fmt: skip


# -- data -----------------------------------------------------------------------------------


def demo_database(folder: Path) -> tuple[Path, Path]:
    from plantrack.settings import DEFAULT_CONFIG, Settings
    from plantrack.workspace import fill_demo, open_workspace

    db = folder / "demo.duckdb"
    ws = open_workspace(settings=Settings(DEFAULT_CONFIG, db, False, folder / "uploads"))
    fill_demo(ws)
    return db, DEFAULT_CONFIG


def province_database(folder: Path) -> tuple[Path, Path]:
    from bench.province import generate

    db, config = folder / "province.duckdb", folder / "indicators.yaml"
    if not (db.exists() and config.exists()):
        print(f"generating the province data in {folder} …", file=sys.stderr)
        config, db, _ = generate(folder)
    return db, config


# -- report ---------------------------------------------------------------------------------


def row(what: str, value: str, target: str, met: bool | None) -> tuple[str, str, str, str]:
    return what, value, target, "—" if met is None else ("yes" if met else "NO")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", type=Path, help="folder for the province data (kept)")
    parser.add_argument("--skip-province", action="store_true")
    parser.add_argument("--rerun", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rerun:  # child process of (b)
        print(json.dumps(measure_rerun(*args.rerun)))
        return

    rows = []
    with tempfile.TemporaryDirectory(prefix="plantrack-bench-") as tmp:
        demo_db, demo_cfg = demo_database(Path(tmp))
        cold = [served_overview(demo_db, demo_cfg, 60_000) for _ in range(5)]
        drawn = statistics.median(c["drawn"] for c in cold)
        spread = f"{min(c['drawn'] for c in cold):.2f}–{max(c['drawn'] for c in cold):.2f}"
        healthy = statistics.median(c["healthy"] for c in cold)
        rows.append(row("(a) streamlit run → overview drawn, demo (median of 5)",
                        f"{drawn:.2f} s (range {spread}; healthy at {healthy:.2f} s)", "< 4 s",
                        drawn < 4))  # fmt: skip
        rr = rerun_in_child(demo_db, demo_cfg)
        rows.append(row("(b) overview rerun after as-of change, demo (median of 5)",
                        f"{rr['median'] * 1000:.0f} ms (first run {rr['first']:.2f} s)",
                        "< 300 ms", rr["median"] < 0.3))  # fmt: skip
        if not args.skip_province:
            folder = args.province or Path(tmp) / "province"
            folder.mkdir(parents=True, exist_ok=True)
            pdb, pcfg = province_database(folder)
            rr = rerun_in_child(pdb, pcfg)
            rows.append(row("(b) overview rerun after as-of change, province (median of 5)",
                            f"{rr['median'] * 1000:.0f} ms (first run {rr['first']:.2f} s)",
                            "< 1.5 s", rr["median"] < 1.5))  # fmt: skip
            served = served_overview(pdb, pcfg, 300_000)
            rows.append(row("(c) streamlit RSS after province overview drawn",
                            f"{served['rss']:.0f} MB (peak {served['hwm']:.0f} MB)",
                            "< 600 MB", served["rss"] < 600))  # fmt: skip
            rows.append(row("    province: streamlit run → overview drawn (cold)",
                            f"{served['drawn']:.2f} s", "", None))  # fmt: skip
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value'.ljust(vwidth)}  target    met")
    for what, value, target, met in rows:
        print(f"{what.ljust(width)}  {value.ljust(vwidth)}  {target.ljust(8)}  {met}")


if __name__ == "__main__":
    main()
