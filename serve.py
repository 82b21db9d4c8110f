"""PlanTrack with the HttpOnly session cookie: ``streamlit run serve.py``.

The same app as ``streamlit run dashboard.py``, served by Streamlit's ASGI ``st.App`` with a
plain HTTP login (/signin, /signout, app/asgi.py) that sets an HttpOnly, SameSite=Strict
cookie: the session survives a reload, and no script in the page can read its token.
"""

import streamlit as st

from app import asgi

app = st.App("dashboard.py", routes=asgi.routes(), middleware=asgi.middleware())
