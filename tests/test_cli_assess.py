"""`python -m plantrack assess`: the JSON the issue promises, on a real demo database."""

from __future__ import annotations

import json
import math
import subprocess
import sys

from tests.conftest import ROOT

VERDICTS = {
    "提前实现",
    "已实现",
    "快于预期",
    "基本符合预期",
    "滞后",
    "逆向",
    "未实现",
    "无法评估",
    "已达标",
    "未达标",
    "已完成",
    "逾期完成",
    "进行中",
    "逾期",
    "监测",
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "plantrack", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_assess_json_shape(demo_db):
    proc = run("--db", str(demo_db), "assess", "--as-of", "2023-12-31", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "NaN" not in proc.stdout
    items = json.loads(proc.stdout)
    assert isinstance(items, list) and len(items) >= 40
    keys = {
        "id",
        "name",
        "plan",
        "kind",
        "unit",
        "direction",
        "baseline",
        "latest",
        "target",
        "completion",
        "time_share",
        "verdict",
        "light",
        "cagr_ratio",
        "cagr_class",
        "projected",
        "reason",
        "area",
    }
    for it in items:
        assert keys <= it.keys(), it["id"]
        assert set(it["baseline"]) == {"value", "period"}
        assert set(it["latest"]) == {"value", "period"}
        assert set(it["target"]) == {"value", "period", "comparator"}
        assert it["verdict"] in VERDICTS
        assert it["light"] in {"green", "yellow", "red", "grey"}
        for v in (it["completion"], it["time_share"], it["latest"]["value"]):
            assert v is None or (isinstance(v, int | float) and math.isfinite(v))
    by_id = {it["id"]: it for it in items}
    rate = by_id["fitness.regular_exercise_rate"]
    assert rate["time_share"] == 0.6  # 12 of 20 quarters, methods.md §1
    assert rate["target"] == {"value": 41.0, "period": "2025", "comparator": ">="}
    assert rate["latest"]["period"] == "2023Q4"
    # per-10,000 is computed from summed components at district level
    assert by_id["fitness.instructors_per_10k"]["latest"]["value"] is not None
    # the demo was built to show a target moving away
    assert by_id["disabled.welfare_jobs_pwd_share"]["verdict"] == "逆向"


def test_assess_filters_and_errors(demo_db):
    proc = run(
        "--db",
        str(demo_db),
        "assess",
        "--as-of",
        "2023-12-31",
        "--plan",
        "disabled",
        "--area",
        "370103002000",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)
    assert {it["plan"] for it in items} == {"disabled"}
    assert {it["area"] for it in items} == {"370103002000"}
    bad = run("--db", str(demo_db), "assess", "--area", "999")
    assert bad.returncode == 1 and "地区代码 '999' 不存在" in bad.stderr
    assert "Traceback" not in bad.stderr
    csv = run("--db", str(demo_db), "assess", "--as-of", "2023-12-31", "--csv")
    assert csv.returncode == 0 and csv.stdout.startswith("indicator,")


def test_known_on_reproduces_an_earlier_report(demo_db):
    early = json.loads(
        run(
            "--db",
            str(demo_db),
            "assess",
            "--as-of",
            "2023-06-30",
            "--known-on",
            "2023-08-01",
            "--json",
        ).stdout
    )
    late = json.loads(run("--db", str(demo_db), "assess", "--as-of", "2023-06-30", "--json").stdout)
    e = {i["id"]: i for i in early}["fitness.regular_exercise_rate"]
    la = {i["id"]: i for i in late}["fitness.regular_exercise_rate"]
    # the demo revised 2023Q2 on 2023-09-15: known on 2023-08-01 shows the first figure
    assert e["latest"]["period"] == la["latest"]["period"] == "2023Q2"
    assert round(la["latest"]["value"] - e["latest"]["value"], 2) == 0.4
