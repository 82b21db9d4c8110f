"""OIDC round trip: ``st.login`` against a mock identity provider (oidc-provider-mock) started
by the test on loopback, through the served app in headless Chromium. The provider only says
who someone is; PlanTrack's users table (provider = issuer, subject) says what they may do."""

from __future__ import annotations

import secrets
from pathlib import Path

from oidc_provider_mock import run_server_in_thread

from plantrack.auth import accounts
from plantrack.auth.roles import STATISTICIAN
from plantrack.store import Store
from tests.browser import browser, free_port, serve, wait_until_drawn

SUBJECT = "li-001"
TIMEOUT_MS = 60_000


def secrets_file(folder: Path, app_port: int, idp: str) -> Path:
    """[auth] for st.login, outside the repository (passed with --secrets.files)."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "plantrack"\n'
        'client_secret = "plantrack-test-secret"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def sign_in(b, url: str, subject: str):
    """A fresh browser context: open the app, click the OIDC button, give the provider's
    login form a subject, and come back to the app."""
    page = b.new_context(locale="zh-CN").new_page()
    page.goto(url)
    wait_until_drawn(page, TIMEOUT_MS)
    page.get_by_role("button", name="使用统一身份认证登录").click(timeout=TIMEOUT_MS)
    page.wait_for_selector("input[name='sub']", timeout=TIMEOUT_MS)
    page.fill("input[name='sub']", subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=TIMEOUT_MS)
    wait_until_drawn(page, TIMEOUT_MS)
    return page


def test_oidc_login_maps_the_subject_to_its_account_and_refuses_unknown(
    app_db: Path, tmp_path: Path
) -> None:
    with run_server_in_thread() as idp_server:
        idp = f"http://127.0.0.1:{idp_server.server_port}"
        accounts.create_user(
            Store(app_db), name="li", display_name="李四", role=STATISTICIAN,
            departments=["区残联"], provider=idp, subject=SUBJECT,
        )  # fmt: skip
        port = free_port()
        extra = ["--secrets.files", str(secrets_file(tmp_path, port, idp))]
        with serve(app_db, port=port, extra=extra, timeout=60) as served, browser() as b:
            page = sign_in(b, served.url, SUBJECT)
            page.get_by_text("当前用户：李四（li）（统计员）").wait_for(timeout=TIMEOUT_MS)
            other = sign_in(b, served.url, "nobody-999")
            other.get_by_text("尚未在 PlanTrack 开通或已停用").wait_for(timeout=TIMEOUT_MS)
            assert other.get_by_text("当前用户：").count() == 0
    rows = [u for u in accounts.users(Store(app_db)) if u["name"] == "li"]
    assert rows and rows[0]["subject"] == SUBJECT
    with Store(app_db).connect(read_only=True) as con:
        logins = con.execute(
            "SELECT user_name, method, outcome FROM audit WHERE action = 'login' ORDER BY id"
        ).fetchall()
    assert ("li", "oidc", "ok") in logins
    assert (f"{idp}:nobody-999"[:64], "oidc", "refused") in logins
    assert not (Path(__file__).resolve().parents[1] / ".streamlit" / "secrets.toml").exists()
