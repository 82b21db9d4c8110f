"""``streamlit run serve.py``: the HTTP login at /signin sets an HttpOnly, SameSite=Strict
session cookie; the served app in headless Chromium stays logged in across a reload, logout
ends the session for good, and a forged, expired or idle cookie is refused."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.asgi import COOKIE, logout_token, safe_next
from plantrack.auth import accounts
from plantrack.store import Store
from tests.browser import SIGNIN_FORM, Served, browser, log_in, serve, wait_until_drawn

TIMEOUT_MS = 60_000
WHO = "当前用户："


@pytest.fixture(scope="module")
def cookie_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cookie") / "app.duckdb"
    db.write_bytes(demo_db.read_bytes())
    return db


@pytest.fixture(scope="module")
def served(cookie_db: Path) -> Iterator[Served]:
    with serve(cookie_db, entry="serve.py", timeout=60) as s:
        yield s


@pytest.fixture(scope="module")
def store(cookie_db: Path) -> Store:
    return Store(cookie_db)


def _cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def _logged_in(page) -> bool:
    return page.get_by_text(WHO).count() > 0


def test_signin_sets_an_httponly_strict_cookie_reload_keeps_it_logout_ends_it(
    served: Served, store: Store
) -> None:
    with browser() as b:
        context = b.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(f"{served.url}/overview")
        page.wait_for_selector(SIGNIN_FORM, timeout=TIMEOUT_MS)  # no cookie: the HTML form
        assert "/signin?next=/overview" in page.url
        assert page.get_by_label("用户名").count() == 1 and page.get_by_label("密码").count() == 1

        page.fill("#name", "admin")
        page.fill("#password", "wrong-password")
        page.press("#password", "Enter")
        page.wait_for_selector("[role=alert]", timeout=TIMEOUT_MS)
        assert "用户名或密码错误" in page.locator("[role=alert]").inner_text()
        assert _cookie(context) is None

        log_in(page, "admin", "demo-admin-1", timeout_ms=TIMEOUT_MS)
        assert page.url.endswith("/overview")
        page.get_by_text(WHO).first.wait_for(timeout=TIMEOUT_MS)
        cookie = _cookie(context)
        assert cookie is not None
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/" and cookie["secure"] is False  # plain http on loopback
        assert COOKIE not in page.evaluate("document.cookie")  # scripts cannot read it
        token = cookie["value"]
        with store.connect(read_only=True) as con:
            hashes = [r[0] for r in con.execute("SELECT token_hash FROM sessions").fetchall()]
        assert hashlib.sha256(token.encode()).hexdigest() in hashes and token not in hashes

        page.reload()
        wait_until_drawn(page, TIMEOUT_MS)
        page.get_by_text(WHO).first.wait_for(timeout=TIMEOUT_MS)
        assert page.locator(SIGNIN_FORM).count() == 0

        page.get_by_role("button", name="退出登录").click()
        page.wait_for_selector(SIGNIN_FORM, timeout=TIMEOUT_MS)
        assert page.get_by_text("已退出登录").count() == 1
        assert _cookie(context) is None
        assert accounts.resolve(store, token) is None  # the session row is gone

        page.goto(f"{served.url}/overview")
        page.wait_for_selector(SIGNIN_FORM, timeout=TIMEOUT_MS)

        # the old token put back by hand is refused by the app itself
        context.add_cookies([{"name": COOKIE, "value": token, "url": served.url}])
        page.goto(f"{served.url}/overview")
        wait_until_drawn(page, TIMEOUT_MS)
        page.get_by_text("登录已失效").wait_for(timeout=TIMEOUT_MS)
        assert not _logged_in(page)
        context.close()
    with store.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT action, outcome FROM audit WHERE user_name = 'admin' "
            "AND action IN ('login', 'logout') ORDER BY id"
        ).fetchall()
    assert rows[-3:] == [("login", "refused"), ("login", "ok"), ("logout", "ok")]


@pytest.mark.parametrize("case", ["forged", "expired", "idle", "disabled"])
def test_forged_expired_idle_or_disabled_cookie_is_refused(
    served: Served, store: Store, case: str
) -> None:
    now = datetime.now()
    if case == "forged":
        token = "made-up-token-" + "x" * 30
    elif case == "expired":  # absolute time-out (8 h) passed, though used a minute ago
        token = accounts.login(store, "leader", "demo-leader-1", now=now - timedelta(hours=9))
        token = token.token or ""
        with store.connect() as con:
            con.execute(
                "UPDATE sessions SET last_seen = ? WHERE token_hash = ?",
                [now - timedelta(minutes=1), hashlib.sha256(token.encode()).hexdigest()],
            )
    elif case == "idle":  # not used for 31 minutes (idle time-out 30 min)
        actor = accounts.login(store, "leader", "demo-leader-1", now=now - timedelta(minutes=31))
        token = actor.token or ""
    else:  # a live session of an account disabled afterwards
        actor = accounts.login(store, "evaluator", "demo-eval-1")
        token = actor.token or ""
        accounts.disable_user(store, "evaluator")
    with browser() as b:
        context = b.new_context(locale="zh-CN")
        context.add_cookies([{"name": COOKIE, "value": token, "url": served.url}])
        page = context.new_page()
        page.goto(f"{served.url}/overview")
        wait_until_drawn(page, TIMEOUT_MS)
        page.get_by_text("登录已失效").wait_for(timeout=TIMEOUT_MS)
        assert not _logged_in(page)
        page.get_by_role("link", name="前往登录页").click()
        page.wait_for_selector(SIGNIN_FORM, timeout=TIMEOUT_MS)  # and the dead cookie is dropped
        assert _cookie(context) is None
        context.close()
    if case == "disabled":
        accounts.enable_user(store, "evaluator")


def _post(
    url: str, fields: dict[str, str], cookie: str = "", origin: str = ""
) -> tuple[int, str, str]:
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    if cookie:
        req.add_header("Cookie", cookie)
    if origin:
        req.add_header("Origin", origin)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.headers.get("Set-Cookie", ""), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Set-Cookie", ""), exc.read().decode()


def test_forms_need_their_tokens(served: Served, store: Store) -> None:
    # a login posted without the form token (e.g. from another site) sets no session
    status, set_cookie, body = _post(
        f"{served.url}/signin", {"name": "admin", "password": "demo-admin-1"}
    )
    assert status == 403 and COOKIE not in set_cookie and "不是从本站提交的" in body
    # with it: 303 and the cookie's attributes
    token = "t" * 32
    status, set_cookie, _ = _post(
        f"{served.url}/signin",
        {"name": "admin", "password": "demo-admin-1", "csrf": token, "next": "//evil.example/"},
        cookie=f"plantrack_form={token}",
    )
    assert status == 303, set_cookie
    assert f"{COOKIE}=" in set_cookie and "HttpOnly" in set_cookie
    assert "SameSite=strict" in set_cookie or "SameSite=Strict" in set_cookie
    session = set_cookie.split(f"{COOKIE}=")[1].split(";")[0]
    assert accounts.resolve(store, session) is not None
    # logging out needs the token derived from the session (another site cannot know it)
    status, _, body = _post(f"{served.url}/signout", {"csrf": "guess"}, f"{COOKIE}={session}")
    assert status == 403 and "退出请求无效" in body
    assert accounts.resolve(store, session) is not None
    status, set_cookie, _ = _post(
        f"{served.url}/signout", {"csrf": logout_token(session)}, f"{COOKIE}={session}"
    )
    assert status == 303 and f'{COOKIE}=""' in set_cookie or f"{COOKIE}=;" in set_cookie
    assert accounts.resolve(store, session) is None


def test_signin_refuses_another_origin_and_locks_after_five_wrong_passwords(
    served: Served, store: Store
) -> None:
    form = {"name": "stat2", "password": "demo-stat-2", "csrf": "f" * 32}
    cookie = "plantrack_form=" + "f" * 32
    status, set_cookie, _ = _post(f"{served.url}/signin", form, cookie, "http://evil.example")
    assert status == 403 and COOKIE not in set_cookie
    wrong = {**form, "password": "not-the-password"}
    for _ in range(5):
        status, set_cookie, body = _post(f"{served.url}/signin", wrong, cookie, served.url)
        assert status == 401 and COOKIE not in set_cookie and "用户名或密码错误" in body
    assert "已锁定" in body
    status, set_cookie, body = _post(f"{served.url}/signin", form, cookie, served.url)
    assert status == 401 and COOKIE not in set_cookie and "已锁定" in body  # even the right one
    with store.connect(read_only=True) as con:
        (refused,) = con.execute(
            "SELECT count(*) FROM audit WHERE user_name = 'stat2' AND action = 'login' "
            "AND outcome = 'refused'"
        ).fetchone()
    assert refused == 6


def test_next_is_only_a_path_on_this_site() -> None:
    assert safe_next("/indicator?id=a&area=b") == "/indicator?id=a&area=b"
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil", "evil", "", "/signout"):
        assert safe_next(bad) == "/"


def test_secure_flag_over_https_behind_a_proxy_or_when_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starlette.requests import Request
    from starlette.responses import Response

    from app.asgi import _set_cookie, secure_cookie

    def request(scheme: str, *headers: tuple[str, str]) -> Request:
        raw = [(k.encode(), v.encode()) for k, v in headers]
        return Request({"type": "http", "scheme": scheme, "headers": raw, "path": "/"})

    monkeypatch.delenv("PLANTRACK_COOKIE_SECURE", raising=False)
    assert not secure_cookie(request("http"))
    assert secure_cookie(request("https"))
    assert secure_cookie(request("http", ("x-forwarded-proto", "https")))
    resp = Response()
    _set_cookie(resp, request("https"), COOKIE, "tok", 60)
    header = resp.headers["set-cookie"]
    assert "HttpOnly" in header and "Secure" in header and "samesite=strict" in header.lower()
    monkeypatch.setenv("PLANTRACK_COOKIE_SECURE", "1")
    assert secure_cookie(request("http"))
    monkeypatch.setenv("PLANTRACK_COOKIE_SECURE", "0")
    assert not secure_cookie(request("https"))
