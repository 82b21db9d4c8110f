"""Fixtures for the PostgreSQL engine: a throw-away server per test session, a fresh database
per test, and ``any_db``, which runs a test once on DuckDB and once on PostgreSQL.

The server is ``PLANTRACK_TEST_PG`` when set (``.ci/run`` starts one), else a cluster started
from the local binaries (tests/pg_server.py). Without PostgreSQL the PostgreSQL cases are
skipped with a message, except under ``CI=true``, where that is an error.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_server import ENV, bin_dir, create_database, drop_database, start, stop

ENGINES = ["duckdb", "postgresql"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    url = os.environ.get(ENV)
    if url:
        yield url
        return
    if bin_dir() is None:
        message = "PostgreSQL 未安装（需要 initdb/pg_ctl，或设置 PLANTRACK_TEST_PG）"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="pt-pg-"))  # short: the unix socket lives here
    try:
        yield start(folder)
    finally:
        stop(folder)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (dropped afterwards)."""
    url = create_database(pg_server)
    yield url
    drop_database(pg_server, url)


@pytest.fixture(params=ENGINES)
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each engine in turn: a DuckDB path or a PostgreSQL URL."""
    if request.param == "duckdb":
        return str(tmp_path / "t.duckdb")
    return str(request.getfixturevalue("pg_url"))
