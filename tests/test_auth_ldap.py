"""LDAP password check against a real OpenLDAP ``slapd`` started by the test (a throw-away
mdb database on loopback), through :func:`plantrack.auth.accounts.login`."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from plantrack.auth import accounts
from plantrack.auth.roles import STATISTICIAN
from plantrack.store import Store, StoreError
from tests.browser import free_port

SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "root-secret-1"

if SLAPD is None and os.environ.get("CI") != "true":
    pytest.skip(
        "slapd (Debian package slapd) is not installed; .ci/run installs it",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """slapd on a free loopback port with ou=people and two people; yields its URL."""
    from ldap3 import Connection, Server

    assert SLAPD is not None, "CI=true: slapd must be installed (.ci/run)"
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    conf = folder / "slapd.conf"
    schema = "/etc/ldap/schema"
    conf.write_text(
        f"include {schema}/core.schema\ninclude {schema}/cosine.schema\n"
        f"include {schema}/inetorgperson.schema\n"
        "allow bind_anon_cred\n"  # like AD: a DN with an empty password binds (unauthenticated)
        f"pidfile {folder}/slapd.pid\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n"
        f'database mdb\nmaxsize 10485760\nsuffix "{SUFFIX}"\nrootdn "{ROOT_DN}"\n'
        f"rootpw {ROOT_PW}\ndirectory {folder}/db\n",
        encoding="utf-8",
    )
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{url}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                admin = Connection(Server(url, connect_timeout=1), ROOT_DN, ROOT_PW)
                if admin.bind():
                    break
            except Exception:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"slapd did not start: {proc.stderr.read().decode()[-1500:]}")  # type: ignore[union-attr]
            time.sleep(0.1)
        admin.add(SUFFIX, ["dcObject", "organization"], {"dc": "example", "o": "Example"})
        admin.add(f"ou=people,{SUFFIX}", ["organizationalUnit"], {"ou": "people"})
        for uid, pw in (("zhang", "dir-pass-zhang"), ("wang", "dir-pass-wang")):
            admin.add(
                f"uid={uid},ou=people,{SUFFIX}",
                ["inetOrgPerson"],
                {"cn": uid, "sn": uid, "userPassword": pw},
            )
            assert admin.result["result"] == 0, admin.result
        admin.unbind()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def ldap_store(directory: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("PLANTRACK_LDAP_URL", directory)
    monkeypatch.setenv("PLANTRACK_LDAP_USER_DN", "uid={login},ou=people," + SUFFIX)
    store = Store(tmp_path / "ldap.duckdb")
    store.ensure_schema()
    accounts.create_user(
        store, name="zhang", display_name="张三", role=STATISTICIAN, departments=["区残联"],
        provider="ldap", subject="zhang",
    )  # fmt: skip
    return store


def _logins(store: Store) -> list[tuple]:
    with store.connect(read_only=True) as con:
        return con.execute(
            "SELECT user_name, method, outcome FROM audit WHERE action = 'login' ORDER BY id"
        ).fetchall()


def test_directory_password_logs_in_wrong_or_empty_is_refused(ldap_store: Store) -> None:
    actor = accounts.login(ldap_store, "zhang", "dir-pass-zhang")
    assert actor.role == STATISTICIAN and actor.method == "ldap"
    assert accounts.resolve(ldap_store, actor.token) is not None
    for wrong in ("wrong-password", "", "dir-pass-wang"):  # "" would be an unauthenticated bind
        with pytest.raises(StoreError, match="用户名或密码错误"):
            accounts.login(ldap_store, "zhang", wrong)
    # someone in the directory without a PlanTrack account gets nothing
    with pytest.raises(StoreError, match="用户名或密码错误"):
        accounts.login(ldap_store, "wang", "dir-pass-wang")
    assert _logins(ldap_store) == [
        ("zhang", "ldap", "ok"), *[("zhang", "ldap", "refused")] * 3, ("wang", "password", "refused")
    ]  # fmt: skip


def test_directory_accounts_lock_and_an_unreachable_directory_is_not_a_wrong_password(
    ldap_store: Store, directory: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANTRACK_LDAP_URL", f"ldap://127.0.0.1:{free_port()}")
    for _ in range(accounts.MAX_FAILURES + 1):
        with pytest.raises(StoreError, match="无法连接"):
            accounts.login(ldap_store, "zhang", "dir-pass-zhang")
    user = next(u for u in accounts.users(ldap_store) if u["name"] == "zhang")
    assert user["failed_logins"] == 0 and user["locked_until"] is None
    monkeypatch.setenv("PLANTRACK_LDAP_URL", directory)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(StoreError, match="用户名或密码错误"):
            accounts.login(ldap_store, "zhang", "wrong-password")
    with pytest.raises(StoreError, match="已锁定"):
        accounts.login(ldap_store, "zhang", "dir-pass-zhang")
