"""A registry for somewhere else: optional gazette fields, English words, unquoted years and
codes, per-area and relative targets, base-past-target warnings, mean/median roll-up."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from ruamel.yaml import YAML

from plantrack.assess import RollupSpec, roll_up
from plantrack.config import ConfigError, load_config, load_config_with_warnings
from plantrack.config.loader import _plain
from plantrack.scorecard import assessment_table
from plantrack.settings import Settings
from plantrack.store import Store
from plantrack.workspace import open_workspace
from tests.conftest import ROOT, act_as

MINIMAL = """\
version: 1
name: Southern Europe fertility
areas:
  district: {code: SEU, name: Southern Europe}
  subareas:
    - {code: PRT, name: Portugal}
    - {code: ESP, name: Spain}
    - {code: 380, name: Italy}
plans:
  - id: fert
    name: Fertility plan 2000-2011
    start_year: 2000
    end_year: 2011
    base_period: 2000
indicators:
  - id: fert.rate
    name: Fertility rate
    plan: fert
    kind: target
    direction: higher
    attribute: expected
    frequency: annual
    rollup: {method: average}
    target:
      value: 1.5
      period: 2011
      comparator: at least
      by_area:
        PRT: {base: 1.55}
        ESP: {value: 1.4}
  - id: fert.teen
    name: Adolescent births
    plan: fert
    kind: target
    direction: lower
    attribute: binding
    measure: stock
    frequency: year
    rollup: {method: median}
    target: {change_pct: "-20%", period: 2011, comparator: "<="}
"""


def write(tmp_path: Path, text: str = MINIMAL) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_english_config_loads_with_defaults(tmp_path):
    reg, warnings = load_config_with_warnings(write(tmp_path))
    plan = reg.plans[0]
    assert plan.base_period == "2000" and plan.short_name == plan.name
    assert plan.issued == date(2000, 1, 1) and plan.doc_no == "" and plan.source == ""
    rate, teen = reg.indicators
    assert (rate.direction, rate.attribute, rate.frequency) == ("up", "预期性", "year")
    assert rate.rollup.method == "mean" and teen.rollup.method == "median"
    assert rate.target.comparator == ">=" and rate.target.period == "2011"
    assert teen.attribute == "约束性" and teen.target.change_pct == -20.0
    assert rate.lead == [] and rate.clause == "" and rate.name_en is None
    assert [a.code for a in reg.areas.subareas] == ["PRT", "ESP", "380"]
    # Portugal's own base 1.55 already meets ≥ 1.5: valid, with a warning naming the line
    assert len(warnings) == 1 and warnings[0].level == "warning"
    assert "PRT" in str(warnings[0]) and "未保持" in str(warnings[0])
    assert str(warnings[0]).startswith(
        f"indicators.yaml:{MINIMAL.splitlines().index('        PRT: {base: 1.55}') + 1}:"
    )


def test_check_config_prints_the_warning_and_exits_0(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "plantrack", "check-config", str(write(tmp_path))],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "警告：" in proc.stdout and "有效" in proc.stdout


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("ESP: {value: 1.4}", "XXX: {value: 1.4}", "'XXX' 不在 areas 中"),
        ("direction: higher", "direction: sideways", "direction"),
        ("name: Fertility rate\n", "name: 2020\n", '加引号，如 "2020"'),
        ('target: {change_pct: "-20%"', 'target: {value: 3, change_pct: "-20%"', "只能写一个"),
    ],
)
def test_wrong_values_name_their_line(tmp_path, old, new, needle):
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    text = str(exc.value)
    assert needle in text and "indicators.yaml:" in text


def test_mean_and_median_roll_up_without_a_weight():
    obs = pd.DataFrame(
        [("m", a, "2001", v) for a, v in [("A", 1.0), ("B", 2.0), ("C", 6.0)]]
        + [("d", a, "2001", v) for a, v in [("A", 1.0), ("B", 2.0), ("C", 6.0)]],
        columns=["indicator", "area", "period", "value"],
    )
    specs = [RollupSpec("m", "mean"), RollupSpec("d", "median")]
    out = roll_up(obs, specs, "T", subareas=["A", "B", "C"])
    top = out[out["area"] == "T"].set_index("indicator")["value"]
    assert top["m"] == pytest.approx(3.0) and top["d"] == pytest.approx(2.0)
    # an incomplete period (C missing) gives no parent value
    part = roll_up(obs[obs["area"] != "C"], specs, "T", subareas=["A", "B", "C"])
    assert (part["area"] == "T").sum() == 0


def test_per_area_and_relative_targets_in_the_assessment(tmp_path):
    cfg = write(tmp_path)
    db = tmp_path / "x.duckdb"
    ws = open_workspace(settings=Settings(cfg, db, demo=False, uploads_dir=tmp_path / "up"))
    rows = []
    for code, base, last in [("PRT", 1.56, 1.35), ("ESP", 1.2, 1.3), ("380", 1.2, 1.45)]:
        rows += [("fert.rate", code, "2000", base), ("fert.rate", code, "2008", last)]
    for code, base, last in [("PRT", 20.0, 15.0), ("ESP", 10.0, 9.5), ("380", 8.0, 8.4)]:
        rows += [("fert.teen", code, "2000", base), ("fert.teen", code, "2008", last)]
    frame = pd.DataFrame(rows, columns=["indicator", "area", "period", "value"])
    frame["period_end"] = [date(int(p), 12, 31) for p in frame["period"]]
    frame["note"] = None
    ws.store.load(frame, actor=act_as(ws), source="test", file_name="t.csv", config_hash="x")
    as_of = date(2008, 12, 31)

    def row(area: str, ind: str) -> dict:
        t = assessment_table(ws, as_of, area=area)
        return t.set_index("indicator").loc[ind].to_dict()

    prt = row("PRT", "fert.rate")  # configured base 1.55 (not the observed 1.56), past 1.5
    assert (prt["baseline_value"], prt["verdict"], prt["light"]) == (1.55, "未保持", "red")
    assert prt["cagr_class"] == "恶化" and prt["completion"] is None
    esp = row("ESP", "fert.rate")  # its own target 1.4: (1.3 − 1.2) / 0.2 = 0.5
    assert esp["target_value"] == 1.4 and esp["completion"] == pytest.approx(0.5)
    ita = row("380", "fert.rate")  # the indicator's target 1.5 from its observed base 1.2
    assert ita["target_value"] == 1.5 and ita["completion"] == pytest.approx(0.25 / 0.3)
    teen = row("PRT", "fert.teen")  # −20 % of 20 = 16; 15 meets it
    assert teen["target_value"] == pytest.approx(16.0) and teen["verdict"] == "提前实现"
    assert row("ESP", "fert.teen")["target_value"] == pytest.approx(8.0)
    top = row("SEU", "fert.teen")  # median of 20, 10, 8 = 10 → target 8; latest median 9.5
    assert top["baseline_value"] == pytest.approx(10.0)
    assert top["latest_value"] == pytest.approx(9.5) and top["target_value"] == pytest.approx(8.0)
    assert isinstance(ws.store, Store)


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "plantrack", *args], capture_output=True, text=True, cwd=cwd
    )


def test_new_config_writes_a_starter_that_passes_check_config(tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text("Country Code,Country Name\nPRT,Portugal\nESP,Spain\n", encoding="utf-8")
    out = tmp_path / "starter.yaml"
    proc = cli("new-config", "--name", "Fertility", "--areas", str(areas), "--out", str(out),
               "--start", "2001", "--end", "2011")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("\n#") >= 3 and 'base_period: "2000"' in text
    reg = load_config(out)
    assert [a.code for a in reg.areas.subareas] == ["PRT", "ESP"]
    assert reg.plans[0].end_year == 2011 and reg.indicators[0].rollup.method == "mean"
    assert cli("check-config", str(out)).returncode == 0
    again = cli("new-config", "--name", "F", "--areas", str(areas), "--out", str(out))
    assert again.returncode == 2 and "已存在" in again.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nPRT,Portugal\nPRT,Again\n", encoding="utf-8")
    proc = cli("new-config", "--name", "F", "--areas", str(bad), "--out", str(tmp_path / "b.yaml"))
    assert (
        proc.returncode == 2 and "bad.csv 第3行" in proc.stderr and "Traceback" not in proc.stderr
    )


def test_template_needs_no_database(tmp_path):
    db = tmp_path / "none.duckdb"
    out = tmp_path / "t.xlsx"
    proc = cli("--db", str(db), "template", "--period", "2024Q1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000 and not db.exists()
    monthly = MINIMAL.replace("frequency: annual", "frequency: monthly")
    cfg = write(tmp_path, monthly)
    out2 = tmp_path / "m.csv"
    proc = cli("--config", str(cfg), "--db", str(db), "template", "--period", "2008-03",
               "--format", "csv", "--out", str(out2))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = out2.read_text(encoding="utf-8-sig")
    assert "fert.rate" in text and "2008-03" in text and "fert.teen" not in text
    assert not db.exists()


def test_unquoted_codes_with_leading_zeros_stay_as_written(tmp_path):
    """``code: 007`` unquoted was read as 7 (YAML 1.2 int) and matched no upload of 007."""
    text = MINIMAL.replace("{code: 380, name: Italy}", "{code: 0380, name: Italy}")
    text = text.replace(
        "        ESP: {value: 1.4}", "        ESP: {value: 1.4}\n        0380: {base: 1.2}"
    )
    reg = load_config(write(tmp_path, text))
    assert [a.code for a in reg.areas.subareas] == ["PRT", "ESP", "0380"]
    assert "0380" in reg.indicators[0].target.by_area
    assert reg.plans[0].start_year == 2000  # numbers are still numbers
    # the error path (ruamel's round-trip parse, for the line numbers) reads 0380 the same way
    data = _plain(YAML(typ="rt").load(text))
    assert data["areas"]["subareas"][2]["code"] == "0380"
    assert "0380" in data["indicators"][0]["target"]["by_area"]
