"""The logged-in user of this browser session, checked against the database on every run.

Two ways to hold the session token, both only a handle that each run resolves with
:func:`plantrack.auth.accounts.resolve` (expired, logged-out or disabled: stops at once):

- ``streamlit run serve.py`` (the default in README): the HttpOnly, SameSite=Strict cookie
  ``plantrack_session`` set by the HTTP login of :mod:`app.asgi`, read here from
  ``st.context.cookies`` (the websocket's handshake). No script in the page can read it; a
  reload keeps the session; logging out is a POST to /signout that deletes the session row
  and clears the cookie.
- ``streamlit run dashboard.py`` (and AppTest): the in-app login form keeps the token in
  ``st.session_state`` — a Streamlit script cannot set a cookie, so a reload asks to log in
  again. ``st.login`` (OIDC) works in this mode only.

Nothing else put in session state (a user object, a role) grants anything.
"""

from __future__ import annotations

import streamlit as st

from plantrack.auth.actor import Actor
from plantrack.workspace import Workspace

TOKEN_KEY = "_plantrack_session_token"
_ACTOR_KEY = "_plantrack_actor_this_run"


def resolve(ws: Workspace) -> Actor | None:
    """The user of the token in session state, from the database (None if not logged in)."""
    from plantrack.auth.accounts import resolve as resolve_token

    token = st.session_state.get(TOKEN_KEY)
    actor = resolve_token(ws.store, token if isinstance(token, str) else None)
    if actor is None:
        st.session_state.pop(TOKEN_KEY, None)
        cookie = cookie_token()
        actor = resolve_token(ws.store, cookie) if cookie else None
    st.session_state[_ACTOR_KEY] = actor  # overwritten on every run by bootstrap()
    return actor


def cookie_token() -> str | None:
    """The token of the HttpOnly session cookie, when served by serve.py."""
    from app.asgi import COOKIE, ENABLED

    if not ENABLED:
        return None
    try:
        token = st.context.cookies.get(COOKIE)
    except (AttributeError, RuntimeError):
        return None
    return token if isinstance(token, str) and token else None


def cookie_mode() -> bool:
    """Logging in and out goes through /signin and /signout (serve.py)."""
    from app.asgi import ENABLED

    return ENABLED


def from_cookie(actor: Actor | None) -> bool:
    return actor is not None and actor.token is not None and actor.token == cookie_token()


def current() -> Actor | None:
    """The user bootstrap() resolved on this run."""
    actor = st.session_state.get(_ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None


def start(actor: Actor) -> None:
    st.session_state[TOKEN_KEY] = actor.token
    st.session_state[_ACTOR_KEY] = actor


def end(ws: Workspace) -> None:
    from plantrack.auth.accounts import logout

    logout(ws.store, current())
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state[_ACTOR_KEY] = None
