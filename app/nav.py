"""The pages of the app, their titles and icons: declared once, used by dashboard.py."""

from __future__ import annotations

import streamlit as st

from app.i18n import t


def pages() -> dict[str, list]:
    return {
        t("nav.section.monitor"): [
            st.Page(
                "pages/overview.py",
                title=t("nav.overview"),
                icon="📊",
                url_path="overview",
                default=True,
            ),
            st.Page(
                "pages/indicator.py", title=t("nav.indicator"), icon="📈", url_path="indicator"
            ),
        ],
    }
