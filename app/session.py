"""The logged-in user of this browser session, checked against the database on every run.

Only the session token is kept in ``st.session_state`` (never a user object): each run
resolves it with :func:`plantrack.auth.accounts.resolve`, so an expired, logged-out or
disabled session stops at once, and anything else put in session state grants nothing.

Why no cookie: a Streamlit 1.67 script cannot set one. ``st.context.cookies`` is
read-only; components run in a sandboxed iframe (a cookie set from JavaScript can never be
HttpOnly); ``st.login``'s own cookie only carries the identity provider's claims. Streamlit
1.53+ has an experimental ASGI app (``streamlit.starlette.App``) whose middleware or custom
routes can set cookies on HTTP responses — but not from the running script over the
websocket, where our login happens. An HttpOnly, SameSite=Strict cookie would therefore need
a separate HTTP login route served by that app (run under uvicorn instead of ``streamlit
run``) or a reverse proxy doing the login — not done here. So the token lives only in the
server-side session state: reloading the tab starts a new Streamlit session and asks to log
in again (with OIDC, ``st.login``'s cookie makes that one click). Nothing secret reaches the
browser's storage.
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
    st.session_state[_ACTOR_KEY] = actor  # overwritten on every run by bootstrap()
    return actor


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
