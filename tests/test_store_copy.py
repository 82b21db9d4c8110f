"""`python -m plantrack migrate` and `copy`: DuckDB → PostgreSQL and back, in one transaction."""

from __future__ import annotations

import subprocess
import sys

from plantrack.store import Store
from tests.conftest import ROOT, act_as
from tests.test_store import rows


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plantrack", *args], cwd=ROOT, capture_output=True, text=True
    )


def snapshot(store: Store) -> tuple:
    cur = store.current()[["indicator", "area", "period", "value", "revision", "batch_id"]]
    with store.connect(read_only=True) as con:
        hist = con.execute(
            "SELECT * FROM observations ORDER BY indicator, area, period, revision"
        ).df()
        tasks = con.execute(
            "SELECT * FROM task_updates ORDER BY task_id, status_date, recorded_at, status, note"
        ).df()
    batches = store.batches()[["id", "user_name", "file_name", "status", "n_rows", "reason"]]
    return (
        store.counts(),
        cur.to_csv(index=False),
        hist.to_csv(index=False),
        batches.to_csv(index=False),
        tasks.to_csv(index=False),
        store.is_demo,
    )


def test_migrate_creates_then_reports_up_to_date(pg_url):
    first = cli("--db", pg_url, "migrate")
    assert first.returncode == 0 and "创建 PlanTrack 的表" in first.stdout, first.stderr
    again = cli("--db", pg_url, "migrate")
    assert again.returncode == 0 and "已是最新" in again.stdout
    assert "postgresql://postgres@" in again.stdout  # names the database


def test_copy_demo_from_duckdb_to_postgres_and_back(demo_db, pg_url, tmp_path):
    source = Store(demo_db)
    before = snapshot(source)
    done = cli("copy", "--from", str(demo_db), "--to", pg_url)
    assert done.returncode == 0, done.stderr
    assert "observations" in done.stdout and "已把" in done.stdout
    pg = Store(pg_url)
    assert snapshot(pg) == before
    assert pg.data_version() > source.data_version()
    # ids continue after the copied ones
    n_batches = before[0]["batches"]
    assert (
        pg.load(rows(("x", "y", "2024Q1", 1.0)), actor=act_as(pg), source="t").batch_id
        == n_batches + 1
    )
    # a non-empty target is refused and left as it was …
    after_load = snapshot(pg)
    refused = cli("copy", "--from", str(demo_db), "--to", pg_url)
    assert (
        refused.returncode == 1 and "已有数据" in refused.stderr and "--replace" in refused.stderr
    )
    assert snapshot(pg) == after_load
    # … unless asked
    assert cli("copy", "--from", str(demo_db), "--to", pg_url, "--replace").returncode == 0
    assert snapshot(pg) == before
    # and back into a new DuckDB file
    back = tmp_path / "back.duckdb"
    assert cli("copy", "--from", pg_url, "--to", str(back)).returncode == 0
    assert snapshot(Store(back)) == before


def test_copy_failure_leaves_target_unchanged(pg_url, tmp_path):
    src = Store(tmp_path / "s.duckdb")
    src.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(src), source="t")
    with src.connect() as con:  # a row the target's unique revision index refuses
        con.execute("INSERT INTO observations SELECT * FROM observations WHERE indicator = 'a'")
    target = Store(pg_url)
    target.migrate()
    failed = cli("copy", "--from", str(src.path), "--to", pg_url)
    assert failed.returncode != 0
    assert target.counts() == {"observations": 0, "current": 0, "batches": 0}
    assert target.data_version() == 0


def test_copy_refuses_a_missing_source(pg_url, tmp_path):
    missing = tmp_path / "nope.duckdb"
    out = cli("copy", "--from", str(missing), "--to", pg_url)
    assert out.returncode == 1 and "不存在" in out.stderr and not missing.exists()
    assert not Store(pg_url).exists()  # the target was not touched
