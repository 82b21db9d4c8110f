"""上报数据 Upload: template → file → preview → report → confirm → loaded; corrections; batches.

The page only arranges the pieces of app/upload_view.py; the pipeline is plantrack.upload,
the same one ``python -m plantrack validate/load`` runs.
"""

import streamlit as st

from app import session
from app import upload_view as view
from app.bootstrap import bootstrap
from app.i18n import t
from plantrack.auth.roles import ADMIN, STATISTICIAN

ws = bootstrap(roles=(STATISTICIAN, ADMIN))
st.title(t("upload.title"))
user = session.current()
assert user is not None
tab_file, tab_edit, tab_batches, tab_template = st.tabs(
    [t("upload.tab.file"), t("upload.tab.edit"), t("upload.tab.batches"), t("upload.tab.template")]
)
with tab_file:
    result = view.check_file(ws, user)
    if result is not None:
        view.show_preview(ws, result)
        view.show_report(result, "file")
        view.confirm(ws, result, user, "file", source="upload")
with tab_edit:
    edited = view.corrections(ws, user)
    if edited is not None:
        view.show_report(edited, "edit")
        view.confirm(ws, edited, user, "edit", source="editor")
with tab_batches:
    view.batches(ws, user)
with tab_template:
    view.template_download(ws)
