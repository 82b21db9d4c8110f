"""The 批量导入 block shared by the task page's two bulk templates (任务进展 and 规划主要任务):
download the template, upload the filled file, show every problem or the stored batch.
Reading, checking and storing are in :mod:`plantrack.tasks.intake`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from app import cache, session
from app.i18n import t
from app.text import md_escape, md_list
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
    if not st.button(t(f"{s}.submit"), key=key_go, type=kind):
        return None
    if file is None:
        st.warning(t(f"{s}.nofile"))
        return None
    try:
        result = block.loader(ws, file.getvalue(), file.name, actor=actor)
    except (UnreadableError, StoreError) as exc:
        st.error(md_escape(exc))
        return None
    if not result.ok:
        head = t(f"{s}.refused", file=md_escape(file.name), n=len(result.problems))
        st.error(head + "\n\n" + md_list(result.problems))
        return None
    cache.clear()
    return result
