"""DuckDB and PostgreSQL side by side at province scale (150 areas × 300 indicators × 24 quarters).

    python -m bench.bench_pg [--folder /tmp/pt-bench] [--pg postgresql://…]

Builds the synthetic province (bench/province.py) in a DuckDB file (once; each run measures a
copy of it, so its uploads do not accumulate), copies it into PostgreSQL
(``python -m plantrack copy``'s code; a throw-away server from tests/pg_server.py unless
``--pg`` names an empty database), then measures on each engine, median of ``--repeat``:

- read: every current value (the overview's observation table, before roll-up);
- overview, first: read + roll-up + assessment of every indicator (an empty cache);
- overview rerun: ``data_version`` read + assessment of every indicator from the cached table
  (what a rerun after changing the as-of date costs; the app caches per version);
- one indicator's page data: its current values in every area and its revision history;
- a quarter's upload (every indicator × area of 2025Q4 revised, ≈ 45k rows) while two reader
  processes keep reading the current values (``--repeat`` uploads, each a new revision); on PostgreSQL also where its time goes (each
  statement of the load's transaction over 20 ms, ``register`` = COPY into ``incoming``,
  ``after_load`` = the statistics step after COMMIT).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from plantrack.scorecard import assessment_table, observations  # noqa: E402
from plantrack.settings import Settings  # noqa: E402
from plantrack.store import StoreError  # noqa: E402
from plantrack.store.copy import copy_database  # noqa: E402
from plantrack.workspace import Workspace, open_workspace  # noqa: E402

AS_OF = date(2025, 12, 31)
READER = """
import sys, time
from plantrack.store import Store, StoreError
s, n, stop = Store(sys.argv[1]), 0, time.monotonic() + 300
while time.monotonic() < stop and not open(sys.argv[2]).read():
    try:
        s.current(columns=("indicator", "area", "period", "value")); n += 1
    except StoreError:  # DuckDB: the writer holds the file
        time.sleep(0.05)
print(n)
"""


def median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def workspace(config: Path, db: str | Path) -> Workspace:
    url = str(db) if str(db).startswith("postgresql://") else None
    settings = Settings(config, Path(db) if url is None else Path("pg"), False, config.parent, url)
    return open_workspace(settings=settings)


@contextmanager
def timed_statements(engine: str) -> Iterator[list[tuple[float, str]]]:
    """(seconds, what) of each PostgreSQL statement, COPY and after_load while inside."""
    times: list[tuple[float, str]] = []
    if engine != "postgresql":
        yield times
        return
    from plantrack.store import engine_postgres as ep

    originals = ep.PGSession.execute, ep.PGSession.register, ep.PostgresEngine.after_load

    def timed(fn: Callable[..., Any], label: Callable[..., str]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times.append((time.perf_counter() - start, label(*args)))

        return run

    ep.PGSession.execute = timed(originals[0], lambda _s, q, *_: " ".join(q.split())[:50])  # type: ignore[method-assign]
    ep.PGSession.register = timed(originals[1], lambda _s, n, f, *_: f"register {n} ({len(f)})")  # type: ignore[method-assign]
    ep.PostgresEngine.after_load = timed(originals[2], lambda *_: "after_load")  # type: ignore[method-assign]
    try:
        yield times
    finally:
        ep.PGSession.execute, ep.PGSession.register, ep.PostgresEngine.after_load = originals  # type: ignore[method-assign]


def quarter_upload(ws: Workspace, readers: int, flag: Path) -> tuple[float, int, list[int]]:
    from plantrack.auth.accounts import script_actor

    actor = script_actor(ws.store, "bench", "bench-password-1")  # before readers hold the file
    cur = ws.store.current(as_of=AS_OF, columns=("indicator", "area", "period", "value"))
    q = cur[cur["period"] == "2025Q4"].copy()
    rng = np.random.default_rng(len(q) + ws.store.data_version())
    q["value"] = q["value"] * rng.uniform(0.95, 1.05, len(q))
    q["period_end"] = date(2025, 12, 31)
    q["note"] = None
    flag.write_text("")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", READER, ws.store.url, str(flag)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(readers)
    ]
    time.sleep(2.0)  # readers connected and reading
    start = time.perf_counter()
    try:
        with timed_statements(ws.store.engine.name) as times:
            ws.store.load(q, actor=actor, source="bench", recorded_at=datetime(2026, 1, 15))
        took = time.perf_counter() - start
        print(f"{ws.store.engine.name} upload: {took:.2f} s, load {os.getloadavg()[0]:.1f}")
        for seconds, what in times:
            if seconds > 0.02:
                print(f"  {ws.store.engine.name} upload: {seconds:6.3f} s  {what}")
    except StoreError as exc:  # DuckDB: readers in other processes hold the file
        print(f"{ws.store.engine.name}: upload refused: {exc}")
        took = float("nan")
    flag.write_text("stop")
    reads = [int((p.communicate(timeout=600)[0] or "0").split()[-1]) for p in procs]
    return took, len(q), reads


def measure(name: str, ws: Workspace, repeat: int, folder: Path) -> dict[str, float | str]:
    cols = ("indicator", "area", "period", "value", "batch_id", "revision")
    out: dict[str, float | str] = {"engine": name}
    out["read"] = median(lambda: ws.store.current(columns=cols), repeat)
    out["overview_first"] = median(
        lambda: assessment_table(ws, AS_OF, obs=observations(ws)), repeat
    )
    obs = observations(ws)
    out["overview_rerun"] = median(
        lambda: (ws.store.data_version(), assessment_table(ws, AS_OF, obs=obs)), repeat
    )
    ind = ws.registry.indicators[1].id
    out["indicator_page"] = median(
        lambda: (ws.store.current(indicators=[ind]), ws.store.history(ind)), repeat
    )
    out["data_version"] = median(ws.store.data_version, repeat * 5)
    runs = [quarter_upload(ws, 2, folder / f"flag-{name}") for _ in range(repeat)]
    took = [r[0] for r in runs]
    out["upload"] = statistics.median(took)
    out["upload_each"] = " ".join(f"{t:.2f}" for t in took)
    out["upload_rows"] = float(runs[0][1])
    out["reader_reads"] = str([r[2] for r in runs]).replace(" ", "")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "pt-bench")
    parser.add_argument("--pg", help="an empty PostgreSQL database (default: a throw-away one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench.province import generate
    from tests import pg_server

    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    config, db = folder / "indicators.yaml", folder / "province.duckdb"
    if not (config.exists() and db.exists()):
        start = time.perf_counter()
        config, db, n = generate(folder)
        print(f"province built: {n:,} observations in {time.perf_counter() - start:.1f} s")
    server_dir = None
    pg_url = args.pg
    if pg_url is None:
        server_dir = Path(tempfile.mkdtemp(prefix="pt-bpg-"))
        pg_url = pg_server.create_database(pg_server.start(server_dir), "province")
    # the uploads go into a copy: the province stays as built, every run starts from it
    run_db = folder / "province-run.duckdb"
    shutil.copyfile(db, run_db)
    try:
        duck, pg = workspace(config, run_db), workspace(config, pg_url)
        start = time.perf_counter()
        summary = copy_database(duck.store, pg.store, replace=True)
        copy_s = time.perf_counter() - start
        print(f"copy DuckDB → PostgreSQL: {sum(summary.rows.values()):,} rows in {copy_s:.1f} s")
        results = [measure("duckdb", duck, args.repeat, folder)]
        results.append(measure("postgresql", pg, args.repeat, folder))
        load = os.getloadavg()[0]
        print(f"\nload average {load:.1f}; median of {args.repeat}; seconds")
        keys = [k for k in results[0] if k != "engine"]
        print(f"{'':18}" + "".join(f"{r['engine']:>14}" for r in results))
        for k in keys:
            cells = [r[k] for r in results]
            text = [f"{c:14.3f}" if isinstance(c, float) else f"{c!s:>14}" for c in cells]
            print(f"{k:18}" + "".join(text))
        pg.store.close()
    finally:
        if server_dir is not None:
            pg_server.stop(server_dir)


if __name__ == "__main__":
    main()
