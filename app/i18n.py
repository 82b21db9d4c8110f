"""Every UI string, in Chinese (default) and English. Pages call ``t(key)``.

The catalogue is split by feature: each module in ``app/strings/`` defines ``STRINGS`` as
``{key: (中文, English)}``; keys are prefixed by the feature (``upload.``, ``tasks.`` …).

The language survives a change of page and a reload: Streamlit forgets a widget's own key
when a page without that widget runs (and widgets of different pages are different widgets),
so the choice is kept under the non-widget key :data:`KEPT` and in the URL (``?lang=en``);
the radio in the sidebar (key :data:`WIDGET`) is seeded from them on every page.
"""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st

import app.strings

WIDGET = "lang"
KEPT = "_lang"
_URL_SEEN = "_url_lang"
LANGS = ("zh", "en")


def _catalogue() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for mod in pkgutil.iter_modules(app.strings.__path__):
        strings = importlib.import_module(f"app.strings.{mod.name}").STRINGS
        clash = merged.keys() & strings.keys()
        if clash:
            raise KeyError(
                f"duplicate UI string keys in app/strings/{mod.name}.py: {sorted(clash)}"
            )
        merged.update(strings)
    return merged


STRINGS = _catalogue()


def _url_lang() -> str | None:
    value = st.query_params.get("lang")
    return value if value in LANGS else None


def lang() -> str:
    """The reader's language: the radio's state, else the kept choice, else the URL."""
    for value in (st.session_state.get(WIDGET), st.session_state.get(KEPT), _url_lang()):
        if value in LANGS:
            return "en" if value == "en" else "zh"
    return "zh"


def seed_language() -> None:
    """Before the radio is drawn: a ``?lang=`` the URL brings (a shared link, a reload)
    wins once; otherwise the radio starts from the kept choice."""
    url = _url_lang()
    if url is not None and url != st.session_state.get(_URL_SEEN):
        chosen = url
        st.session_state[_URL_SEEN] = url
    else:
        current = st.session_state.get(WIDGET)
        chosen = current if current in LANGS else st.session_state.get(KEPT) or url or "zh"
    # Set on every run: a value set through the Session State API carries over to the radio
    # of the next page (a value the radio set itself is dropped with that radio).
    st.session_state[WIDGET] = chosen


def keep_language(value: str) -> None:
    """After the radio: keep the choice and write it to the URL (Chinese, the default,
    leaves the URL clean)."""
    st.session_state[KEPT] = value
    if value == "en":
        st.query_params["lang"] = "en"
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    st.session_state[_URL_SEEN] = "en" if value == "en" else None


def lang_params() -> dict[str, str]:
    """Query parameters a link adds so the page it opens keeps the language."""
    return {"lang": "en"} if lang() == "en" else {}


def t(key: str, **kwargs: object) -> str:
    zh, en = STRINGS.get(key, (key, key))
    text = en if lang() == "en" else zh
    return text.format(**kwargs) if kwargs else text
