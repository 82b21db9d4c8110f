"""PlanTrack with the HttpOnly session cookie: ``streamlit run serve.py``.

The same app as ``streamlit run dashboard.py``, served by Streamlit's ASGI ``st.App`` with a
plain HTTP login (/signin, /signout, app/asgi.py) that sets an HttpOnly, SameSite=Strict
cookie: the session survives a reload, and no script in the page can read its token.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

from app import asgi, warm


@asynccontextmanager
async def _warm_at_start(_app: st.App) -> AsyncIterator[None]:
    """At server start: open the workspace and fill the overview's caches in a background
    thread while the first browser is still loading the page (app/warm.py)."""
    warm.start(wait_for_runtime=60)
    yield


routes, middleware = asgi.routes(), asgi.middleware()
app = st.App("dashboard.py", routes=routes, middleware=middleware, lifespan=_warm_at_start)
