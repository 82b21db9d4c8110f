"""The task board on a real DuckDB: status at as-of dates, milestones, rates by unit."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from plantrack.store.task_updates import record_updates
from plantrack.tasks.board import (
    VERDICTS,
    department_rates,
    filter_table,
    status_label,
    task_table,
)
from plantrack.workspace import Workspace
from tests.conftest import act_as

TODAY = date(2023, 12, 31)  # "today" for validation in these tests


def row(table: pd.DataFrame, task_id: str) -> pd.Series:
    return table.set_index("id").loc[task_id]


def add(ws: Workspace, *updates: tuple, recorded_at: datetime | None = None) -> None:
    df = pd.DataFrame(updates, columns=["task_id", "status", "status_date", "note", "evidence"])
    record_updates(ws.store, df, actor=act_as(ws), recorded_at=recorded_at)


# --------------------------------------------------------------------------- status at dates


def test_no_updates_overdue_by_date(empty_ws: Workspace) -> None:
    table = task_table(empty_ws, date(2022, 9, 1))
    assert (table["update_status"].isna()).all()
    overdue = set(table.loc[table["overdue"], "id"])
    # due 2022-06-30 (rows 35, 63) and 2022-07-15 (印发后30日内: rows 8, 62 …) are past
    assert {"openness2022.t35", "openness2022.t63", "openness2022.t62"} <= overdue
    assert all(d < date(2022, 9, 1) for d in table.loc[table["overdue"], "due"])
    open_ = table[~table["overdue"]]
    assert set(open_["status"]) == {"进行中"}
    assert row(table, "openness2022.t01")["label"] == "进行中（无进展记录）"
    assert row(table, "openness2022.t35")["label"] == "逾期（无进展记录）"


def test_status_at_dates(empty_ws: Workspace) -> None:
    add(
        empty_ws,
        ("openness2022.t23", "已完成", date(2022, 9, 20), "已公开", None),  # due 09-30
        ("openness2022.t35", "已完成", date(2022, 7, 10), "补做", None),  # due 06-30
        ("openness2022.t62", "未开始", date(2022, 6, 20), None, None),  # due 07-15
        ("openness2022.t01", "进行中", date(2022, 7, 1), "推进中", None),  # due 12-31
    )
    at = {d: task_table(empty_ws, d) for d in (date(2022, 7, 5), date(2022, 9, 10))}
    at[date(2022, 10, 1)] = task_table(empty_ws, date(2022, 10, 1))
    at[date(2023, 1, 1)] = task_table(empty_ws, date(2023, 1, 1))
    assert row(at[date(2022, 9, 10)], "openness2022.t23")["status"] == "进行中"
    assert row(at[date(2022, 9, 10)], "openness2022.t23")["due_soon"]
    assert row(at[date(2022, 10, 1)], "openness2022.t23")["status"] == "已完成"
    assert not row(at[date(2022, 10, 1)], "openness2022.t23")["due_soon"]
    assert row(at[date(2022, 7, 5)], "openness2022.t35")["status"] == "逾期"
    t35 = row(at[date(2022, 10, 1)], "openness2022.t35")
    assert (t35["status"], t35["done_on"], t35["overdue"]) == ("逾期完成", date(2022, 7, 10), False)
    t62 = row(at[date(2022, 7, 5)], "openness2022.t62")
    assert (t62["status"], t62["label"], t62["due_soon"]) == ("进行中", "进行中（未开始）", True)
    assert row(at[date(2022, 9, 10)], "openness2022.t62")["label"] == "逾期（未开始）"
    t01 = row(at[date(2023, 1, 1)], "openness2022.t01")
    assert (t01["status"], t01["overdue"], t01["note"]) == ("逾期", True, "推进中")


def test_recurring_done_once_by_due(empty_ws: Workspace) -> None:
    add(
        empty_ws,
        ("openness2022.t03", "已完成", date(2022, 12, 1), "已上线", None),  # 长期坚持, due 12-31
        ("openness2022.t03", "已完成", date(2023, 6, 1), "持续更新", None),
    )
    t03 = row(task_table(empty_ws, TODAY), "openness2022.t03")
    assert (t03["status"], t03["label"]) == ("已完成", "已完成（长期坚持）")
    assert t03["done_on"] == date(2022, 12, 1)
    assert t03["status_date"] == date(2023, 6, 1)  # the latest update is shown


def test_reopened_and_done_late(empty_ws: Workspace) -> None:
    add(
        empty_ws,
        ("openness2022.t64", "已完成", date(2022, 11, 1), "已纳入", None),
        ("openness2022.t64", "进行中", date(2022, 12, 15), "退回修改", None),
    )
    assert row(task_table(empty_ws, date(2023, 1, 1)), "openness2022.t64")["status"] == "逾期"
    add(empty_ws, ("openness2022.t64", "已完成", date(2023, 1, 10), "修改后纳入", None))
    assert row(task_table(empty_ws, date(2023, 2, 1)), "openness2022.t64")["status"] == "逾期完成"


def test_known_on_hides_later_records(empty_ws: Workspace) -> None:
    update = ("decisions2022.d1", "已完成", date(2022, 10, 20), "已出台", None)
    add(empty_ws, update, recorded_at=datetime(2023, 3, 1, 9))
    d1 = row(
        task_table(empty_ws, date(2022, 12, 31), known_on=date(2023, 1, 1)), "decisions2022.d1"
    )
    assert d1["status"] == "逾期"
    d1 = row(
        task_table(empty_ws, date(2022, 12, 31), known_on=date(2023, 3, 1)), "decisions2022.d1"
    )
    assert (d1["status"], d1["kind"]) == ("已完成", "decision")


def test_milestones_are_tracked_like_tasks(empty_ws: Workspace) -> None:
    milestones = [i for i in empty_ws.registry.indicators if i.kind == "milestone"]
    m = milestones[0]
    assert m.deadline is not None
    add(empty_ws, (m.id, "已完成", date(2024, 5, 1), "已建成", "https://example.gov.cn/a"))
    table = task_table(empty_ws, m.deadline)
    r = row(table, m.id)
    assert (r["kind"], r["plan"], r["status"]) == ("milestone", m.plan, "已完成")
    assert r["unit_list"] == tuple(m.lead) and r["units"] == "、".join(m.lead)
    assert r["due"] == m.deadline and r["evidence"] == "https://example.gov.cn/a"
    late = row(task_table(empty_ws, date(2026, 1, 1)), milestones[1].id)
    assert late["status"] == "逾期"


def test_demo_board_shape(demo_ws: Workspace) -> None:
    table = task_table(demo_ws, TODAY)
    n_milestones = sum(i.kind == "milestone" for i in demo_ws.registry.indicators)
    kinds = table["kind"].value_counts()
    assert (kinds["task"], kinds["decision"], kinds["milestone"]) == (64, 2, n_milestones)
    assert table["id"].is_unique
    assert set(table["status"]) <= set(VERDICTS)
    assert (table["overdue"] == (table["status"] == "逾期")).all()
    assert not (table["due_soon"] & table["status"].isin(["已完成", "逾期完成"])).any()
    assert set(table.loc[table["recurring"] & table["status"].eq("已完成"), "label"]) <= {
        "已完成（长期坚持）"
    }


def test_status_label() -> None:
    assert status_label("进行中", None, False) == "进行中（无进展记录）"
    assert status_label("逾期", "未开始", False) == "逾期（未开始）"
    assert status_label("进行中", "进行中", True) == "进行中"
    assert status_label("逾期完成", "已完成", True) == "逾期完成（长期坚持）"


# --------------------------------------------------------------------------- rates by unit


def test_department_rates_by_hand() -> None:
    as_of = date(2022, 9, 30)
    table = pd.DataFrame(
        [
            ("A", ("甲", "乙"), date(2022, 6, 30), "已完成"),
            ("B", ("甲",), date(2022, 6, 30), "逾期完成"),
            ("C", ("乙",), date(2022, 7, 31), "逾期"),
            ("D", ("甲",), date(2022, 12, 31), "进行中"),
            ("E", ("乙",), date(2022, 9, 30), "进行中"),  # due on the as-of date, not done
            ("F", ("甲",), date(2022, 12, 31), "已完成"),  # done early, not yet due
            ("G", ("丙",), date(2022, 12, 31), "进行中"),
        ],
        columns=["id", "unit_list", "due", "status"],
    )
    rates = department_rates(table, as_of).set_index("unit")
    assert rates.loc[
        "甲", ["total", "due", "done_on_time", "done_late", "overdue", "due_open"]
    ].tolist() == [4, 2, 1, 1, 0, 0]
    assert rates.loc["甲", "rate"] == pytest.approx(0.5)
    assert rates.loc[
        "乙", ["total", "due", "done_on_time", "done_late", "overdue", "due_open"]
    ].tolist() == [3, 3, 1, 0, 1, 1]
    assert rates.loc["乙", "rate"] == pytest.approx(1 / 3)
    assert pd.isna(rates.loc["丙", "rate"]) and rates.loc["丙", "due"] == 0
    assert list(rates.index) == ["乙", "甲", "丙"]  # lowest rate first, no due tasks last


def test_rates_and_filters_on_demo(demo_ws: Workspace) -> None:
    table = task_table(demo_ws, TODAY)
    finance = filter_table(table, unit="区财政局")
    assert len(finance) >= 1 and all("区财政局" in u for u in finance["unit_list"])
    assert filter_table(table, unit="财政局").empty  # exact names only
    rates = department_rates(table, TODAY)
    r = rates.set_index("unit").loc["区财政局"]
    assert r["total"] == len(finance)
    assert r["due"] == r["done_on_time"] + r["done_late"] + r["overdue"] + r["due_open"]
    plan = filter_table(table, plan="decisions2022", statuses=["已完成", "逾期完成", "逾期"])
    assert set(plan["plan"]) <= {"decisions2022"} and len(plan) <= 2


def test_unit_spellings_are_merged(demo_ws: Workspace) -> None:
    table = task_table(demo_ws, date(2022, 12, 31))
    units = {u for us in table["unit_list"] for u in us}
    assert "区卫生健康局" in units and "区卫健局" not in units
    rates = department_rates(table, date(2022, 12, 31))
    assert (rates["unit"] == "区卫生健康局").sum() == 1
