"""AppTest of every page on a private copy of the demo database, and of its main
interactions: the as-of date, the plan filter, the indicator choice, the language switch."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from plantrack.present import VERDICTS
from tests.conftest import ROOT

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def run_page(name: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def texts(at: AppTest) -> str:
    """Everything a reader sees as text (markdown, captions, metrics, titles)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric] + [x.value for x in at.title]
    parts += [x.value for x in at.subheader] + [e.label for e in at.expander]
    return "\n".join(parts)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_runs_without_exception(app_env: Path, name: str):
    at = run_page(name)
    assert not at.exception, [e.value for e in at.exception]
    assert any("示例数据" in w.value for w in at.warning), "demo banner missing"


def test_dashboard_entry_runs(app_env: Path):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "规划指标监测平台"


# -- overview -----------------------------------------------------------------------------


def card_labels(at: AppTest) -> list[str]:
    return [m.label for m in at.metric]


def test_overview_shows_verdicts_and_reacts_to_as_of(app_env: Path):
    at = ok(run_page("overview.py"))
    final = card_labels(at)
    assert any("已实现" in lab or "未实现" in lab for lab in final)  # today is past 2025
    at.button(key="as_of_2023-12-31").click().run()
    ok(at)
    assert str(at.date_input(key="as_of").value) == "2023-12-31"
    mid = card_labels(at)
    assert any("基本符合预期" in lab or "快于预期" in lab for lab in mid)
    assert not any("未实现" in lab for lab in mid)
    assert any("逆向" in lab for lab in mid)
    at.date_input(key="as_of").set_value(date(2022, 6, 30)).run()
    ok(at)
    assert card_labels(at) != mid


def test_overview_attention_moving_away_first_with_links(app_env: Path):
    at = ok(run_page("overview.py", as_of=date(2023, 12, 31)))
    # run on its own the page has no page list: st.page_link falls back to a markdown link
    links = [m.value for m in at.markdown if "](indicator?id=" in m.value]
    assert links, "需关注 lists its indicators as links"
    assert "逆向" in links[0] and "id=disabled.welfare_jobs_pwd_share" in links[0]
    assert "as_of=2023-12-31" in links[0]


def test_overview_cards_leave_monitors_apart(app_env: Path):
    at = ok(run_page("overview.py", as_of=date(2023, 12, 31)))
    assert not any("监测" in lab for lab in card_labels(at)), "monitors are not verdict cards"
    monitors = [e for e in at.expander if "监测指标" in e.label]
    assert monitors, "monitoring indicators have their own collapsed section"
    assert monitors[0].proto.expanded is False


def test_overview_plan_filter(app_env: Path):
    at = ok(run_page("overview.py", as_of=date(2023, 12, 31)))
    both = texts(at)
    assert "全民健身实施计划" in both and "残疾人事业发展规划" in both
    at.segmented_control(key="ov_plan").set_value("fitness").run()
    ok(at)
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headings == ["#### 全民健身实施计划"]
    assert not any("逆向" in lab for lab in card_labels(at))  # the one moving away is 残联's


def test_scorecard_table_links_every_indicator(app_env: Path):
    at = ok(run_page("overview.py", as_of=date(2023, 12, 31)))
    table = at.dataframe[0].value
    assert table["name"].str.startswith("indicator?id=").all()
    assert table["name"].str.contains("&as_of=2023-12-31&n=").all()
    verdicts = table["verdict"].map(lambda cell: " ".join(cell))  # a badge: a list of one
    assert verdicts.str.contains("[★▲●▼↓×！◐…✓？～]").all(), "verdicts carry an icon"


def test_language_switch_to_english(app_env: Path):
    at = ok(run_page("overview.py", as_of=date(2023, 12, 31)))
    at.radio(key="lang").set_value("en").run()
    ok(at)
    assert at.title[0].value.startswith("PlanTrack")
    labels = card_labels(at)
    assert any("On schedule" in lab or "Ahead of schedule" in lab for lab in labels)
    assert not any(CJK.search(lab) for lab in labels)
    assert at.subheader[0].value == "Verdicts"


# -- indicator ----------------------------------------------------------------------------


def test_indicator_page_by_query_and_choice(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=60)
    at.query_params["id"] = "fitness.instructors_per_10k"
    at.query_params["area"] = "370103"
    at.query_params["as_of"] = "2023-12-31"
    ok(at.run())
    assert at.title[0].value == "每万人拥有公益社会体育指导员"
    assert str(at.date_input(key="ind_as_of").value) == "2023-12-31"
    at.selectbox(key="ind_id").set_value("fitness.regular_exercise_rate").run()
    ok(at)
    assert at.title[0].value == "经常参加体育锻炼人数比例"
    assert at.query_params["id"] == "fitness.regular_exercise_rate"


def test_indicator_page_sections_and_downloads(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=60)
    at.query_params["id"] = "fitness.regular_exercise_rate"
    ok(at.run())
    heads = [s.value for s in at.subheader]
    assert heads == ["数据序列", "各街道比较", "数值与修订记录", "指标定义"]
    assert len(at.download_button) == 2
    definition = at.table[0].value
    assert "条款原文" in definition.index and "牵头部门" in definition.index
    assert "区教育体育局" in definition.loc["牵头部门"].iloc[0]
    assert any("有修订" in c.value or "修订" in c.value for c in at.caption)


def test_indicator_area_and_as_of(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=60)
    at.query_params["id"] = "fitness.regular_exercise_rate"
    ok(at.run())
    at.selectbox(key="ind_area").set_value("370103002000").run()
    ok(at)
    assert at.query_params["area"] == "370103002000"
    assert "大观园街道" in texts(at)
    at.button(key="ind_as_of_2023-12-31").click().run()
    ok(at)
    assert at.query_params["as_of"] == "2023-12-31"
    assert any("2023年四季度" in m.label for m in at.metric)


def test_indicator_page_in_english(app_env: Path):
    at = run_page("indicator.py", lang="en")
    ok(at)
    assert [s.value for s in at.subheader][0] == "Series"
    assert not CJK.search(at.title[0].value)


# -- departments --------------------------------------------------------------------------


def test_departments_page_merges_variants_and_lists_tasks(app_env: Path):
    at = ok(run_page("departments.py", dept_as_of=date(2023, 12, 31)))
    options = at.selectbox(key="dept").options
    assert "区人力资源社会保障局" in options
    assert "区人力资源和社会保障局" not in options and "区卫健局" not in options
    at.selectbox(key="dept").set_value("区残联").run()
    ok(at)
    heads = [m.value for m in at.markdown if m.value.startswith("####")]
    assert heads == ["#### 牵头的指标", "#### 负责的任务与里程碑", "#### 牵头的规划主要任务"]
    tasks = at.dataframe[-3].value  # its tasks, its plan key tasks, then all departments
    assert "巩固拓展残疾人脱贫攻坚成果" not in set(
        at.dataframe[-2].value["任务"]
    )  # 区乡村振兴局 leads it
    assert "加强残联组织建设和残工委作用发挥" in set(at.dataframe[-2].value["任务"])
    assert len(tasks) > 0 and tasks["status"].str.contains("逾期|已完成|进行中").all()
    summary = at.dataframe[-1].value
    assert summary["department"].is_unique
    assert at.query_params["dept"] == "区残联"


def test_departments_page_without_the_task_module(app_env: Path, monkeypatch):
    import app.cache

    def missing(*args, **kwargs):
        raise ImportError("No module named 'plantrack.tasks.board'")

    monkeypatch.setattr(app.cache, "cached_tasks", missing)
    at = ok(run_page("departments.py"))
    assert any("任务模块尚未安装" in i.value for i in at.info)


def test_as_of_is_shared_between_pages(app_env: Path):
    at = ok(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run())
    at.button(key="as_of_2023-12-31").click().run()
    at.switch_page("pages/departments.py").run()
    ok(at)
    assert str(at.date_input(key="dept_as_of").value) == "2023-12-31"


# -- frame --------------------------------------------------------------------------------


def test_real_empty_database_shows_no_demo_banner(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANTRACK_DB", str(tmp_path / "real.duckdb"))
    monkeypatch.chdir(ROOT)
    for name in ("overview.py", "indicator.py", "departments.py"):
        at = run_page(name)
        assert not at.exception, (name, [e.value for e in at.exception])
        assert not any("示例数据" in w.value for w in at.warning)


UI_FILES = [
    "app/components.py",
    "app/overview_view.py",
    "app/indicator_view.py",
    "app/department_view.py",
    "pages/overview.py",
    "pages/indicator.py",
    "pages/departments.py",
]


@pytest.mark.parametrize("path", UI_FILES)
def test_ui_words_come_from_the_catalogue(path: str):
    """No Chinese UI text outside app/strings: only data keys (verdict words) and
    punctuation may appear as literals."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    found = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in docstrings
        and CJK.search(n.value)
        and n.value not in VERDICTS
    ]
    assert not found, f"{path}: UI text belongs in app/strings: {found}"


def test_indicator_link_with_unknown_id_warns(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=60)
    at.query_params["id"] = "no.such.indicator"
    at.query_params["n"] = "名称"
    ok(at.run())
    assert any("no.such.indicator" in w.value for w in at.warning)
    assert "n" not in at.query_params
    assert at.query_params["id"] == at.session_state["ind_id"]


def test_overview_milestones_follow_task_updates_as_the_cli_does(app_env: Path):
    """The overview picks each as-of date's milestone updates from one cached read of every
    update (app.cache); its verdicts are the CLI's (plantrack.scorecard, a query per date),
    before and after a 已完成 update, and a late 已完成 after the deadline stays late."""
    import pandas as pd

    from plantrack.auth.accounts import login
    from plantrack.scorecard import assessment_table
    from plantrack.settings import resolve
    from plantrack.store.task_updates import record_updates
    from plantrack.workspace import open_workspace

    ws = open_workspace(settings=resolve())
    milestones = [i.id for i in ws.registry.indicators if i.kind == "milestone"]
    dates = [date(2023, 12, 31), date(2024, 9, 30), date(2026, 3, 31)]
    updates = pd.DataFrame(
        {
            "task_id": milestones[:2],
            "status": ["已完成", "已完成"],
            "status_date": [date(2024, 6, 30), date(2026, 2, 1)],  # on time / after 2025-12-31
            "note": [None, None],
            "evidence": ["通知", "验收"],
        }
    )
    record_updates(ws.store, updates, actor=login(ws.store, "admin", "demo-admin-1"))

    def verdicts(at: AppTest) -> dict[str, str]:
        out = {}
        for frame in at.dataframe:
            table = frame.value
            if "verdict" in table:
                for name, verdict in zip(table["name"], table["verdict"], strict=True):
                    out[name.split("id=")[1].split("&")[0]] = " ".join(verdict)
        return out

    seen = []
    at = ok(run_page("overview.py", as_of=dates[0]))
    for when in dates:
        at.date_input(key="as_of").set_value(when).run()
        shown = verdicts(ok(at))
        cli = assessment_table(ws, when).set_index("indicator")["verdict"]
        for m in milestones[:2]:
            assert shown[m].endswith(cli[m]), (when, m, shown[m], cli[m])
        seen.append(tuple(cli[m] for m in milestones[:2]))
    assert len(set(seen)) == 3, seen  # the two updates change the verdicts as time passes
