"""One call at the top of every page: config, database, language, demo banner.

Pages may be opened directly by URL on a fresh server (Streamlit then runs ``pages/x.py``
without the entry script), so each page calls :func:`bootstrap` itself.
"""

from __future__ import annotations

import streamlit as st

from app import cache
from app.i18n import t
from app.nav import sidebar_links
from plantrack.config import ConfigError
from plantrack.store import StoreError
from plantrack.workspace import Workspace


def bootstrap() -> Workspace:
    """Open the workspace (or stop the page with a readable message) and draw the frame."""
    try:
        ws = cache.workspace()
    except ConfigError as exc:
        st.error(t("error.config") + "\n\n" + "\n".join(f"- `{i}`" for i in exc.issues))
        st.stop()
    except StoreError as exc:
        st.error(t("error.store") + str(exc))
        st.stop()
    with st.sidebar:
        sidebar_links()
        st.divider()
        st.radio(
            t("lang.label"),
            ["zh", "en"],
            key="lang",
            horizontal=True,
            format_func=lambda v: "中文" if v == "zh" else "English",
        )
        st.caption(f"{t('source.label')}：{ws.settings.source}")
    if ws.is_demo:
        st.warning(t("demo.banner"), icon="⚠️")
    return ws
