"""The scorecard on real DuckDB files: complete roll-ups, 街道 targets, milestones, empty plans."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pandas as pd

from plantrack.periods import parse_period
from plantrack.scorecard import DISTRICT_TOTAL, assessment_table, milestones_done, observations
from plantrack.store.task_updates import record_updates
from plantrack.tasks.board import done_dates, task_table
from plantrack.workspace import Workspace
from tests.conftest import ROOT, act_as

STREET = "370103002000"


def load(ws: Workspace, rows: list[tuple[str, str, str, float]]) -> None:
    df = pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])
    df["period_end"] = [parse_period(p).end for p in df["period"]]  # type: ignore[union-attr]
    df["note"] = None
    ws.store.load(df, actor=act_as(ws), source="test")


def row(table: pd.DataFrame, indicator: str) -> pd.Series:
    return table.set_index("indicator").loc[indicator]


def test_a_quarter_one_street_reported_does_not_replace_the_district(empty_ws: Workspace) -> None:
    streets = [a.code for a in empty_ws.registry.areas.subareas]
    rows = [("fitness.instructors", s, "2023Q4", 100.0) for s in streets]
    rows += [("common.population", s, "2023", 40000.0) for s in streets]
    load(empty_ws, rows + [("fitness.instructors", STREET, "2024Q1", 160.0)])
    obs = observations(empty_ws)
    district = obs[(obs["area"] == empty_ws.district) & (obs["indicator"] == "fitness.instructors")]
    assert district[["period", "value"]].values.tolist() == [["2023Q4", 100.0 * len(streets)]]
    table = assessment_table(empty_ws, date(2024, 3, 31), obs=obs)
    inst, per10k = row(table, "fitness.instructors"), row(table, "fitness.instructors_per_10k")
    assert (inst["latest_period"], inst["latest_value"]) == ("2023Q4", 100.0 * len(streets))
    assert per10k["latest_period"] == "2023Q4" and per10k["verdict"] != "逆向"
    assert per10k["latest_value"] == 100 / 40000 * 10000


def test_district_totals_are_not_targets_for_a_street(demo_ws: Workspace) -> None:
    as_of = date(2023, 12, 31)
    street = assessment_table(demo_ws, as_of, area=STREET, plan="disabled")
    r = row(street, "disabled.streets_with_service_facility")
    assert (r["verdict"], r["light"], r["reason"]) == ("无法评估", "grey", DISTRICT_TOTAL)
    assert r["target_value"] is None and r["completion"] is None
    assert row(street, "disabled.streets_with_rehab_station")["reason"] == DISTRICT_TOTAL
    whole = assessment_table(demo_ws, as_of, plan="disabled")
    d = row(whole, "disabled.streets_with_service_facility")
    assert d["target_value"] == 17.0 and d["verdict"] != "无法评估"
    assert d["reason"] != DISTRICT_TOTAL
    # a rate target applies to every 街道 as written
    fitness = assessment_table(demo_ws, as_of, area=STREET, plan="fitness")
    fit = row(fitness, "fitness.regular_exercise_rate")
    assert fit["target_value"] == 41.0 and fit["verdict"] != "无法评估"


def test_a_street_baseline_is_its_own_observation(demo_ws: Workspace) -> None:
    as_of = date(2023, 12, 31)
    ind = next(i for i in demo_ws.registry.indicators if i.id == "disabled.pwd_population")
    assert ind.baseline is not None and ind.baseline.value == 22700
    street = row(assessment_table(demo_ws, as_of, area=STREET, plan="disabled"), ind.id)
    obs = demo_ws.store.current(as_of=as_of)
    own = obs[(obs["indicator"] == ind.id) & (obs["area"] == STREET) & (obs["period"] == "2021")]
    assert street["baseline_period"] == "2021"
    assert street["baseline_value"] == own["value"].item() != 22700
    district = row(assessment_table(demo_ws, as_of, plan="disabled"), ind.id)
    assert district["baseline_value"] == 22700


def test_milestone_done_on_time_stays_done_when_evidence_is_added(empty_ws: Workspace) -> None:
    m = next(i for i in empty_ws.registry.indicators if i.kind == "milestone")
    assert m.deadline == date(2025, 12, 31)
    updates = pd.DataFrame(
        [(m.id, "已完成", date(2025, 6, 1), "已建成", None),
         (m.id, "已完成", date(2026, 2, 1), "补充佐证", "https://example.gov.cn/a")],
        columns=["task_id", "status", "status_date", "note", "evidence"],
    )  # fmt: skip
    record_updates(empty_ws.store, updates, actor=act_as(empty_ws))
    as_of = date(2026, 3, 1)
    assert done_dates(empty_ws, as_of)[m.id] == date(2025, 6, 1)
    assert milestones_done(empty_ws, as_of) == done_dates(empty_ws, as_of)
    board = task_table(empty_ws, as_of).set_index("id").loc[m.id]
    verdict = row(assessment_table(empty_ws, as_of, plan=m.plan), m.id)["verdict"]
    assert board["status"] == verdict == "已完成"


def test_a_plan_without_indicators_is_an_empty_table(demo_ws: Workspace, demo_db) -> None:
    table = assessment_table(demo_ws, date(2023, 12, 31), plan="openness2022")
    assert table.empty and {"indicator", "verdict", "precision", "kind"} <= set(table.columns)

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "plantrack", "--db", str(demo_db), "assess", "--as-of",
               "2023-12-31", "--plan", "openness2022", *args]  # fmt: skip
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)

    text, as_json = run(), run("--json")
    assert text.returncode == 0 and as_json.returncode == 0, text.stderr + as_json.stderr
    assert "该规划没有量化指标" in text.stdout and "tasks --plan openness2022" in text.stdout
    assert json.loads(as_json.stdout) == []
