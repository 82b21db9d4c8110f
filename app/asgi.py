"""The login over plain HTTP for ``streamlit run serve.py``: an HttpOnly, SameSite=Strict
session cookie that a Streamlit script cannot set itself.

``serve.py`` wraps ``dashboard.py`` in ``st.App`` with the routes and the middleware below:

- ``GET /signin`` a plain HTML form (Chinese, labelled fields, works without JavaScript) with a
  form token that must equal a short-lived HttpOnly cookie (double submit; with SameSite=Strict
  a page of another site can neither read nor send it);
- ``POST /signin`` checks the password with :func:`plantrack.auth.accounts.login` (lockout,
  audit of every refusal), which stores only the sha256 of the new session token, and answers
  ``Set-Cookie: plantrack_session=TOKEN; HttpOnly; SameSite=Strict; Path=/`` (+ ``Secure``
  over https or with ``PLANTRACK_COOKIE_SECURE=1``);
- ``POST /signout`` deletes the session row and clears the cookie;
- the middleware sends a browser that asks for a page without the cookie to ``/signin``.

The script (``app/session.py``) reads the cookie from ``st.context.cookies`` and checks it
against the database on every run (idle and absolute time-outs, account still active, role
and departments from the users table), so the cookie alone is only a handle.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from plantrack.auth.actor import Actor
from plantrack.store import StoreError
from plantrack.store.auth_sql import ABSOLUTE_TIMEOUT
from plantrack.workspace import Workspace

COOKIE = "plantrack_session"
FORM_COOKIE = "plantrack_form"
SIGNIN = "/signin"
SIGNOUT = "/signout"
MAX_FORM_BYTES = 8192
# Set by build(): the script then shows a link to /signin instead of its own login form.
ENABLED = False
# Paths the middleware never redirects: Streamlit's own endpoints, our routes, st.login's.
_OPEN = ("/_stcore", "/static", "/media", "/component", "/app/static", "/auth/", "/oauth2")

_ws: Workspace | None = None
_ws_lock = threading.Lock()


def workspace() -> Workspace:
    """The workspace of the current settings, opened once per process (a missing demo
    database is generated, as on a page's first run)."""
    global _ws
    with _ws_lock:
        if _ws is None:
            from plantrack.workspace import open_workspace

            _ws = open_workspace()
        return _ws


def logout_token(session_token: str) -> str:
    """The form token of the logout button: derived from the session token, which only the
    browser holding the cookie (and the server) knows."""
    return hmac.new(session_token.encode(), b"plantrack-signout", hashlib.sha256).hexdigest()


def secure_cookie(request: Request) -> bool:
    flag = os.environ.get("PLANTRACK_COOKIE_SECURE", "").strip().lower()
    if flag in {"1", "true", "yes"}:
        return True
    if flag in {"0", "false", "no"}:
        return False
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.scope.get("scheme") == "https" or forwarded.split(",")[0].strip() == "https"


def _set_cookie(resp: Response, request: Request, name: str, value: str, max_age: int) -> None:
    resp.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request),
    )


def _clear_cookie(resp: Response, request: Request, name: str) -> None:
    resp.delete_cookie(
        name, path="/", httponly=True, samesite="strict", secure=secure_cookie(request)
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) is a place to go back to."""
    target = (target or "").strip()
    parts = urlsplit(target)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or parts.scheme
        or parts.netloc
        or target.startswith((SIGNIN, SIGNOUT))
    ):
        return "/"
    return target


def _same_origin(request: Request) -> bool:
    """A browser's Origin header, when sent, must be this site (a second CSRF check)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _resolve(token: str | None) -> Actor | None:
    from plantrack.auth.accounts import resolve

    return resolve(workspace().store, token)


# -- the page ---------------------------------------------------------------------------
_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f5f7fa;margin:0;
color:#1a1a1a}main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem 2.2rem;
border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.4rem;margin:0 0 .3rem}
p.sub{color:#555;margin:0 0 1.4rem}label{display:block;font-weight:600;margin:1rem 0 .3rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;
font-size:1rem;border:1px solid #8a8f98;border-radius:4px}
input:focus,button:focus{outline:3px solid #1f4e79;outline-offset:2px}
button{margin-top:1.4rem;width:100%;padding:.7rem;font-size:1rem;background:#1f4e79;color:#fff;
border:0;border-radius:4px;cursor:pointer}.err{background:#fdecea;color:#8a1c1c;padding:.7rem;
border-radius:4px}.ok{background:#e8f4ea;color:#1e5c2a;padding:.7rem;border-radius:4px}
.demo{margin-top:1.6rem;font-size:.9rem;color:#333}.demo table{border-collapse:collapse}
.demo td,.demo th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
.warn{background:#fff4e5;color:#6b4200;padding:.6rem;border-radius:4px;margin-bottom:1rem}
"""


def _demo_table(ws: Workspace) -> str:
    if not ws.is_demo:
        return ""
    from plantrack.auth.demo import DEMO_ACCOUNTS

    rows = "".join(
        f"<tr><td>{escape(n)}</td><td>{escape(p)}</td><td>{escape(r)}</td>"
        f"<td>{escape('、'.join(d) or '—')}</td></tr>"
        for n, _dn, r, d, p in DEMO_ACCOUNTS
    )
    return (
        '<section class="demo" aria-labelledby="demo-h"><h2 id="demo-h" style="font-size:1rem">'
        "示例账号（仅示例数据库）</h2><table><thead><tr><th>用户名</th><th>密码</th><th>角色</th>"
        f"<th>部门</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _has_accounts(ws: Workspace) -> bool:
    from plantrack.auth.accounts import users

    try:
        return bool(users(ws.store))
    except StoreError:
        return True  # the store's own message comes with the login attempt


def page(*, form_token: str, next_path: str, message: str = "", ok: str = "", name: str = ""):
    """The login page (HTML); ``message`` is an error shown above the form."""
    ws = workspace()
    demo = '<p class="warn">示例数据（模拟，非官方统计）</p>' if ws.is_demo else ""
    err = f'<p class="err" role="alert">{escape(message)}</p>' if message else ""
    note = f'<p class="ok" role="status">{escape(ok)}</p>' if ok else ""
    if not _has_accounts(ws):
        note += (
            '<p class="warn">这个数据库还没有任何账号。请在服务器上运行 '
            "<code>python -m plantrack create-admin 用户名</code> 创建第一个管理员。</p>"
        )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 规划指标监测平台</title><style>{_STYLE}</style></head>
<body><main><h1>规划指标监测平台</h1><p class="sub">登录后查看和填报（Log in）</p>
{demo}{err}{note}
<form method="post" action="{SIGNIN}" id="plantrack-login" autocomplete="on">
<input type="hidden" name="csrf" value="{escape(form_token)}">
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="name">用户名</label>
<input type="text" id="name" name="name" value="{escape(name)}" required maxlength="64"
 autocomplete="username" autofocus>
<label for="password">密码</label>
<input type="password" id="password" name="password" aria-label="密码" required
 autocomplete="current-password">
<button type="submit">登录</button>
</form>{_demo_table(ws)}</main></body></html>"""


def _form_response(request: Request, status: int = 200, **kw) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    resp = HTMLResponse(page(form_token=token, **kw), status_code=status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    _set_cookie(resp, request, FORM_COOKIE, token, 3600)
    return resp


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=10)
    return {k: v[0] for k, v in fields.items() if v}


# -- routes -----------------------------------------------------------------------------
async def signin_get(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    token = request.cookies.get(COOKIE)
    if token and await run_in_threadpool(_resolve, token) is not None:
        return RedirectResponse(next_path, status_code=303)
    ok = "已退出登录。" if request.query_params.get("bye") else ""
    resp = await run_in_threadpool(_form_response, request, next_path=next_path, ok=ok)
    if token:  # a dead session's cookie: drop it
        _clear_cookie(resp, request, COOKIE)
    return resp


async def signin_post(request: Request) -> Response:
    from plantrack.auth.accounts import login

    form = await _form(request)
    next_path = safe_next(form.get("next"))
    name = form.get("name", "").strip()[:64]
    expected = request.cookies.get(FORM_COOKIE, "")
    sent = form.get("csrf", "")
    if not (expected and sent and hmac.compare_digest(expected, sent)) or not _same_origin(request):
        message = "登录表单已过期或不是从本站提交的，请重新输入用户名和密码。"
        return await run_in_threadpool(
            _form_response, request, 403, next_path=next_path, message=message, name=name
        )
    password = form.get("password", "")
    if not name or not password:
        message = "请填写用户名和密码。"
        return await run_in_threadpool(
            _form_response, request, 400, next_path=next_path, message=message, name=name
        )
    try:
        actor = await run_in_threadpool(login, workspace().store, name, password)
    except StoreError as exc:  # AuthError: wrong password, locked, disabled (audited)
        return await run_in_threadpool(
            _form_response, request, 401, next_path=next_path, message=str(exc), name=name
        )
    resp = RedirectResponse(next_path, status_code=303)
    _set_cookie(resp, request, COOKIE, actor.token or "", int(ABSOLUTE_TIMEOUT.total_seconds()))
    _clear_cookie(resp, request, FORM_COOKIE)
    return resp


async def signout(request: Request) -> Response:
    from plantrack.auth.accounts import logout

    token = request.cookies.get(COOKIE)
    if token:
        form = await _form(request)
        if not hmac.compare_digest(form.get("csrf", ""), logout_token(token)):
            return HTMLResponse(
                '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>退出登录</title>'
                "<p>退出请求无效（不是从本站页面提交的）。请回到平台，用侧栏的“退出登录”按钮。</p>"
                '<p><a href="/">返回平台</a></p></html>',
                status_code=403,
            )
        actor = await run_in_threadpool(_resolve, token)
        await run_in_threadpool(logout, workspace().store, actor)
    resp = RedirectResponse(f"{SIGNIN}?bye=1", status_code=303)
    _clear_cookie(resp, request, COOKIE)
    return resp


class RequireCookie:
    """A browser asking for a page (GET, HTML) without the session cookie goes to /signin.
    Only a convenience: the script checks the cookie against the database on every run."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope.get("path", "/")
            headers = dict(scope.get("headers") or [])
            accept = headers.get(b"accept", b"").decode("latin-1")
            if (
                "text/html" in accept
                and not path.startswith(_OPEN)
                and path not in (SIGNIN, SIGNOUT)
                and f"{COOKIE}=".encode() not in headers.get(b"cookie", b"")
            ):
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + (f"?{query}" if query else "")
                where = SIGNIN if target in ("/", "") else f"{SIGNIN}?next={quote(target)}"
                await RedirectResponse(where, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def routes() -> list[Route]:
    return [
        Route(SIGNIN, signin_get, methods=["GET"]),
        Route(SIGNIN, signin_post, methods=["POST"]),
        Route(SIGNOUT, signout, methods=["POST"]),
    ]


def middleware() -> list[Middleware]:
    global ENABLED
    ENABLED = True
    return [Middleware(RequireCookie)]
