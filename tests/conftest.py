"""Shared fixtures: real DuckDB files in temporary folders, the real registry.

Acting as a user in tests
-------------------------
Every write (``upload.load``, ``Store.load``, ``Store.rollback``, ``record_update(s)``,
``load_bulk``) takes ``actor=`` — a logged-in :class:`plantrack.auth.Actor`, never a name —
and re-checks that user's session, role, departments and the period locks in its own
transaction. In tests:

- ``act_as(ws_or_store)`` creates (once) and logs in an account and returns its Actor:
  ``act_as(ws)`` is an admin; ``act_as(ws, STATISTICIAN, ["区残联"])`` a statistician of
  区残联 (name defaults to role + departments). Password: ``PASSWORD``.
- the demo database (``demo_db`` / ``demo_copy`` / ``app_env``) already has the demo
  accounts of :data:`plantrack.auth.demo.DEMO_ACCOUNTS` (admin / demo-admin-1 …).
- CLI writes need ``--user NAME`` of an existing account and the password in
  ``PLANTRACK_PASSWORD``: ``add_accounts(ws, "张三", "李四")`` creates admins with ``PASSWORD``
  and ``cli_env(monkeypatch)`` sets the variable.
- pages: with ``app_env`` every ``AppTest.from_file`` starts logged in as the demo admin;
  ``app_db`` is the same database with nobody logged in, and ``login_app(at, name,
  password)`` puts a real session token of another account in an AppTest before its run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plantrack.auth.actor import Actor
from plantrack.auth.roles import ADMIN
from plantrack.settings import Settings
from plantrack.store import Store
from plantrack.workspace import Workspace, fill_demo, open_workspace
from tests.pg_fixtures import any_db, pg_server, pg_url  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "indicators.yaml"


PASSWORD = "test-password-1"
_SESSIONS: dict[tuple[str, str], Actor] = {}


def act_as(
    target: Workspace | Store,
    role: str = ADMIN,
    departments: list[str] | tuple[str, ...] = (),
    name: str | None = None,
) -> Actor:
    """A logged-in Actor of a (created once) account with ``role`` and ``departments``."""
    from plantrack.auth.accounts import create_user, login, users

    store = target.store if isinstance(target, Workspace) else target
    store.ensure_schema()
    pinyin = {"领导": "leader", "统计员": "stat", "评估人员": "eval", "管理员": "admin"}
    name = name or "-".join([f"t{pinyin.get(role, 'user')}", *departments])
    key = (store.url, name)
    if key not in _SESSIONS:
        if name not in {u["name"] for u in users(store)}:
            create_user(store, name=name, role=role, departments=departments, password=PASSWORD)
        _SESSIONS[key] = login(store, name, PASSWORD)
    return _SESSIONS[key]


def add_accounts(target: Workspace | Store, *names: str, role: str = ADMIN) -> None:
    """Create accounts (password ``PASSWORD``) without logging in — e.g. for CLI tests."""
    from plantrack.auth.accounts import create_user, users

    store = target.store if isinstance(target, Workspace) else target
    have = {u["name"] for u in users(store)}
    for name in names:
        if name not in have:
            create_user(store, name=name, role=role, password=PASSWORD)


def cli_env(monkeypatch: pytest.MonkeyPatch, password: str = PASSWORD) -> None:
    monkeypatch.setenv("PLANTRACK_PASSWORD", password)


def login_app(at, name: str = "admin", password: str = "demo-admin-1"):
    """Log an AppTest in as an account of the database PLANTRACK_DB points at (the demo
    accounts by default): a real session whose token the app keeps in session state."""
    from app.session import TOKEN_KEY
    from plantrack.auth.accounts import login

    ws = open_workspace(settings=None)
    at.session_state[TOKEN_KEY] = login(ws.store, name, password).token
    return at


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
def app_db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the Streamlit app at a private copy of the demo database (nobody logged in)."""
    dst = tmp_path / "app.duckdb"
    dst.write_bytes(demo_db.read_bytes())
    monkeypatch.setenv("PLANTRACK_DB", str(dst))
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.chdir(ROOT)
    return dst


@pytest.fixture
def app_env(app_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``app_db``, and every AppTest the test creates starts logged in as the demo admin
    (a real session: the token of ``login("admin", "demo-admin-1")``)."""
    from streamlit.testing.v1 import AppTest

    from app.session import TOKEN_KEY
    from plantrack.auth.accounts import login

    token = login(Store(app_db), "admin", "demo-admin-1").token
    original = AppTest.from_file.__func__  # type: ignore[attr-defined]

    def logged_in(cls, *args, **kwargs):
        at = original(cls, *args, **kwargs)
        at.session_state[TOKEN_KEY] = token
        return at

    monkeypatch.setattr(AppTest, "from_file", classmethod(logged_in))
    return app_db


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PLANTRACK_CONFIG", str(CONFIG))
    # AppTests run in this process, beside tests that open the same files with plain
    # duckdb.connect: no shared reader here (served apps in tests.browser keep the default)
    os.environ.setdefault("PLANTRACK_READER_LINGER", "0")
