"""填报进度: due / reported / late per department and period, on real DuckDB files; the CLI,
the page (AppTest) and the overview line."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from plantrack import reporting as rp
from plantrack.cli import main
from plantrack.periods import Period
from plantrack.store.plan_progress import record_progress
from plantrack.workspace import Workspace
from tests.conftest import act_as

ROOT = Path(__file__).resolve().parents[1]
RULES = rp.ReportingRules(quarter_due_days=15, year_due_days=31)


def _load(ws: Workspace, indicator: str, period: str, end: str, when: datetime) -> None:
    rows = pd.DataFrame(
        [(indicator, ws.district, period, pd.Timestamp(end).date(), 1.0, None)],
        columns=["indicator", "area", "period", "period_end", "value", "note"],
    )
    ws.store.load(
        rows, actor=act_as(ws), source="test", file_name=f"{indicator}-{when}", recorded_at=when
    )


def test_item_status_rules() -> None:
    due = pd.DataFrame({"item": ["a", "b", "c", "d"]})
    reported = {"a": datetime(2024, 4, 15, 18), "b": datetime(2024, 4, 16, 9)}
    got = rp.item_status(due, reported, date(2024, 4, 15), as_of=date(2024, 4, 20))
    assert got.tolist() == [rp.ON_TIME, rp.LATE_REPORTED, rp.LATE, rp.LATE]
    early = rp.item_status(due, {}, date(2024, 4, 15), as_of=date(2024, 4, 15))
    assert early.tolist() == [rp.PENDING] * 4


def test_due_items_follow_frequency_and_plan(empty_ws: Workspace) -> None:
    q = rp.due_items(empty_ws, Period(2024, 1))
    y = rp.due_items(empty_ws, Period(2024))
    quarterly = {i.id for i in empty_ws.registry.indicators if i.frequency == "quarter"}
    assert set(q["item"]) <= quarterly and "fitness.instructors" in set(q["item"])
    assert "fitness.instructors_per_10k" not in set(q["item"])  # computed by a formula
    assert "disabled.k01" in set(y["item"]) and "disabled.k01" not in set(q["item"])
    # a key task is due from each of its lead departments
    k03 = y[y["item"] == "disabled.k03"]
    assert sorted(k03["department"]) == ["区残联", "区民政局"]
    # the 2022 openness plan's period is over in 2024: nothing of it is due
    assert not (y["plan"] == "openness2022").any()


def test_on_time_late_and_missing(empty_ws: Workspace) -> None:
    _load(empty_ws, "fitness.instructors", "2024Q1", "2024-03-31", datetime(2024, 4, 10, 9))
    _load(
        empty_ws, "fitness.regular_exercise_rate", "2024Q1", "2024-03-31", datetime(2024, 4, 25, 9)
    )
    items = rp.period_items(empty_ws, Period(2024, 1), date(2024, 5, 1), RULES)
    by_item = items.drop_duplicates("item").set_index("item")["status"]
    assert by_item["fitness.instructors"] == rp.ON_TIME
    assert by_item["fitness.regular_exercise_rate"] == rp.LATE_REPORTED
    assert by_item["disabled.vocational_training"] == rp.LATE
    assert (items["due_date"] == date(2024, 4, 15)).all()
    summary = rp.summarise(items)
    edu = summary[summary["department"] == "区教育体育局"].iloc[0]
    assert (edu["reported"], edu["on_time"], edu["late_reported"]) == (2, 1, 1)
    assert edu["state"] == rp.DEPT_LATE  # its other quarterly indicators are missing
    done, total = rp.departments_reported(summary)
    assert (done, total) == (0, summary.shape[0])
    # on the due date nothing missing is late yet; a recording after as_of does not count
    before = rp.period_items(empty_ws, Period(2024, 1), date(2024, 4, 12), RULES)
    status = before.drop_duplicates("item").set_index("item")["status"]
    assert status["fitness.regular_exercise_rate"] == rp.PENDING
    assert status["disabled.vocational_training"] == rp.PENDING


def test_one_record_gives_every_as_of_date_what_a_fresh_read_gives(empty_ws: Workspace) -> None:
    """The dashboard reads a period's record once per data version and judges every as-of
    date from it: the same items, statuses and overview line as reading the store each time
    (recordings on both sides of the due date; as-of dates before, on and after each)."""
    _load(empty_ws, "fitness.instructors", "2024Q1", "2024-03-31", datetime(2024, 4, 10, 9))
    _load(
        empty_ws, "fitness.regular_exercise_rate", "2024Q1", "2024-03-31", datetime(2024, 4, 25, 9)
    )
    record = rp.period_record(empty_ws, Period(2024, 1))
    reads: list[Period] = []

    def read(period: Period) -> rp.PeriodRecord:
        reads.append(period)
        return record

    days = [date(2024, 4, d) for d in (1, 9, 10, 11, 15, 16, 24, 25, 26)] + [date(2024, 6, 30)]
    statuses = set()
    for as_of in days:
        fresh = rp.period_items(empty_ws, Period(2024, 1), as_of, RULES)
        kept = rp.items_at(record, as_of, RULES)
        pd.testing.assert_frame_equal(kept, fresh)
        statuses |= set(kept["status"])
        assert rp.overview_line(empty_ws, as_of, RULES, read=read) == rp.overview_line(
            empty_ws, as_of, RULES
        )
    assert statuses == {rp.ON_TIME, rp.LATE_REPORTED, rp.LATE, rp.PENDING}

    def status(item: str, as_of: date) -> str:
        items = rp.items_at(record, as_of, RULES)
        return str(items.loc[items["item"] == item, "status"].iloc[0])

    # a recording counts from its day on, judged against the due date (15 April)
    assert status("fitness.instructors", date(2024, 4, 9)) == rp.PENDING
    assert status("fitness.instructors", date(2024, 4, 10)) == rp.ON_TIME
    assert status("fitness.regular_exercise_rate", date(2024, 4, 15)) == rp.PENDING
    assert status("fitness.regular_exercise_rate", date(2024, 4, 24)) == rp.LATE
    assert status("fitness.regular_exercise_rate", date(2024, 4, 25)) == rp.LATE_REPORTED
    assert set(reads) == {Period(2024, 1)}  # every one of those dates reports on 2024Q1


def test_year_counts_key_task_progress(empty_ws: Workspace) -> None:
    rows = pd.DataFrame(
        [("disabled.k01", 2023, "推进中", "已纳入监测", None, "区乡村振兴局")],
        columns=["task_id", "year", "degree", "progress", "evidence", "department"],
    )
    record_progress(empty_ws.store, rows, actor=act_as(empty_ws), source="test",
                    recorded_at=datetime(2024, 1, 5))  # fmt: skip
    items = rp.period_items(empty_ws, Period(2023), date(2024, 3, 1), RULES)
    k01 = items[items["item"] == "disabled.k01"].iloc[0]
    assert (k01["department"], k01["status"]) == ("区乡村振兴局", rp.ON_TIME)
    summary = rp.summarise(items)
    rural = summary[summary["department"] == "区乡村振兴局"].iloc[0]
    assert rural["reported"] == 1 and rural["due"] > 1


def test_due_days_from_the_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.toml").write_text("[reporting]\nquarter_due_days = 15\n", encoding="utf-8")
    monkeypatch.setenv("PLANTRACK_SETTINGS", str(tmp_path / "s.toml"))
    rules = rp.rules_from_settings()
    assert rules.due_date(Period(2024, 1)) == date(2024, 4, 15)
    assert rules.due_date(Period(2024)) == date(2025, 1, 31)


def test_cli(empty_ws: Workspace, capsys: pytest.CaptureFixture) -> None:
    _load(empty_ws, "fitness.instructors", "2024Q1", "2024-03-31", datetime(2024, 4, 10, 9))
    from plantrack.auth import periods as approval
    from plantrack.auth.roles import Action
    from tests.conftest import act_as

    lead = empty_ws.scope.leads["fitness.instructors"][0]
    approval.change(empty_ws.store, act_as(empty_ws), Action.SUBMIT, lead, "2024Q1")
    db = str(empty_ws.settings.db_path)
    code = main(["--db", db, "reporting", "--period", "2024Q1", "--as-of", "2024-05-01", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    states = {r["department"]: r["approval"] for r in data["summary"]}
    assert states[lead] == "已提交" and set(states.values()) == {"草稿", "已提交"}
    assert data["period"] == "2024Q1" and data["departments_reported"] == 0
    assert data["departments"] == len(data["summary"]) > 5
    assert {i["status"] for i in data["items"]} == {rp.ON_TIME, rp.LATE}
    code = main(["--db", db, "reporting", "--period", "2024Q1", "--as-of", "2024-05-01"])
    out = capsys.readouterr().out
    assert code == 0 and "2024Q1 填报进度（截止日 2024-04-20" in out
    assert "✖ 逾期未报 disabled.vocational_training" in out and "审核状态 已提交" in out
    assert main(["--db", db, "reporting", "--period", "2024Q5"]) == 2
    assert "请写成 2024Q1（季度）或 2024（年度）" in capsys.readouterr().err


def test_summary_carries_the_approval_status(empty_ws: Workspace) -> None:
    from plantrack.auth import periods as approval
    from plantrack.auth.roles import Action
    from tests.conftest import act_as

    lead = empty_ws.scope.leads["fitness.instructors"][0]
    admin = act_as(empty_ws)
    approval.change(empty_ws.store, admin, Action.SUBMIT, lead, "2024Q1")
    summary = rp.period_summary(empty_ws, Period(2024, 1), date(2024, 5, 1))
    states = dict(zip(summary["department"], summary["approval"], strict=True))
    assert states[lead] == "已提交" and set(states.values()) == {"草稿", "已提交"}
    approval.change(empty_ws.store, admin, Action.APPROVE, lead, "2024Q1")
    table = rp.grid(empty_ws, [Period(2023, 4), Period(2024, 1)], date(2024, 5, 1))
    mine = table[table["department"] == lead].set_index("period")["approval"]
    assert mine.to_dict() == {"2023Q4": "草稿", "2024Q1": "已审核"}


def test_page_and_overview(app_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "reporting.py"), default_timeout=60)
    at.session_state["reporting_as_of"] = date(2024, 2, 10)
    at.run()
    assert not at.exception
    assert at.title[0].value == "填报进度"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["2023年四季度 已报送部门"].count("/") == 1  # periods in words, not file codes
    grid = next(m.value for m in at.markdown if "pt-grid" in m.value)
    assert '<th scope="row">区残联</th>' in grid and "2023年四季度" in grid
    assert "2023Q4" not in grid
    # the approval status next to the counts: the demo approved its 2022 periods only
    assert "· 已审核" in grid and "· 草稿" in grid
    picker = at.selectbox(key="reporting_period")
    assert "2023年四季度" in picker.options and "2023Q4" not in picker.options
    picker.set_value("2023").run()
    grid = next(m.value for m in at.markdown if "pt-grid" in m.value)
    assert "×" in grid and rp.LATE in grid and "#fde2e1" in grid  # red with words
    assert any(rp.LATE in str(v) for v in at.dataframe[0].value.iloc[:, 0])
    ov = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60)
    ov.session_state["as_of"] = date(2024, 5, 1)
    ov.run()
    assert not ov.exception
    assert any("个部门已报送 2024年一季度" in m.value for m in ov.markdown)
