"""Page-wide CSS, drawn once per run by :func:`app.bootstrap.bootstrap`.

Streamlit 1.67 has no locale setting and no parameter for the file uploader's own words
("Upload", "200MB per file • XLSX, CSV") or the select box's "No results": CSS replaces
them in the reader's language (the original text is hidden, the new one drawn by
``::after``). The selectors use Streamlit's ``data-testid`` attributes, which its own end-to-
end tests rely on. Placeholders of select boxes are set per widget (``placeholder=``).

It also keeps titles whole on a phone (no break inside a word) and tables readable there.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import t


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def css() -> str:
    upload = _css_text(t("widget.upload"))
    limit = _css_text(t("widget.upload.limit", mb=st.get_option("server.maxUploadSize")))
    empty = _css_text(t("widget.no_results"))
    return f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{
  font-size: 0;
}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{upload}"; font-size: 0.875rem;
}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "{limit}"; font-size: 0.75rem;
}}
div[role="option"][style*="contents"] > span {{ font-size: 0; }}
div[role="option"][style*="contents"] > span::after {{ content: "{empty}"; font-size: 0.875rem; }}
h1 {{ word-break: keep-all; overflow-wrap: break-word; }}
@media (max-width: 640px) {{
  h1 {{ font-size: 1.6rem !important; }}
  h2 {{ font-size: 1.3rem !important; }}
  h3 {{ font-size: 1.2rem !important; }}
  h4 {{ font-size: 1.1rem !important; }}
}}
</style>"""


def apply() -> None:
    st.html(css())
    enter_applies_date()


# Streamlit's date field applies a typed date when its calendar closes (Escape, a click
# outside), not on Enter. Enter in a date field is turned into that same Escape, so a typed
# date applies on Enter. Registered once per browser tab.
ENTER_APPLIES_DATE = """<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__plantrackEnterDate) return;
  doc.__plantrackEnterDate = true;
  doc.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !e.target || !e.target.closest) return;
    if (!e.target.closest('[data-testid="stDateInput"]')) return;
    e.preventDefault();
    e.stopPropagation();
    e.target.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", code: "Escape",
      keyCode: 27, which: 27, bubbles: true, cancelable: true}));
  }, true);
})();
</script>"""


def enter_applies_date() -> None:
    """Drawn in the sidebar, where its empty block takes no room from the page."""
    st.sidebar.html(ENTER_APPLIES_DATE, unsafe_allow_javascript=True)
