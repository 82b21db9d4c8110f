"""The login form (drawn by bootstrap() on any page opened without a live session)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlsplit

import pandas as pd
import streamlit as st

from app import session
from app.i18n import t
from app.text import md_escape
from plantrack.auth.actor import Actor
from plantrack.store import StoreError
from plantrack.workspace import Workspace


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def form(ws: Workspace) -> None:
    """User name + password (and the OIDC button when configured); logs in and reruns."""
    from plantrack.auth import accounts

    st.subheader(t("auth.login.title"))
    if session.cookie_mode():
        signin_link()
        return
    st.caption(t("auth.login.prompt"))
    if oidc_configured():
        _oidc(ws)
    with st.form("login", enter_to_submit=True, border=False):
        name = st.text_input(t("auth.login.name"), key="login.name")
        password = st.text_input(t("auth.login.password"), type="password", key="login.password")
        submitted = st.form_submit_button(t("auth.login.go"), key="login.go", type="primary")
    if submitted:
        if not name.strip() or not password:
            st.error(t("auth.login.empty"))
        else:
            try:
                actor = accounts.login(ws.store, name, password)
            except StoreError as exc:
                st.error(md_escape(exc))
            else:
                session.start(actor)
                st.rerun()
    try:
        if not accounts.users(ws.store):
            st.info(t("auth.login.no_accounts"))
    except StoreError:
        pass
    if ws.is_demo:
        demo_accounts()


def signin_link() -> None:
    """Served by serve.py: logging in is the plain HTTP form at /signin (HttpOnly cookie)."""
    from app.asgi import SIGNIN, safe_next

    here = "/"
    try:
        url = urlsplit(str(st.context.url or ""))
        here = safe_next(url.path + (f"?{url.query}" if url.query else ""))
    except (AttributeError, RuntimeError, ValueError):
        pass
    expired = session.cookie_token() is not None
    st.info(t("auth.login.expired") if expired else t("auth.login.needed"))
    href = escape(f"{SIGNIN}?next={quote(here)}")
    st.html(
        f'<p><a href="{href}" target="_self" id="plantrack-signin">{t("auth.login.go_page")}</a></p>'
    )


# looks like Streamlit's secondary button (st.html draws plain HTML)
_BUTTON = (
    "font:inherit;padding:.3rem .8rem;border:1px solid rgba(49,51,63,.25);border-radius:.5rem;"
    "background:#fff;color:inherit;cursor:pointer;min-height:2.4rem"
)


def logout_form(actor: Actor) -> None:
    """A real HTML form posting to /signout (deletes the session row, clears the cookie);
    its form token is derived from the session token, which another site cannot know."""
    from app.asgi import SIGNOUT, logout_token

    token = escape(logout_token(actor.token or ""))
    st.html(
        f'<form method="post" action="{SIGNOUT}" id="plantrack-signout">'
        f'<input type="hidden" name="csrf" value="{token}">'
        f'<button type="submit" style="{_BUTTON}">{escape(t("auth.logout"))}</button>'
        "</form>"
    )


def demo_accounts() -> None:
    from plantrack.auth.demo import DEMO_ACCOUNTS

    st.markdown(f"**{t('auth.demo.title')}**")
    st.caption(t("auth.demo.caption"))
    rows = [
        {"用户名": n, "密码": p, "角色": r, "部门": "、".join(d) or "—", "说明": f"示例账号 {dn}"}
        for n, dn, r, d, p in DEMO_ACCOUNTS
    ]
    st.table(pd.DataFrame(rows).set_index("用户名"))  # plain HTML: readable, copyable


def _oidc(ws: Workspace) -> None:
    """st.login says who someone is; PlanTrack's users table says what they may do."""
    from plantrack.auth import accounts

    user = st.user
    if getattr(user, "is_logged_in", False):
        issuer = str(user.get("iss") or "oidc")
        subject = str(user.get("sub") or "")
        try:
            actor = accounts.login_identity(ws.store, issuer, subject)
        except StoreError:
            st.error(t("auth.login.oidc_unknown"))
            return
        session.start(actor)
        st.rerun()
    if st.button(t("auth.login.oidc"), key="login.oidc"):
        st.login()
