"""``python -m plantrack template / validate / load``: outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from plantrack.cli import main
from tests.conftest import ROOT, add_accounts, cli_env
from tests.upload_fixtures import csv_bytes, instructors, row, snapshot


@pytest.fixture(autouse=True)
def private_uploads(empty_ws, monkeypatch):
    """The CLI resolves its own settings: keep its uploads folder in the test's tmp dir."""
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(empty_ws.settings.uploads_dir))
    add_accounts(empty_ws, "张三", "李四")
    cli_env(monkeypatch)


@pytest.fixture
def db(empty_ws) -> str:
    return str(empty_ws.settings.db_path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_template_long_wide_csv(tmp_path, capsys, db):
    for layout, fmt in (("long", "xlsx"), ("wide", "xlsx"), ("long", "csv")):
        out = tmp_path / f"t_{layout}.{fmt}"
        code, text, _ = run(
            capsys,
            "--db",
            db,
            "template",
            "--period",
            "2024Q1",
            "--layout",
            layout,
            "--format",
            fmt,
            "--out",
            str(out),
        )
        assert code == 0 and out.exists() and "2024Q1" in text
    code, _, err = run(
        capsys, "--db", db, "template", "--period", "下季度", "--out", str(tmp_path / "x.xlsx")
    )
    assert code == 2 and "下季度" in err
    code, _, err = run(
        capsys,
        "--db",
        db,
        "template",
        "--period",
        "2024",
        "--plan",
        "nope",
        "--out",
        str(tmp_path / "x.xlsx"),
    )
    assert code == 2 and "nope" in err


def test_validate_exit_codes_and_json(tmp_path, capsys, db):
    good, bad, broken = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "broken.xlsx"
    good.write_bytes(csv_bytes(instructors()))
    bad.write_bytes(csv_bytes([row(value="abc")]))
    broken.write_bytes(b"%PDF-1.4 not a workbook")
    assert run(capsys, "--db", db, "validate", str(good))[0] == 0
    code, out, _ = run(capsys, "--db", db, "validate", str(bad), "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["file"] == "bad.csv"
    p = report["errors"][0]
    assert (p["row"], p["column"], p["value"]) == (4, "G", "abc") and "不是数字" in p["message"]
    code, out, _ = run(capsys, "--db", db, "validate", str(broken), "--json")
    assert code == 2 and json.loads(out)["errors"][0]["code"] == "not_table"
    code, _, err = run(capsys, "--db", db, "validate", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err + _


def test_load_exit_codes_warnings_and_reason(tmp_path, capsys, empty_ws):
    db = str(empty_ws.settings.db_path)
    first, second = tmp_path / "q1.csv", tmp_path / "q1b.csv"
    first.write_bytes(csv_bytes(instructors()))
    code, out, _ = run(capsys, "--db", db, "load", str(first), "--user", "张三", "--json")
    assert code == 0 and json.loads(out)["loaded"]["new"] == 18
    before = snapshot(empty_ws)
    code, _, err = run(capsys, "--db", db, "load", str(first), "--user", "张三")
    assert code == 1 and "不会重复入库" in err
    second.write_bytes(csv_bytes(instructors(base=10.5)))
    code, out, err = run(capsys, "--db", db, "load", str(second), "--user", "李四")
    assert code == 1 and "警告" in out + err
    code, _, err = run(
        capsys, "--db", db, "load", str(second), "--user", "李四", "--accept-warnings"
    )
    assert code == 1 and "--reason" in err
    assert snapshot(empty_ws) == before
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "load",
        str(second),
        "--user",
        "李四",
        "--accept-warnings",
        "--reason",
        "更正",
        "--json",
    )
    assert code == 0 and json.loads(out)["loaded"]["revised"] == 18
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"")
    assert run(capsys, "--db", db, "load", str(broken), "--user", "张三")[0] == 2


def test_cli_as_a_subprocess(tmp_path, empty_ws):
    f = tmp_path / "q.csv"
    f.write_bytes(csv_bytes([row(value="abc")], encoding="gbk"))
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "plantrack",
            "--db",
            str(empty_ws.settings.db_path),
            "validate",
            str(f),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1
    assert "q.csv 第 4 行 G 列（数值）" in p.stdout and "Traceback" not in p.stderr


def test_template_per_department_and_unknown_department(tmp_path, capsys, db):
    out = tmp_path / "dept.xlsx"
    code, _, _ = run(
        capsys,
        "--db",
        db,
        "template",
        "--period",
        "2024",
        "--department",
        "区残联",
        "--out",
        str(out),
    )
    assert code == 0 and out.exists()
    code, _, err = run(
        capsys,
        "--db",
        db,
        "template",
        "--period",
        "2024",
        "--department",
        "区气象局",
        "--out",
        str(out),
    )
    assert code == 2 and "区气象局" in err
