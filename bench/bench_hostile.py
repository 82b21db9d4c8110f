"""Hostile-input benchmark: time and peak memory of `validate` on files just under the cap.

    python bench/bench_hostile.py [--mb 49]

Builds, in a temporary folder, the quarter's CSV template repeated until the file is just
under the upload cap (≈ 505,000 rows, every key repeated ~2,300 times) in three forms:
  blank   — the template as downloaded (no values): every row is an unfilled template row;
  filled  — values filled in: every row is a duplicate of ~2,300 others;
  garbage — values that are not numbers and unknown areas: an error on every row.
Each runs `python -m plantrack validate FILE --json` in a fresh subprocess (so the one-off
great-expectations import is included) and reports wall time, peak RSS of the child
(``ru_maxrss``) and the size of the JSON report. Budget (issue #11): < 20 s, < 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 20.0, 1024


def template_csv(db: Path, folder: Path) -> tuple[list[str], list[str]]:
    """(header block lines, table lines) of the demo's 2024Q1 CSV template."""
    out = folder / "t.csv"
    env = os.environ | {"PLANTRACK_UPLOADS": str(folder / "uploads")}
    run = [sys.executable, "-m", "plantrack", "--db", str(db)]
    subprocess.run([*run, "init-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*run, "template", "--period", "2024Q1", "--format", "csv", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("指标代码"))
    return lines[: head + 1], [line for line in lines[head + 1 :] if line.strip()]


def variant(body: list[str], kind: str) -> list[str]:
    if kind == "blank":
        return body
    out = []
    for k, line in enumerate(body):
        cells = next(csv.reader(io.StringIO(line)))
        if kind == "filled":
            cells[6] = str(10 + k % 7)
        else:
            cells[4], cells[3], cells[6] = "火星街道" + "x" * 200, "", "十二" * 80
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        out.append(buf.getvalue())
    return out


def build(path: Path, head: list[str], body: list[str], limit: int) -> int:
    block = ("\n".join(body) + "\n").encode("utf-8")
    first = ("\ufeff" + "\n".join(head) + "\n").encode("utf-8")
    reps = max(1, (limit - len(first)) // len(block))
    with path.open("wb") as fh:
        fh.write(first)
        for _ in range(reps):
            fh.write(block)
    return reps * len(body)


def measure_wait4(db: Path, file: Path, folder: Path) -> dict:
    """Like :func:`measure`, with the peak RSS of this one child (os.wait4)."""
    env = os.environ | {"PLANTRACK_UPLOADS": str(folder / "uploads")}
    cmd = [sys.executable, "-m", "plantrack", "--db", str(db), "validate", str(file), "--json"]
    out = folder / "out.json"
    t = time.perf_counter()
    with out.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": wall,
        "peak_mb": usage.ru_maxrss / 1024,
        "report_kb": out.stat().st_size / 1024,
        "stderr": err.strip().splitlines()[-1][:160] if err.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=49.0, help="file size (MB), under the cap")
    parser.add_argument("--kinds", default="blank,filled,garbage")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="plantrack-hostile-"))
    try:
        db = tmp / "demo.duckdb"
        head, body = template_csv(db, tmp)
        print(
            f"validate on hostile CSVs of {args.mb:.0f} MB (budget {BUDGET_S:.0f} s, {BUDGET_MB} MB)"
        )
        print(
            f"{'file':<8} {'rows':>9} {'exit':>4} {'seconds':>8} {'peak MB':>8} {'report KB':>10}"
        )
        for kind in args.kinds.split(","):
            path = tmp / f"{kind}.csv"
            n = build(path, head, variant(body, kind), int(args.mb * 2**20))
            r = measure_wait4(db, path, tmp)
            ok = r["seconds"] < BUDGET_S and r["peak_mb"] < BUDGET_MB
            print(
                f"{kind:<8} {n:>9,} {r['exit']:>4} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} "
                f"{r['report_kb']:>10.0f}  {'ok' if ok else 'OVER'}  {r['stderr']}"
            )
            path.unlink()
        print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
