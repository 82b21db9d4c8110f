"""The task page, driven through Streamlit's AppTest on a copy of the demo database."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from plantrack.settings import Settings
from plantrack.store.task_updates import count_updates, task_history
from plantrack.tasks.bulk import template_bytes
from plantrack.workspace import Workspace, open_workspace

ROOT = Path(__file__).resolve().parents[1]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def page(app_env: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "tasks.py"), default_timeout=60)
    at.session_state["tasks_as_of"] = date(2023, 12, 31)
    at.run()
    assert not at.exception
    return at


def workspace(app_env: Path) -> Workspace:
    settings = Settings(ROOT / "indicators.yaml", app_env, False, app_env.parent / "uploads")
    return open_workspace(settings=settings)


def metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_board_shows(page: AppTest, app_env: Path) -> None:
    ws = workspace(app_env)
    n_milestones = sum(i.kind == "milestone" for i in ws.registry.indicators)
    assert metrics(page)["任务与里程碑"] == 66 + n_milestones
    assert page.title[0].value == "任务与里程碑进展"
    assert len(page.expander) >= 5 and len(page.dataframe) >= 5
    assert any("以重点领域为核心深化政务公开" in e.label for e in page.expander)
    assert any("按期完成率 =" in i.value for i in page.info)
    page.radio(key="tasks_group").set_value("unit").run()
    assert not page.exception
    assert any("区财政局 —" in e.label for e in page.expander)


def test_filters_change_the_board(page: AppTest) -> None:
    overdue = next(v for k, v in metrics(page).items() if k.endswith("] 逾期"))
    page.multiselect(key="tasks_status").set_value(["逾期"]).run()
    assert not page.exception
    m = metrics(page)
    assert m["任务与里程碑"] == overdue and m[":green[:material/task_alt:] 已完成"] == 0
    page.multiselect(key="tasks_status").set_value([]).run()
    page.selectbox(key="tasks_plan").set_value("decisions2022").run()
    assert metrics(page)["任务与里程碑"] == 2
    page.selectbox(key="tasks_plan").set_value("").run()
    page.selectbox(key="tasks_unit").set_value("区财政局").run()
    assert not page.exception
    assert 1 <= metrics(page)["任务与里程碑"] < 10


def test_update_through_the_form_is_stored(page: AppTest, app_env: Path) -> None:
    page.selectbox(key="tasks_form_task").set_value("openness2022.t43").run()
    page.radio(key="tasks_form_status").set_value("已完成")
    page.date_input(key="tasks_form_date").set_value(date(2022, 12, 20))
    page.text_area(key="tasks_form_note").set_value("IPv6 改造完成（页面测试）")
    page.text_input(key="tasks_form_link").set_value("https://example.gov.cn/ipv6")
    button(page, "保存进展").click().run()
    assert not page.exception and not page.error
    assert any("已记录：" in s.value and "已完成" in s.value for s in page.success)
    hist = task_history(workspace(app_env).store, "openness2022.t43")
    last = hist[hist["user_name"] == "admin"]
    assert len(last) == 1
    assert last["note"].iloc[0] == "IPv6 改造完成（页面测试）"
    assert last["evidence"].iloc[0] == "https://example.gov.cn/ipv6"


def test_bad_form_shows_problems_and_stores_nothing(page: AppTest, app_env: Path) -> None:
    before = count_updates(workspace(app_env).store)
    page.radio(key="tasks_form_status").set_value("已完成")
    button(page, "保存进展").click().run()
    assert not page.exception
    text = page.error[0].value
    assert "「进展说明」" in text
    assert count_updates(workspace(app_env).store) == before


def test_form_with_evidence_file(page: AppTest, app_env: Path) -> None:
    page.selectbox(key="tasks_form_task").set_value("decisions2022.d2").run()
    page.radio(key="tasks_form_status").set_value("进行中")
    page.date_input(key="tasks_form_date").set_value(date(2022, 11, 1))
    page.file_uploader(key="tasks_form_file").set_value(
        ("批复.pdf", b"%PDF-1.4 x", "application/pdf")
    )
    button(page, "保存进展").click().run()
    assert not page.exception and not page.error
    stored = list((app_env.parent / "uploads" / "evidence").rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == b"%PDF-1.4 x"


def test_bulk_upload(page: AppTest, app_env: Path) -> None:
    ws = workspace(app_env)
    before = count_updates(ws.store)
    wb = load_workbook(io.BytesIO(template_bytes(ws, plan="decisions2022")))
    sheet = wb["任务进展"]
    sheet["E2"], sheet["F2"] = "已完成", date(2022, 10, 30)  # decisions2022.d1, no note
    bad = io.BytesIO()
    wb.save(bad)
    page.file_uploader(key="tasks_bulk_file").set_value(("进展.xlsx", bad.getvalue(), XLSX))
    button(page, "导入").click().run()
    assert not page.exception
    assert "进展.xlsx 未导入" in page.error[0].value
    report = next(d.value for d in page.dataframe if "问题与修改方法" in d.value.columns)
    assert list(report["行"]) == [2] and list(report["列名"]) == ["进展说明"]
    assert count_updates(ws.store) == before
    sheet["G2"] = "已印发实施"
    good = io.BytesIO()
    wb.save(good)
    page.file_uploader(key="tasks_bulk_file").set_value(("进展.xlsx", good.getvalue(), XLSX))
    button(page, "导入").click().run()
    assert not page.exception and not page.error
    assert any("已导入 进展.xlsx：1 条进展" in s.value for s in page.success)
    assert count_updates(ws.store) == before + 1


def test_english(app_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "tasks.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Tasks and milestones"


def test_english_status_words(app_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "tasks.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    labels = " ".join(m.label for m in at.metric)
    assert "逾期" not in labels and "已完成" not in labels
    assert "Overdue" in labels or "overdue" in labels.lower()
