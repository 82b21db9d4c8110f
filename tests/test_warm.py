"""The cold start: the caches warmed in the background (app/warm.py), and what the login and
overview runs import (nothing of validation, Excel or Word)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

AS_OF = date(2025, 12, 31)


def test_warming_leaves_the_overview_assessment_ready(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cache as cache
    from app import warm
    from plantrack.scorecard import assessment_table

    ws = warm.warm(as_of=AS_OF)  # the workspace of PLANTRACK_DB, as a page opens it
    assert ws.settings.db_path == app_db
    computed: list[date] = []

    def counted(ws_, as_of, **kwargs):
        computed.append(as_of)
        return assessment_table(ws_, as_of, **kwargs)

    monkeypatch.setattr(cache, "assessment_table", counted)
    table = cache.cached_assessment(ws, AS_OF, None, None, ws.store.data_version())
    assert computed == []  # the overview's first run finds it computed
    assert len(table) == len(ws.indicators)
    expected = assessment_table(ws, AS_OF, area=ws.district)
    assert list(table["verdict"]) == list(expected["verdict"])
    # another date is not warmed: computed when a page asks
    cache.cached_assessment(ws, date(2024, 12, 31), None, None, ws.store.data_version())
    assert computed == [date(2024, 12, 31)]


def test_apptest_never_starts_the_warming_thread(app_db: Path) -> None:
    from app import warm

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert any(b.label == "登录" for b in at.button), "login form expected"
    assert not warm.enabled()
    assert "plantrack-warm" not in {t.name for t in threading.enumerate()}


# Run in a fresh interpreter: this test process has imported everything already.
_IMPORTS = """
import json, sys
from streamlit.testing.v1 import AppTest
from tests.conftest import login_app
at = AppTest.from_file("dashboard.py", default_timeout=60).run()
assert not at.exception and at.get("text_input"), "login form expected"
login_run = sorted(sys.modules)
at = login_app(AppTest.from_file("pages/overview.py", default_timeout=60)).run()
assert not at.exception and at.metric, "overview expected"
print(json.dumps({"login": login_run, "overview": sorted(sys.modules)}))
"""
HEAVY = ("great_expectations", "openpyxl", "docx", "python_calamine", "reportlab", "altair")


def test_login_and_overview_runs_import_no_validation_excel_or_word(app_db: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    runs = json.loads(out.stdout.strip().splitlines()[-1])
    for run, modules in runs.items():
        heavy = sorted({m.split(".")[0] for m in modules} & set(HEAVY))
        assert heavy == [], f"the {run} run imports {heavy}"


def test_settle_freezes_what_the_server_holds_and_garbage_is_still_freed() -> None:
    """After warming, the objects held for good are frozen out of full garbage collections
    (they cost a rerun 100–170 ms of CPU); a reference cycle made later is still collected.
    In a child process: freezing the test process's own heap would keep its garbage."""
    code = (
        "import gc, weakref, duckdb\n"
        "con = duckdb.connect()\n"
        "from app.warm import settle\n"
        "before = gc.get_freeze_count()\n"
        "held = settle()\n"
        "class Node: pass\n"
        "a = Node(); a.me = a; gone = weakref.ref(a); del a\n"
        "gc.collect()\n"
        "print(before, held, gone() is None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)  # fmt: skip
    out = done.stdout.split()
    assert int(out[0]) == 0 and int(out[1]) > 10_000 and out[2] == "True"
    assert "leaked" not in done.stderr  # duckdb's bindings count frozen objects at exit
