"""The pages of the app, their titles and icons: declared once, used by dashboard.py and by
the sidebar that :func:`app.bootstrap.bootstrap` draws on every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from app.i18n import lang_params, t
from plantrack.auth.roles import ADMIN, STATISTICIAN


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    icon: str
    url_path: str
    section_key: str
    roles: tuple[str, ...] | None = None  # None: every logged-in user

    def allows(self, role: str | None) -> bool:
        return role is not None and (self.roles is None or role in self.roles)


ROOT = Path(__file__).resolve().parents[1]
_ALL = [
    PageSpec(
        "pages/overview.py",
        "nav.overview",
        ":material/dashboard:",
        "overview",
        "nav.section.monitor",
    ),
    PageSpec(
        "pages/indicator.py",
        "nav.indicator",
        ":material/monitoring:",
        "indicator",
        "nav.section.monitor",
    ),
    PageSpec(
        "pages/departments.py",
        "nav.departments",
        ":material/account_balance:",
        "departments",
        "nav.section.monitor",
    ),
    PageSpec("pages/tasks.py", "nav.tasks", ":material/checklist:", "tasks", "nav.section.monitor"),
    PageSpec(
        "pages/upload.py",
        "nav.upload",
        ":material/upload_file:",
        "upload",
        "nav.section.data",
        (STATISTICIAN, ADMIN),
    ),
    PageSpec(
        "pages/reporting.py", "nav.reporting", ":material/outbox:", "reporting", "nav.section.data"
    ),
    PageSpec(
        "pages/report.py", "nav.report", ":material/description:", "report", "nav.section.evaluate"
    ),
    PageSpec(
        "pages/admin.py",
        "nav.admin",
        ":material/admin_panel_settings:",
        "admin",
        "nav.section.admin",
        (ADMIN,),
    ),
    PageSpec(
        "pages/audit.py",
        "nav.audit",
        ":material/receipt_long:",
        "audit",
        "nav.section.admin",
        (ADMIN,),
    ),
]
LOGIN = PageSpec("pages/login.py", "nav.login", ":material/login:", "login", "nav.section.admin")
# Pages land one by one; list those whose file exists.
PAGES = [p for p in _ALL if (ROOT / p.file).exists()]
URL_PATHS = [p.url_path for p in PAGES]


def _home() -> None:
    """The root URL opens the first page, which then also has its own URL (/overview)."""
    st.switch_page(PAGES[0].file, query_params=st.query_params.to_dict())


def pages() -> dict[str, list]:
    """``st.navigation`` input, grouped by section; "/" is a hidden entry that redirects."""
    home = st.Page(_home, title=t(PAGES[0].title_key), url_path="home", default=True)
    out: dict[str, list] = {"": [home]}
    for p in PAGES:
        page = st.Page(p.file, title=t(p.title_key), icon=p.icon, url_path=p.url_path)
        out.setdefault(t(p.section_key), []).append(page)
    if (ROOT / LOGIN.file).exists():
        out[""].append(st.Page(LOGIN.file, title=t(LOGIN.title_key), url_path=LOGIN.url_path))
    return out


def page_for(file: str) -> PageSpec:
    return next(p for p in PAGES if p.file == file)


def sidebar_links(role: str | None) -> None:
    """The pages ``role`` may use, in the sidebar (Streamlit's own list is hidden in
    .streamlit/config.toml; every page still checks the role itself)."""
    section = None
    for p in PAGES:
        if not p.allows(role):
            continue
        if p.section_key != section:
            section = p.section_key
            st.caption(t(section))
        try:
            st.page_link(p.file, label=t(p.title_key), icon=p.icon, query_params=lang_params())
        except StreamlitPageNotFoundError:
            # a page run on its own (AppTest, or a direct URL before the entry script ran)
            query = "?lang=en" if lang_params() else ""
            st.markdown(f"{p.icon} [{t(p.title_key)}](/{p.url_path}{query})")
