"""One call at the top of every page: config, database, login, role, language, demo banner.

Pages may be opened directly by URL on a fresh server (Streamlit then runs ``pages/x.py``
without the entry script), so each page calls :func:`bootstrap` itself — and bootstrap
checks the session token against the database on every run, stopping the page with the
login form when there is no live session, and with a refusal when the role may not use it.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from app import cache, login_view, session, style, warm
from app.i18n import keep_language, seed_language, t
from app.nav import sidebar_links
from app.text import md_escape, md_escape_all, md_list
from plantrack.config import ConfigError
from plantrack.settings import redact
from plantrack.store import StoreError
from plantrack.workspace import Workspace


def bootstrap(roles: Collection[str] | None = None) -> Workspace:
    """Open the workspace (or stop the page with a readable message), require a logged-in
    user (of one of ``roles`` if given) and draw the frame."""
    try:
        ws = cache.workspace()
    except ConfigError as exc:
        st.error(t("error.config") + "\n\n" + md_list(exc.issues))
        st.stop()
    except StoreError as exc:
        st.error(t("error.store") + md_escape(exc))
        st.stop()
    try:
        actor = session.resolve(ws)
    except StoreError as exc:
        st.error(t("error.store") + md_escape(exc))
        st.stop()
    seed_language()
    style.apply()
    if cache.run_state(ws):  # data version and demo flag in one read
        st.warning(t("demo.banner"), icon=":material/warning:")
    if actor is None:
        with st.sidebar:
            _language()
        st.title(t("app.title"))
        login_view.form(ws)
        warm.start(ws)  # once per server: the overview's data, while the reader logs in
        st.stop()
    assert actor is not None
    with st.sidebar:
        st.caption(t("auth.user", **md_escape_all(name=actor.label, role=actor.role)))
        if session.from_cookie(actor):
            login_view.logout_form(actor)
        elif st.button(t("auth.logout"), key="auth.logout"):
            session.end(ws)
            st.rerun()
        sidebar_links(actor.role)
        st.divider()
        _language()
        st.caption(_source(ws))
    if roles is not None and actor.role not in roles:
        st.error(t("auth.forbidden", role=md_escape(actor.role)))
        st.stop()
    return ws


def _source(ws: Workspace) -> str:
    """Where the figures come from, in the reader's language (a URL without its password)."""
    s = ws.settings
    if s.demo:
        return t("source.demo")
    return t("source.db", where=md_escape(redact(s.db_url) if s.db_url else str(s.db_path)))


def _language() -> None:
    """The language radio (seeded by :func:`seed_language` earlier in the run); the choice
    is kept for the next page and written to the URL."""
    choice = st.radio(
        t("lang.label"),
        ["zh", "en"],
        key="lang",
        horizontal=True,
        format_func=lambda v: "中文" if v == "zh" else "English",
    )
    keep_language(choice)
