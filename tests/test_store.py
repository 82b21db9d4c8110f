"""DuckDB-only behaviour of the store (one file, its lock, its connections). What both
engines must do is in test_store_contract.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from plantrack.store import Store, StoreError
from tests.conftest import act_as


def rows(*items: tuple[str, str, str, float | None]) -> pd.DataFrame:
    from plantrack.periods import parse_period

    return pd.DataFrame(
        {
            "indicator": [i[0] for i in items],
            "area": [i[1] for i in items],
            "period": [i[2] for i in items],
            "period_end": [parse_period(i[2]).end for i in items],
            "value": [i[3] for i in items],
            "note": [None] * len(items),
        }
    )


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "t.duckdb")
    s.ensure_schema()
    return s


def file_digest(store: Store) -> str:
    return hashlib.sha256(store.path.read_bytes()).hexdigest()


def test_killed_load_leaves_batch_wholly_out(tmp_path):
    """A process killed mid-load (os._exit inside the transaction) leaves nothing behind."""
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "k.duckdb"
    Store(db).ensure_schema()
    a = act_as(Store(db))
    script = textwrap.dedent(
        f"""
        import os, pandas as pd
        from datetime import date
        import plantrack.store.store as mod
        from plantrack.store import Store
        original = mod.Store._insert_batch
        def die(self, con, df, *a):
            original(self, con, df, *a)
            os._exit(9)
        mod.Store._insert_batch = die
        df = pd.DataFrame({{"indicator": ["a"] * 1000, "area": ["x"] * 1000,
            "period": [str(2000 + i) for i in range(1000)],
            "period_end": [date(2000 + i % 100, 12, 31) for i in range(1000)],
            "value": [1.0] * 1000, "note": [None] * 1000}})
        from plantrack.auth.actor import Actor
        actor = Actor({a.user_id}, {a.name!r}, {a.name!r}, {a.role!r}, (), "cli", {a.token!r})
        Store({str(db)!r}).load(df, actor=actor, source="t")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=str(Path(__file__).parents[1]))
    assert proc.returncode == 9
    assert Store(db).counts() == {"observations": 0, "current": 0, "batches": 0}


def test_schema_version_newer_than_program_is_refused(store):
    import duckdb

    con = duckdb.connect(str(store.path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="请升级"):
        store.ensure_schema()


def test_lock_held_by_another_process_fails_within_timeout(tmp_path):
    import subprocess
    import sys
    import time

    db = tmp_path / "lock.duckdb"
    Store(db).ensure_schema()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        start = time.monotonic()
        with pytest.raises(StoreError, match="正被另一个程序占用"):
            Store(db, lock_timeout=1.0).counts()
        assert time.monotonic() - start < 10
    finally:
        holder.kill()
        holder.wait()
    assert Store(db).counts()["observations"] == 0


def test_rollback_checks_later_revisions_in_its_own_write_transaction(store, monkeypatch):
    """Another load between the rollback's checks and its write cannot slip through: the
    checks, the reading of prior values and the restoring batch share one transaction."""
    b1 = store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    b2 = store.load(rows(("a", "x", "2023Q1", 9.0)), actor=act_as(store), source="t")
    opened: list[bool] = []
    import plantrack.store.engine_duckdb as mod

    original = mod.connect

    def spy(path, read_only=False, timeout=8.0):
        opened.append(read_only)
        return original(path, read_only=read_only, timeout=timeout)

    monkeypatch.setattr(mod, "connect", spy)
    r = store.rollback(b2.batch_id, actor=act_as(store), reason="误报")
    monkeypatch.undo()
    assert opened[-1] is False and True not in opened  # no separate read-only look first
    assert r.revised == 1 and store.current()["value"].tolist() == [1.0]
    assert b1.batch_id not in set(store.batches().query("status == 'rolled_back'")["id"])


def test_reading_a_missing_database_is_an_error_and_creates_nothing(tmp_path):
    path = tmp_path / "typo" / "nope.duckdb"
    for read in (Store(path).counts, Store(path).batches, Store(path).current):
        with pytest.raises(StoreError, match=r"数据库文件 .*nope\.duckdb 不存在。请检查 --db"):
            read()
    assert not path.parent.exists()
