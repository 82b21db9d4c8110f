"""``--db``: a mistyped path is an error for every command (nothing created); only ``init`` /
``init-demo`` create a database, and ``template`` needs none; ``history`` output; the stale-check refusal on the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plantrack import upload
from plantrack.cli import main
from plantrack.store import StoreError
from plantrack.workspace import open_workspace
from tests.conftest import ROOT, act_as, add_accounts, cli_env
from tests.test_store import rows
from tests.upload_fixtures import csv_bytes, row

MISSING = "不存在。请检查 --db / PLANTRACK_DB 的路径；新建空的正式库用 `python -m plantrack --db"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def private_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(folder))
    return folder


def test_read_command_on_a_missing_database_fails_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x" / "nope.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "plantrack", "--db", str(db), "assess"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"PLANTRACK_UPLOADS": str(tmp_path / "uploads")},
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert f"数据库文件 {db} {MISSING} {db} init`，示例库用" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not db.exists() and not db.parent.exists()


def test_every_read_command_refuses_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "typo" / "plantrak.duckdb"
    data = tmp_path / "q1.csv"
    data.write_bytes(csv_bytes([row(indicator="fitness.fitness_events", area="市中区", value=3)]))
    commands = [
        ["batches"],
        ["history", "fitness.fitness_events", "--area", "370103"],
        ["tasks", "--as-of", "2023-12-31"],
        ["task-rates", "--as-of", "2023-12-31"],
        ["task-history", "openness2022.t23"],
        ["task-template", "--out", str(tmp_path / "t.xlsx")],
        ["report", "--as-of", "2023-12-31", "--out", str(tmp_path / "r.docx")],
        ["validate", str(data)],
    ]
    for argv in commands:
        code, _out, err = run(capsys, "--db", str(db), *argv)
        assert code == 1 and MISSING in err, (argv, code, err)
        assert not db.parent.exists(), argv
    # the fill-in template comes from the registry alone
    out = tmp_path / "t1.xlsx"
    code, _out, err = run(
        capsys, "--db", str(db), "template", "--period", "2024Q1", "--out", str(out)
    )
    assert code == 0 and out.exists(), err
    assert not db.parent.exists()


def test_write_commands_need_an_explicit_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "q1.csv"
    data.write_bytes(csv_bytes([row(indicator="fitness.fitness_events", area="市中区", value=3)]))
    db = tmp_path / "new" / "real.duckdb"
    cli_env(monkeypatch)
    for argv in (["load", str(data), "--user", "张三"], ["create-admin", "张三"]):
        code, out, err = run(capsys, "--db", str(db), *argv)  # a typo'd path creates nothing
        assert code == 1 and MISSING in err, (argv, err)
        assert not db.parent.exists()
    db.parent.mkdir()
    assert run(capsys, "--db", str(db), "init")[0] == 0
    code, out, err = run(capsys, "--db", str(db), "load", str(data), "--user", "张三")
    assert code == 1 and "用户名或密码错误" in err  # a new real database has no account
    code, out, err = run(capsys, "--db", str(db), "create-admin", "张三")
    assert code == 0, err
    code, out, err = run(capsys, "--db", str(db), "load", str(data), "--user", "张三")
    assert code == 0, err
    assert "新增 1 个" in out and db.exists()
    db2 = tmp_path / "new2" / "real.duckdb"
    db2.parent.mkdir()
    assert run(capsys, "--db", str(db2), "init")[0] == 0
    assert run(capsys, "--db", str(db2), "create-admin", "张三")[0] == 0
    code, out, err = run(
        capsys, "--db", str(db2), "task-update", "openness2022.t23", "--status", "进行中",
        "--date", "2022-09-01", "--user", "张三",
    )  # fmt: skip
    assert code == 0, err
    assert db2.exists()


def test_open_workspace_creates_by_default_but_not_when_told(tmp_path: Path) -> None:
    """The dashboard (default) starts an empty real database; the read commands do not."""
    db = tmp_path / "d" / "real.duckdb"
    with pytest.raises(StoreError, match="不存在"):
        open_workspace(db=db, create=False)
    assert not db.parent.exists()
    ws = open_workspace(db=db)
    assert db.exists() and not ws.is_demo and ws.store.counts()["observations"] == 0
    assert open_workspace(db=db, create=False).store.counts()["batches"] == 0


def test_history_prints_nothing_for_a_missing_reason(
    empty_ws, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_ws.store.load(
        rows(("fitness.fitness_events", "370103", "2023Q1", 3.0)),
        actor=act_as(empty_ws, name="uu"),
        source="t",
    )
    empty_ws.store.load(
        rows(("fitness.fitness_events", "370103", "2023Q1", 4.0)),
        actor=act_as(empty_ws, name="vv"),
        source="t",
        reason="更正",
    )
    db = str(empty_ws.settings.db_path)
    code, out, err = run(
        capsys, "--db", db, "history", "fitness.fitness_events", "--area", "370103"
    )
    assert code == 0, err
    first, second = out.splitlines()
    assert "nan" not in out.lower()
    assert first.endswith(" uu") and second.endswith(" vv 更正")


def test_cli_load_shows_the_stale_check_refusal(
    empty_ws, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's load between the CLI's check and its load: refused with the message."""
    one = dict(indicator="fitness.fitness_events", area="市中区", period="2024Q1")
    data = empty_ws.settings.db_path.parent / "jia.csv"
    data.write_bytes(csv_bytes([row(**one, value=120)]))
    real_check = upload.check_path

    def check_then_someone_loads(ws, path, **kwargs):
        result = real_check(ws, path, **kwargs)
        other = upload.check(ws, csv_bytes([row(**one, value=125)]), "乙.csv", keep=False)
        assert upload.load(ws, other, actor=act_as(ws), keep=False).outcome == "loaded"
        return result

    monkeypatch.setattr(upload, "check_path", check_then_someone_loads)
    add_accounts(empty_ws, "甲")
    act_as(empty_ws)
    cli_env(monkeypatch)
    db = str(empty_ws.settings.db_path)
    code, _out, err = run(capsys, "--db", db, "load", str(data), "--user", "甲")
    assert code == 1
    assert "数据在检查后已被他人修改（1 个数值），未入库。请重新检查后再上传。" in err
    assert empty_ws.store.current()["value"].tolist() == [125.0]
