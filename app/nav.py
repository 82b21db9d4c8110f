"""The pages of the app, their titles and icons: declared once, used by dashboard.py and by
the sidebar that :func:`app.bootstrap.bootstrap` draws on every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from app.i18n import t


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    icon: str
    url_path: str
    section_key: str


ROOT = Path(__file__).resolve().parents[1]
_ALL = [
    PageSpec("pages/overview.py", "nav.overview", "📊", "overview", "nav.section.monitor"),
    PageSpec("pages/indicator.py", "nav.indicator", "📈", "indicator", "nav.section.monitor"),
    PageSpec("pages/departments.py", "nav.departments", "🏛️", "departments", "nav.section.monitor"),
    PageSpec("pages/tasks.py", "nav.tasks", "🗂️", "tasks", "nav.section.monitor"),
    PageSpec("pages/upload.py", "nav.upload", "📤", "upload", "nav.section.data"),
    PageSpec("pages/report.py", "nav.report", "📝", "report", "nav.section.evaluate"),
]
# Pages land one by one; list those whose file exists.
PAGES = [p for p in _ALL if (ROOT / p.file).exists()]
URL_PATHS = [p.url_path for p in PAGES]


def pages() -> dict[str, list]:
    """``st.navigation`` input, grouped by section."""
    out: dict[str, list] = {}
    for i, p in enumerate(PAGES):
        page = st.Page(
            p.file, title=t(p.title_key), icon=p.icon, url_path=p.url_path, default=i == 0
        )
        out.setdefault(t(p.section_key), []).append(page)
    return out


def sidebar_links() -> None:
    """The page list in the sidebar (Streamlit's own is hidden in .streamlit/config.toml)."""
    section = None
    for p in PAGES:
        if p.section_key != section:
            section = p.section_key
            st.caption(t(section))
        try:
            st.page_link(p.file, label=t(p.title_key), icon=p.icon)
        except StreamlitPageNotFoundError:
            # a page run on its own (AppTest, or a direct URL before the entry script ran)
            url = "/" if p is PAGES[0] else f"/{p.url_path}"  # the default page lives at /
            st.markdown(f"{p.icon} [{t(p.title_key)}]({url})")
