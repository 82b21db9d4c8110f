"""The 批量导入 block shared by the task page's two bulk templates (任务进展 and 规划主要任务):
download the template, upload the filled file, show every problem or the stored batch.
Reading, checking and storing are in :mod:`plantrack.tasks.intake`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from app import cache, session
from app.i18n import t
from app.text import md_escape
from app.upload_view import report_table
from plantrack.store import StoreError
from plantrack.tasks.intake import BulkResult, UnreadableError
from plantrack.workspace import Workspace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class BulkBlock:
    strings: str  # prefix of the strings: tasks.bulk / ptasks.bulk
    template_name: str  # the downloaded file's name
    keys: tuple[str, str, str]  # widget keys: template button, uploader, import button
    loader: Callable[..., BulkResult]
    primary: bool = False


def bulk_block(ws: Workspace, block: BulkBlock, template: bytes) -> BulkResult | None:
    """Draw the block; the result of an import that stored its rows, else None."""
    s = block.strings
    key_template, key_file, key_go = block.keys
    st.download_button(
        t(f"{s}.template"), template, file_name=block.template_name, mime=XLSX, key=key_template
    )
    file = st.file_uploader(t(f"{s}.file"), type=["xlsx"], key=key_file)
    actor = session.current()
    if actor is None:
        return None
    kind = "primary" if block.primary else "secondary"
    slot = f"{s}.refused_result"  # a refused file's report stays while it is the file chosen
    if st.button(t(f"{s}.submit"), key=key_go, type=kind):
        st.session_state.pop(slot, None)
        if file is None:
            st.warning(t(f"{s}.nofile"))
            return None
        try:
            result = block.loader(ws, file.getvalue(), file.name, actor=actor)
        except (UnreadableError, StoreError) as exc:
            st.error(md_escape(exc))
            return None
        if result.ok:
            cache.clear()
            return result
        st.session_state[slot] = result
    refused: BulkResult | None = st.session_state.get(slot)
    if refused is not None and file is not None and file.name == refused.file:
        st.error(t(f"{s}.refused", file=md_escape(refused.file), n=refused.report.n_errors))
        report_table(refused.report, refused.file, s, compact=True)
    return None
