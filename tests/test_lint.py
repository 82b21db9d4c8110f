"""The STYLE's checks as tests: ruff lint, ruff format, mypy; plantrack/ stays free of Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT


def _run(*args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"


def test_ruff_check_is_clean():
    _run("ruff", "check", ".")


def test_ruff_format_is_clean():
    _run("ruff", "format", "--check", ".")


def test_mypy_is_clean():
    _run("mypy")  # what is checked, and how: [tool.mypy] in pyproject.toml


def _streamlit_imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every ``import streamlit…`` / ``from streamlit… import``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name == "streamlit" or name.startswith("streamlit."):
                yield node.lineno, name


def test_plantrack_never_imports_streamlit():
    """Belt and braces next to ruff's TID251 ban (pyproject.toml)."""
    files = sorted((ROOT / "plantrack").rglob("*.py"))
    assert files
    found = [
        f"{f.relative_to(ROOT)}:{line}: {name}"
        for f in files
        for line, name in _streamlit_imports(f)
    ]
    assert not found, "plantrack/ must not import Streamlit:\n" + "\n".join(found)


def test_the_streamlit_check_sees_every_form_of_import(tmp_path: Path):
    src = tmp_path / "ui.py"
    src.write_text(
        "import os, streamlit as st\n"
        "from streamlit.components import v1\n"
        "def f():\n"
        "    import streamlit\n"
        "import streamlit_extras\n"
        "from . import streamlit_helpers\n",
        encoding="utf-8",
    )
    assert sorted(_streamlit_imports(src)) == [
        (1, "streamlit"),
        (2, "streamlit.components"),
        (4, "streamlit"),
    ]
