"""``Store.ensure_schema`` on a DuckDB file it found current and that has not changed since
opens nothing (a login and every write call it: two connections each, and the shared
reader closed); any change of the file — another program's migration — is checked again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from plantrack.store import Store, StoreError
from plantrack.store.schema import SCHEMA_VERSION

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: holds the file's lock
print("held", flush=True)
sys.stdin.readline()
"""


def test_unchanged_current_file_is_not_opened_again(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    Store(path).ensure_schema()
    store = Store(path, lock_timeout=0.5)
    store.ensure_schema()  # found current: remembered with the file's state
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        store.ensure_schema()  # would wait for the lock and fail if it opened the file
        with pytest.raises(StoreError):  # while reading does need the file
            store.data_version()
    finally:
        holder.communicate(b"\n", timeout=30)


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    store = Store(path)
    store.ensure_schema()
    store.ensure_schema()
    with duckdb.connect(str(path)) as con:  # a newer PlanTrack migrated the file meanwhile
        con.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)]
        )
    with pytest.raises(StoreError, match="比本程序"):
        store.ensure_schema()
