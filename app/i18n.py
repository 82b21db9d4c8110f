"""Every UI string, in Chinese (default) and English. Pages call ``t(key)``.

The catalogue is split by feature: each module in ``app/strings/`` defines ``STRINGS`` as
``{key: (中文, English)}``; keys are prefixed by the feature (``upload.``, ``tasks.`` …).
"""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st

import app.strings


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


def lang() -> str:
    return "en" if st.session_state.get("lang") == "en" else "zh"


def t(key: str, **kwargs: object) -> str:
    zh, en = STRINGS.get(key, (key, key))
    text = en if lang() == "en" else zh
    return text.format(**kwargs) if kwargs else text
