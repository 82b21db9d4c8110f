"""The server's shared DuckDB reader (plantrack/store/connection.py, ``keep_readers_open``):
reads share one open database; a write in this process closes it first and the next read
sees the write; another process can write once it has gone idle; it closes after its linger
time; a restored file is not read through the old one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from plantrack.auth.accounts import create_user, users
from plantrack.store import connection as conn
from plantrack.store.duckdb_file import backup, restore
from tests.conftest import ROOT


@pytest.fixture
def shared() -> Iterator[None]:
    conn.keep_readers_open(30)
    try:
        yield
    finally:
        conn.keep_readers_open(0)
    assert not conn._readers


def reader_of(path: Path) -> conn._Reader | None:
    return conn._readers.get(str(path.resolve()))


def test_reads_share_one_database_and_a_write_closes_it(demo_copy, shared):
    store = demo_copy.store
    path = store.engine.path
    version = store.data_version()
    first = reader_of(path)
    assert first is not None and first.users == 0
    store.current(indicators=["gdp"])
    assert reader_of(path) is first  # the second read did not open the file again
    create_user(store, name="shared-reader", role="领导", password="pw-shared-reader-1")
    assert reader_of(path) is None  # closed before the write (DuckDB refuses both at once)
    assert "shared-reader" in {u["name"] for u in users(store)}
    assert store.data_version() == version  # an account is not data
    assert reader_of(path) is not None


def test_another_process_writes_once_the_reader_is_idle(demo_copy):
    path = demo_copy.store.engine.path
    conn.keep_readers_open(0.3)
    try:
        before = demo_copy.store.data_version()
        assert reader_of(path) is not None
        script = textwrap.dedent(
            """
            import sys
            from pathlib import Path
            from plantrack.store.connection import connect
            with connect(Path(sys.argv[1]), timeout=30) as con:
                con.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR)"
                            " WHERE key = 'data_version'")
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        assert demo_copy.store.data_version() == before + 1  # read afresh, not the old file
    finally:
        conn.keep_readers_open(0)


def test_an_idle_reader_closes_after_its_linger_time(demo_copy):
    path = demo_copy.store.engine.path
    conn.keep_readers_open(0.1)
    try:
        demo_copy.store.data_version()
        deadline = time.monotonic() + 30
        while reader_of(path) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader_of(path) is None
    finally:
        conn.keep_readers_open(0)


def test_restore_does_not_read_the_replaced_file(demo_copy, tmp_path, shared):
    store = demo_copy.store
    path = store.engine.path
    saved = backup(path, tmp_path / "saved.duckdb")
    create_user(store, name="after-backup", role="领导", password="pw-after-backup-1")
    assert "after-backup" in {u["name"] for u in users(store)}
    assert reader_of(path) is not None
    restore(path, saved)
    assert "after-backup" not in {u["name"] for u in users(store)}
