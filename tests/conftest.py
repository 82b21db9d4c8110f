"""Shared fixtures: real DuckDB files in temporary folders, the real registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plantrack.settings import Settings
from plantrack.workspace import Workspace, fill_demo, open_workspace
from tests.pg_fixtures import any_db, pg_server, pg_url  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "indicators.yaml"


def make_settings(db: Path, demo: bool = False) -> Settings:
    return Settings(CONFIG, db, demo=demo, uploads_dir=db.parent / "uploads")


@pytest.fixture
def empty_ws(tmp_path: Path) -> Workspace:
    """A real (non-demo) workspace on an empty DuckDB file."""
    return open_workspace(settings=make_settings(tmp_path / "real.duckdb"))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database generated once per test session (tests must not write to it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    ws = open_workspace(settings=make_settings(path))
    fill_demo(ws)
    return path


@pytest.fixture
def demo_ws(demo_db: Path) -> Workspace:
    return open_workspace(settings=make_settings(demo_db))


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Workspace:
    """A private copy of the demo database that a test may change."""
    dst = tmp_path / "demo_copy.duckdb"
    dst.write_bytes(demo_db.read_bytes())
    return open_workspace(settings=make_settings(dst))


@pytest.fixture
def app_env(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the Streamlit app at a private copy of the demo database."""
    dst = tmp_path / "app.duckdb"
    dst.write_bytes(demo_db.read_bytes())
    monkeypatch.setenv("PLANTRACK_DB", str(dst))
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.chdir(ROOT)
    return dst


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PLANTRACK_CONFIG", str(CONFIG))
