"""Done means (issue #16): a non-Chinese config built from the starter (20 countries, annual
2000–2011, one "down" and one "up" target), a wide World-Bank-layout file built here and
loaded through the column mapping, assessed — and English CLI messages with ``--lang en``."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROOT

COUNTRIES = [
    ("PRT", "Portugal"), ("ESP", "Spain"), ("ITA", "Italy"), ("GRC", "Greece"),
    ("FRA", "France"), ("DEU", "Germany"), ("AUT", "Austria"), ("BEL", "Belgium"),
    ("NLD", "Netherlands"), ("LUX", "Luxembourg"), ("IRL", "Ireland"), ("GBR", "United Kingdom"),
    ("DNK", "Denmark"), ("SWE", "Sweden"), ("FIN", "Finland"), ("NOR", "Norway"),
    ("ISL", "Iceland"), ("CHE", "Switzerland"), ("POL", "Poland"), ("CZE", "Czechia"),
]  # fmt: skip
YEARS = list(range(2000, 2012))
FERT, TEEN = "SP.DYN.TFRT.IN", "SP.ADO.TFRT"
INDICATORS = f"""
  - id: {FERT}
    name: Fertility rate, total (births per woman)
    plan: plan
    kind: target
    unit: births per woman
    direction: up
    attribute: expected
    frequency: annual
    rollup: {{method: median}}
    precision: 2
    target: {{value: 1.5, period: 2011, comparator: at least}}
  - id: {TEEN}
    name: Adolescent fertility rate (births per 1,000 women ages 15-19)
    plan: plan
    kind: target
    unit: per 1,000
    direction: down
    attribute: binding
    frequency: annual
    rollup: {{method: mean}}
    target: {{change_pct: -20%, period: 2011, comparator: "<="}}
"""


def fertility(k: int, year: int) -> float:
    """Synthetic (not World Bank figures): Portugal 1.55 in 2000 falling to 1.35 by 2011."""
    if k == 0:
        return round(1.55 - 0.2 * (year - 2000) / 11, 4)
    return round(1.3 + 0.02 * k + 0.01 * (year - 2000), 4)


def teen(k: int, year: int) -> float:
    return round((20.0 + k) * (1 - 0.025 * (year - 2000)), 4)


def wb_csv(headers: tuple[str, str, str, str]) -> str:
    """The World Bank download layout: a few lines of notes, then one row per country and
    series with a column per year (codes written in lower case here). ``headers``: the four
    leading headers (World Bank: Country Name, Country Code, Indicator Name, Indicator Code)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Data Source", "World Development Indicators (synthetic test data)"])
    w.writerow([])
    w.writerow(["Last Updated Date", "2012-06-30"])
    w.writerow([])
    w.writerow([*headers, *map(str, YEARS)])
    for k, (code, name) in enumerate(COUNTRIES):
        for ind, f in ((FERT, fertility), (TEEN, teen)):
            w.writerow([name, code.lower(), f"{ind} (label)", ind, *(f(k, y) for y in YEARS)])
    return out.getvalue()


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLANTRACK_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "plantrack", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("place")
    areas = tmp / "areas.csv"
    areas.write_text("code,name\n" + "".join(f"{c},{n}\n" for c, n in COUNTRIES), "utf-8")
    cfg = tmp / "europe.yaml"
    proc = cli("new-config", "--name", "European fertility 2000-2011", "--areas", str(areas),
               "--out", str(cfg), "--start", "2001", "--end", "2011", "--parent-code", "EUR",
               "--parent-name", "Europe (20)")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = cfg.read_text(encoding="utf-8")  # the starter's commented level names, in use
    text = text.replace("# subarea_label: 国家", "subarea_label: 国家")
    text = text.replace("# district_label: 欧洲", "district_label: 欧洲")
    cut = text.index("  - id: plan.example")  # replace the example by the two indicators
    cfg.write_text(text[:cut] + INDICATORS.lstrip("\n"), encoding="utf-8")
    db = ("--config", str(cfg), "--db", str(tmp / "europe.duckdb"))
    proc = cli(*db, "init")  # only an explicit init creates a database
    assert proc.returncode == 0, proc.stderr
    for user in ("tester",):
        proc = cli(*db, "create-admin", user)
        assert proc.returncode == 0, proc.stderr
    data = tmp / "API_wb.csv"
    renamed = ("Economy label", "Economy ISO", "Series label", "Series")
    data.write_text(wb_csv(renamed), encoding="utf-8")
    return {"cfg": cfg, "data": data, "db": tmp / "europe.duckdb", "tmp": tmp}


def test_check_config_warns_about_nothing_but_is_valid(place):
    proc = cli("check-config", str(place["cfg"]))
    assert proc.returncode == 0, proc.stderr
    assert "2 个指标" in proc.stdout and "21 个地区" in proc.stdout


def test_unmapped_headers_are_refused_naming_the_map_option(place):
    base = ("--config", str(place["cfg"]), "--db", str(place["db"]))
    proc = cli(*base, "load", str(place["data"]), "--user", "tester")
    assert proc.returncode == 2 and "找不到表头" in proc.stderr and "--map" in proc.stderr
    en = cli("--lang", "en", *base, "load", str(place["data"]), "--user", "tester")
    assert en.returncode == 2 and "No header row found in API_wb.csv" in en.stderr


@pytest.fixture(scope="module")
def loaded(place: dict[str, Path]) -> subprocess.CompletedProcess:
    """The World Bank file loaded once into the place's database through the mapping (any
    test that reads the stored figures asks for this, so each runs alone, e.g. ``-k``)."""
    base = ("--config", str(place["cfg"]), "--db", str(place["db"]))
    mapping = "Economy ISO=area_code,Series=indicator_id"
    proc = cli(*base, "load", str(place["data"]), "--user", "tester", "--map", mapping)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_world_bank_layout_loads_through_the_mapping_and_is_assessed(place, loaded):
    base = ("--config", str(place["cfg"]), "--db", str(place["db"]))
    assert f"新增 {20 * 2 * len(YEARS)} 个" in loaded.stdout
    proc = cli(*base, "assess", "--as-of", "2008-12-31", "--area", "PRT", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in json.loads(proc.stdout)}
    prt = rows[FERT]  # 1.55 ≥ 1.5 at the base, 1.4045 in 2008: no longer meets it
    assert prt["baseline"] == {"value": 1.55, "period": "2000"}
    assert (prt["verdict"], prt["light"], prt["cagr_class"]) == ("未保持", "red", "恶化")
    assert prt["completion"] is None
    t = rows[TEEN]  # −20 % from Portugal's own 20.0: target 16; 2008: 20 · 0.8 = 16 → met
    assert t["target"]["value"] == pytest.approx(16.0) and t["verdict"] == "提前实现"
    proc = cli(*base, "assess", "--as-of", "2008-12-31", "--area", "ESP", "--json")
    esp = {r["id"]: r for r in json.loads(proc.stdout)}[TEEN]
    # Spain: base 21, target 16.8, 2008: 21 · 0.8 = 16.8 → met too; completion not reported
    assert esp["target"]["value"] == pytest.approx(16.8) and esp["verdict"] == "提前实现"
    proc = cli(*base, "assess", "--as-of", "2005-12-31", "--area", "ESP", "--json")
    esp = {r["id"]: r for r in json.loads(proc.stdout)}
    # fertility: base 1.32 → 1.37 in 2005, target 1.5: ρ = 0.05 / 0.18, τ = 5 / 11
    assert esp[FERT]["completion"] == pytest.approx(0.05 / 0.18, abs=1e-6)
    assert esp[FERT]["time_share"] == pytest.approx(5 / 11) and esp[FERT]["verdict"] == "滞后"
    # the parent: median / mean of the 20 countries, no weight series
    proc = cli(*base, "assess", "--as-of", "2011-12-31", "--json")
    eur = {r["id"]: r for r in json.loads(proc.stdout)}
    medians = sorted(fertility(k, 2011) for k in range(20))
    assert eur[FERT]["latest"]["value"] == pytest.approx((medians[9] + medians[10]) / 2)
    mean_teen = sum(teen(k, 2000) for k in range(20)) / 20
    assert eur[TEEN]["baseline"]["value"] == pytest.approx(mean_teen)
    assert eur[TEEN]["target"]["value"] == pytest.approx(mean_teen * 0.8)
    assert eur[TEEN]["verdict"] == "已实现"  # 2011: 20 · (1 − 0.275) < 0.8 · base
    # an as-of date inside the base year: cannot assess, with the reason
    proc = cli(*base, "assess", "--as-of", "2000-06-30", "--area", "PRT", "--json")
    early = {r["id"]: r for r in json.loads(proc.stdout)}[FERT]
    assert early["verdict"] == "无法评估" and "基期" in early["reason"]


def test_english_messages(place, loaded):
    base = ("--lang", "en", "--config", str(place["cfg"]), "--db", str(place["db"]))
    proc = cli(*base, "assess", "--as-of", "2008-12-31", "--area", "PRT")
    assert proc.returncode == 0, proc.stderr
    assert "no longer met" in proc.stdout and "latest 1.40" in proc.stdout
    proc = cli(*base, "load", str(place["data"]), "--user", "tester", "--map",
               "Economy ISO=area_code,Series=indicator_id")  # fmt: skip
    assert proc.returncode == 1 and "is identical to stored batch #1" in proc.stderr
    proc = cli(*base, "check-config", str(place["cfg"]))
    assert proc.stdout.strip().endswith("valid — 1 plans, 2 indicators (0 milestones), 21 areas.")
    bad = place["tmp"] / "bad.yaml"
    bad.write_text(
        place["cfg"].read_text(encoding="utf-8").replace("kind: target", "knd: target", 1)
    )
    proc = cli(*base, "check-config", str(bad))
    assert proc.returncode == 2 and "The configuration file has errors:" in proc.stderr
    assert "unknown key (misspelt?)" in proc.stderr and "required key missing" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = cli("--lang", "en", "--db", str(place["tmp"] / "none.duckdb"), "batches")
    assert (
        proc.returncode == 1 and "Database file" in proc.stderr and "does not exist" in proc.stderr
    )


def test_world_bank_headers_are_known_without_a_mapping(place, tmp_path):
    """Country Name / Country Code / Indicator Name / Indicator Code and year columns: read as
    they are (checked against a fresh database, nothing stored)."""
    from plantrack.config import load_config
    from plantrack.ingest.normalise import Vocabulary, normalise
    from plantrack.ingest.read import read_table

    vocab = Vocabulary(load_config(place["cfg"]))
    data = wb_csv(("Country Name", "Country Code", "Indicator Name", "Indicator Code"))
    table = read_table(data.encode("utf-8"), "API.csv", vocab.match_header)
    assert table.header.layout == "years" and table.header.row == 4
    rows = normalise(table, vocab).rows
    assert len(rows) == 20 * 2 * len(YEARS) and rows["area_ok"].all() and rows["indicator_ok"].all()
    first = rows.iloc[0]
    assert (first["area"], first["period"], first["value"]) == ("PRT", "2000", 1.55)
    assert (first["row"], first["value_col"], first["period_header"]) == (6, "E", "2000")


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def english(place: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The whole flow of a new user with ``--lang en``, on a database of its own: every line
    printed, by command."""
    tmp = tmp_path_factory.mktemp("english")
    db = tmp / "en.duckdb"
    base = ("--lang", "en", "--config", str(place["cfg"]), "--db", str(db))
    mapping = ("--map", "Economy ISO=area_code,Series=indicator_id")
    bad, revised = tmp / "bad.csv", tmp / "revised.csv"
    rows = [
        ("XXX", "2011", "3"),
        ("prt", "2011", "abc"),
        ("PRT", "2011Q5", "3"),
        ("ESP", "2012-03", "3"),
        ("ESP", "2011", "3"),
        ("ESP", "2011", "3"),
        ("", "2011", "3"),
    ]
    bad.write_text(
        "indicator,area,period,value\n"
        + "".join(f"{TEEN},{a},{p},{v}\n" for a, p, v in rows)
        + f"NOPE,PRT,2011,3\n{TEEN},ITA,2010-06-30,3\n",
        encoding="utf-8",
    )
    revised.write_text(f"indicator,area,period,value\n{TEEN},ITA,2011,99\n", encoding="utf-8")
    steps = {
        "check-config": ("check-config", str(place["cfg"])),
        "init": ("init",),
        "create-admin": ("create-admin", "tester"),
        "validate unmapped": ("validate", str(place["data"])),
        "validate": ("validate", str(place["data"]), *mapping),
        "load": ("load", str(place["data"]), "--user", "tester", *mapping),
        "assess prt": ("assess", "--as-of", "2008-12-31", "--area", "prt"),
        "assess Spain": ("assess", "--as-of", "2008-12-31", "--area", "Spain"),
        "assess unknown": ("assess", "--as-of", "2008-12-31", "--area", "XX"),
        "report": ("report", "--as-of", "2011-12-31", "--out", str(tmp / "r.docx")),
        "batches": ("batches",),
        "history": ("history", TEEN, "--area", "prt"),
        "template": ("template", "--period", "2012", "--out", str(tmp / "t.xlsx")),
        "validate bad": ("validate", str(bad)),
        "validate revised": ("validate", str(revised)),
        "load revised": ("load", str(revised), "--user", "tester"),
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANTRACK_PASSWORD", PASSWORD)
        out = {name: in_process(*base, *args) for name, args in steps.items()}
    return {"out": out, "db": db, "tmp": tmp}


def in_process(*args: str) -> subprocess.CompletedProcess:
    """``python -m plantrack ARGS`` run in this process (one import for the whole flow)."""
    from plantrack.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_every_message_of_the_flow_is_english(english):
    out = english["out"]
    codes = {name: p.returncode for name, p in out.items()}
    assert codes == {
        **dict.fromkeys(out, 0), "validate unmapped": 2, "assess unknown": 1,
        "validate bad": 1, "load revised": 1,
    }, {n: out[n].stdout + out[n].stderr for n in out}  # fmt: skip
    for name, proc in out.items():
        text = proc.stdout + proc.stderr
        assert text.strip() and not CJK.findall(text), (name, text)
    assert out["init"].stdout.startswith("Created the empty database")
    assert out["create-admin"].stdout.strip() == "Created the administrator tester."
    assert "Report written:" in out["report"].stdout and "final evaluation" in out["report"].stdout
    assert "480 rows: 480 new, 0 revised, 0 unchanged" in out["batches"].stdout
    assert out["history"].stdout.startswith("PRT 2000 revision 1 = 20.0  batch #1")
    # area codes in any case, or the area's name; an unknown one names the configured codes
    assert "no longer met" in out["assess prt"].stdout
    assert "lagging" in out["assess Spain"].stdout
    unknown = out["assess unknown"].stderr
    assert "Configured codes: EUR, PRT, ESP" in unknown and "大观园" not in unknown
    # each problem of an upload: file, row, column, value and the fix, in English
    problems = out["validate bad"].stdout
    assert "bad.csv row 2, column B (area): area 'XXX' does not exist" in problems
    assert "(e.g. Portugal, PRT, Europe (20); codes in any case)" in problems
    assert "row 3, column D (value): value 'abc' is not a number" in problems
    assert "period '2011Q5' not recognised" in problems
    assert "period 2012-03 is outside the plan" in problems
    assert "same indicator, area and period as row(s)" in problems
    assert "row 8, column B (area): no area" in problems
    assert "row 9, column A (indicator): indicator 'NOPE' does not exist" in problems
    assert "row 10, column C (period):" in problems and "not the month 2010-06." in problems
    warned = out["validate revised"].stdout
    assert "revises a stored value: was 15.95 (revision 1), now 99" in warned
    assert "more than ±50%" in warned
    assert "confirm with --accept-warnings" in out["load revised"].stderr


def test_the_dashboard_reads_a_foreign_registry(english, place, monkeypatch):
    """Overview and indicator page on the 2001–2011 registry: the as-of picker's range and
    quick picks come from its plan (not 2020–2025), per-area targets are shown, and optional
    gazette fields leave no empty （） or empty quote."""
    from streamlit.testing.v1 import AppTest

    from app.session import TOKEN_KEY
    from plantrack.auth.accounts import login
    from plantrack.store import Store
    from tests.test_pages import texts

    monkeypatch.setenv("PLANTRACK_CONFIG", str(place["cfg"]))
    monkeypatch.setenv("PLANTRACK_DB", str(english["db"]))
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(english["tmp"] / "uploads"))
    token = login(Store(english["db"]), "tester", PASSWORD).token

    def page(name: str, **state) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=90)
        at.session_state[TOKEN_KEY] = token
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
        return at

    at = page("overview.py")
    assert {b.key for b in at.button} >= {"as_of_2006-12-31", "as_of_2011-12-31"}
    at.button(key="as_of_2006-12-31").click().run()
    assert not at.exception and str(at.date_input(key="as_of").value) == "2006-12-31"
    at.date_input(key="as_of").set_value(date(2001, 6, 30)).run()  # inside the plan period
    assert not at.exception and str(at.date_input(key="as_of").value) == "2001-06-30"
    assert "（）" not in texts(at) and "European fertility" in texts(at)

    at = page("indicator.py", ind_as_of=date(2008, 12, 31), ind_id=TEEN, ind_area="ESP")
    # the registry's names of the two levels (areas.subarea_label / district_label)
    tables = [*at.dataframe, *at.table]
    shown = texts(at) + " ".join(str(v) for df in tables for v in df.value.to_numpy().ravel())
    assert "各国家比较" in shown and "斜线条形为不如欧洲" in shown and "各国家简单平均" in shown
    assert "街道" not in shown and "全区" not in shown
    metrics = {m.label.split(" · ")[0]: m.value for m in at.metric}
    assert metrics["目标值（per 1,000）"] == "≤16.8"  # −20 % from Spain's own 21
    assert metrics["现状值（per 1,000）"] == "16.8" and "Spain" in texts(at)
    at = page("indicator.py", ind_as_of=date(2008, 12, 31), ind_id=FERT, ind_area="PRT")
    assert "未保持" in texts(at) and "基期值已达到目标" in texts(at)
    assert not any(m.value.strip() == "" for m in at.markdown if m.value.startswith(">"))
    assert "——《" not in texts(at)  # no source line under a clause the registry leaves out


def test_report_without_gazette_fields(english, place):
    """No doc_no, no issuer: the report writes the plan name alone and the place as 编制单位."""
    from plantrack.report import build_content
    from plantrack.report.content import rollup_sources
    from plantrack.report.narrative import methods_text
    from plantrack.settings import Settings
    from plantrack.workspace import open_workspace

    settings = Settings(place["cfg"], english["db"], demo=False, uploads_dir=english["tmp"])
    ws = open_workspace(settings=settings)
    content = build_content(ws, date(2011, 12, 31), date(2030, 1, 1))
    assert content.plan_labels == ["European fertility 2000-2011"]
    assert content.org == "Europe (20)"
    # the Excel 汇总自 column says how a parent without a weight series is rolled up
    sources = rollup_sources(ws, [FERT, TEEN])
    assert sources[FERT] == "20个国家“Fertility rate, total (births per woman)”中位数"
    assert sources[TEEN].endswith("简单平均")
    methods = "".join(methods_text(ws, content))  # the report's appendix on the methods
    assert "十一、欧洲数值" in methods and "由各国家分项合计" in methods and "街道" not in methods


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("请设置环境变量 PLANTRACK_PASSWORD，或在终端中运行以输入密码。",
         "Set the environment variable PLANTRACK_PASSWORD, or run in a terminal"),
        ("用户名或密码错误。", "Wrong user name or password."),
        ("密码至少 8 位。", "The password needs at least 8 characters."),
        ("写入操作须用 --user 指定账号（并提供密码）。", "Writing needs --user"),
    ],
)  # fmt: skip
def test_account_messages_of_the_flow_in_english(zh, en):
    """What a first ``load --user`` meets when the password is missing or wrong."""
    from plantrack.cli.messages import translate

    assert translate(zh).startswith(en) and not CJK.findall(translate(zh))


def upload_page(english: dict, place: dict, monkeypatch):
    """The upload page (AppTest) on the foreign registry, logged in as its statistician."""
    from streamlit.testing.v1 import AppTest

    from app.session import TOKEN_KEY
    from plantrack.auth.accounts import login
    from plantrack.store import Store

    monkeypatch.setenv("PLANTRACK_CONFIG", str(place["cfg"]))
    monkeypatch.setenv("PLANTRACK_DB", str(english["db"]))
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(english["tmp"] / "uploads"))
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=90)
    at.session_state[TOKEN_KEY] = login(Store(english["db"]), "tester", PASSWORD).token
    return at.run()


def test_upload_page_maps_a_world_bank_layout_with_other_headers(english, place, monkeypatch):
    """The 列名对应 step offers the header row under the file's notes (it offered the notes
    'Data Source, World Development Indicators …'), and the mapped file checks clean."""
    at = upload_page(english, place, monkeypatch)
    data = place["data"].read_text(encoding="utf-8").replace("(synthetic", "(page, synthetic")
    at.file_uploader[0].set_value(("API_page.csv", data.encode("utf-8"), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = {b.label: b for b in at.selectbox if str(b.key).startswith("upload.map.")}
    assert list(boxes) == ["Economy label", "Economy ISO", "Series label", "Series"]
    boxes["Economy ISO"].set_value("area_code")
    boxes["Series"].set_value("indicator_id")
    at.run()
    at.button(key="upload.map.apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["数据行"] == str(20 * 2 * len(YEARS)) and metrics["错误"] == "0", metrics
