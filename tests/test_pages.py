"""AppTest of every page on a private copy of the demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def run_page(name: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_runs_without_exception(app_env: Path, name: str):
    at = run_page(name)
    assert not at.exception, [e.value for e in at.exception]
    assert any("示例数据" in w.value for w in at.warning), "demo banner missing"


def test_dashboard_entry_runs(app_env: Path):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "规划指标监测平台"


def test_overview_shows_verdicts_and_reacts_to_as_of(app_env: Path):
    at = run_page("overview.py")
    final = [m.label for m in at.metric]
    assert any("已实现" in lab or "未实现" in lab for lab in final)  # today is past 2025
    at.button(key="as_of_2023-12-31").click().run()
    assert not at.exception
    assert str(at.date_input(key="as_of").value) == "2023-12-31"
    mid = [m.label for m in at.metric]
    assert any("基本符合预期" in lab or "快于预期" in lab for lab in mid)
    assert not any("未实现" in lab for lab in mid)
    assert any("逆向" in m.value for m in at.markdown), "需关注 lists the target moving away"


def test_language_switch_to_english(app_env: Path):
    at = run_page("overview.py")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("PlanTrack")


def test_indicator_page_by_query_and_choice(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=60)
    at.query_params["id"] = "fitness.instructors_per_10k"
    at.run()
    assert not at.exception
    assert at.title[0].value == "每万人拥有公益社会体育指导员"
    at.selectbox(key="ind_id").set_value("fitness.regular_exercise_rate").run()
    assert not at.exception
    assert at.title[0].value == "经常参加体育锻炼人数比例"


def test_real_empty_database_shows_no_demo_banner(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANTRACK_DB", str(tmp_path / "real.duckdb"))
    monkeypatch.chdir(ROOT)
    at = run_page("overview.py")
    assert not at.exception
    assert not any("示例数据" in w.value for w in at.warning)
