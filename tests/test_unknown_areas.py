"""Issue #16, a real World Bank download: aggregate rows (WLD, EUU) whose area is not
configured give one error per row of the file, or are left out on request (CLI and upload
page); and the registry's own names of the two levels in the roll-up check. Fixtures and the
file come from :mod:`tests.test_another_place`."""

from __future__ import annotations

from tests import test_another_place as base
from tests.conftest import PASSWORD
from tests.test_another_place import CJK, COUNTRIES, FERT, TEEN, YEARS, in_process

place, english = base.place, base.english  # the module fixtures, built again for this module


def test_aggregate_rows_one_error_per_row_or_skipped_on_request(place, tmp_path, monkeypatch):
    """A real World Bank download has aggregates (WLD, EUU) that are no configured area:
    one error per row of the file (not one per year column), and ``--skip-unknown-areas``
    leaves those rows out with one warning naming them; without it the file is refused."""
    monkeypatch.setenv("PLANTRACK_PASSWORD", PASSWORD)
    data = tmp_path / "API_agg.csv"
    extra = "".join(
        f"{name},{code},x,{FERT},{','.join('1.5' for _ in YEARS)}\n"
        for code, name in (("WLD", "World"), ("EUU", "European Union"))
    )
    data.write_text(place["data"].read_text(encoding="utf-8") + extra, encoding="utf-8")
    db = ("--config", str(place["cfg"]), "--db", str(tmp_path / "agg.duckdb"))
    mapping = ("--map", "Economy ISO=area_code,Series=indicator_id")
    assert in_process(*db, "init").returncode == 0
    assert in_process(*db, "create-admin", "tester").returncode == 0
    proc = in_process(*db, "validate", str(data), *mapping)
    errors = [line for line in proc.stdout.splitlines() if line.startswith("错误")]
    assert proc.returncode == 1 and len(errors) == 2, proc.stdout
    assert "第 46 行 B 列（Economy ISO）：地区“WLD”不存在" in errors[0]
    assert errors[0].endswith("（本行 12 个年份列都是这个地区，只列一次。）")
    assert "有 2 个错误" in proc.stderr
    refused = in_process(*db, "load", str(data), "--user", "tester", *mapping)
    assert refused.returncode == 1 and "有 2 个错误，未入库" in refused.stderr
    skip = (*mapping, "--skip-unknown-areas")
    proc = in_process(*db, "validate", str(data), *skip)
    assert proc.returncode == 0 and "错误" not in proc.stdout, proc.stdout
    assert "API_agg.csv：跳过了 2 行未配置的地区：WLD、EUU。" in proc.stdout
    assert f"检查通过：{20 * 2 * len(YEARS)} 行数据，1 个警告" in proc.stdout
    en = in_process("--lang", "en", *db, "validate", str(data), *skip)
    assert "skipped 2 rows whose area is not configured: WLD, EUU." in en.stdout, en.stdout
    assert not CJK.findall(en.stdout + en.stderr), en.stdout + en.stderr
    en = in_process("--lang", "en", *db, "validate", str(data), *mapping)
    assert "(this covers 12 year columns of the row, listed once.)" in en.stdout, en.stdout
    proc = in_process(*db, "load", str(data), "--user", "tester", *skip,
                      "--accept-warnings", "--reason", "aggregates")  # fmt: skip
    assert proc.returncode == 0 and f"新增 {20 * 2 * len(YEARS)} 个" in proc.stdout, proc.stderr
    proc = in_process(*db, "assess", "--as-of", "2011-12-31", "--area", "WLD")
    assert proc.returncode == 1  # not configured, nothing stored for it


def test_upload_page_can_skip_rows_of_unknown_areas(english, place, monkeypatch):
    """The check step offers, when areas are not configured, to leave those rows out: the
    file then checks with no error and one warning naming them."""
    from tests.test_pages import texts

    at = base.upload_page(english, place, monkeypatch)
    data = place["data"].read_text(encoding="utf-8") + "".join(
        f"{name},{code},x,{FERT},{','.join('1.5' for _ in YEARS)}\n"
        for code, name in (("WLD", "World"), ("EUU", "European Union"))
    )
    at.file_uploader[0].set_value(("API_agg.csv", data.encode("utf-8"), "text/csv")).run()
    at.selectbox(key="upload.map.1").set_value("area_code")
    at.selectbox(key="upload.map.3").set_value("indicator_id")
    at.run()
    at.button(key="upload.map.apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["错误"] == "2", metrics  # one per row, not one per year column
    at.checkbox(key="upload.skip_areas").check().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["数据行"] == str(20 * 2 * len(YEARS)) and metrics["错误"] == "0", metrics
    assert metrics["警告"] == "1", metrics
    tables = " ".join(df.value.to_string() for df in at.dataframe)
    assert "跳过了 2 行未配置的地区：WLD、EUU" in texts(at) + tables


def test_rollup_warning_names_the_registry_levels(place, tmp_path):
    """The roll-up check's warning says 欧洲数值 … 与各国家合计, not 全区 / 街道."""
    cfg = tmp_path / "sum.yaml"
    text = place["cfg"].read_text(encoding="utf-8")
    cfg.write_text(text.replace("rollup: {method: mean}", "rollup: {method: sum}"), "utf-8")
    data = tmp_path / "sum.csv"
    rows = [("EUR", 300), *((code, 10) for code, _ in COUNTRIES)]
    data.write_text(
        "indicator,area,period,value\n" + "".join(f"{TEEN},{a},2011,{v}\n" for a, v in rows),
        encoding="utf-8",
    )
    proc = in_process("--config", str(cfg), "--db", str(place["db"]), "validate", str(data))
    assert "欧洲数值 300 与各国家合计 200 相差 50.0%" in proc.stdout, proc.stdout + proc.stderr
    assert "请核对欧洲或国家的数值" in proc.stdout and "街道" not in proc.stdout
