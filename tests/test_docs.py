"""The README's commands exist and the CI runs the README's test command."""

from __future__ import annotations

import re

from plantrack.cli import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_has_the_two_commands():
    assert "pip install -r requirements.txt && streamlit run serve.py" in README
    assert 'st.App("dashboard.py"' in (ROOT / "serve.py").read_text()  # the same app, + login
    assert "pip install -r requirements-dev.txt && python -m pytest" in README
    assert (
        "pip install -r requirements-dev.txt && python -m pytest"
        in (ROOT / ".ci" / "run").read_text()
    )


def test_every_cli_command_in_the_readme_exists_and_every_command_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    known = set(sub.choices)
    documented = set(re.findall(r"python -m plantrack (?:--db \S+ )?([a-z][a-z-]+)", README))
    documented |= set(re.findall(r"/ `([a-z][a-z-]+) ", README))
    assert documented <= known, documented - known
    assert known <= documented, f"commands missing from the README: {known - documented}"
