"""The account, approval and audit commands, and CLI writes acting as a named user."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from plantrack.cli import main
from tests.upload_fixtures import csv_bytes, row


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_accounts_approval_and_audit_from_the_cli(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(tmp_path / "uploads"))
    db = str(tmp_path / "real.duckdb")
    data = tmp_path / "q.csv"
    # 全民健身: 区教育体育局 leads fitness.fitness_events
    data.write_bytes(csv_bytes([row(indicator="fitness.fitness_events", area="市中区", value=3)]))
    monkeypatch.setenv("PLANTRACK_PASSWORD", "admin-password-1")
    assert run(capsys, "--db", db, "init")[0] == 0
    assert run(capsys, "--db", db, "create-admin", "root")[0] == 0
    code, out, _ = run(capsys, "--db", db, "users")
    assert code == 0 and "root" in out and "管理员" in out
    monkeypatch.setenv("PLANTRACK_NEW_PASSWORD", "stat-password-1")
    for name, dept in (("edu", "区教育体育局"), ("dpf", "区残联")):
        code, _, err = run(
            capsys, "--db", db, "user-add", name, "--role", "统计员",
            "--department", dept, "--user", "root",
        )  # fmt: skip
        assert code == 0, err
    code, _, err = run(capsys, "--db", db, "user-add", "x1", "--role", "统计员", "--user", "root")
    assert code == 1 and "至少属于一个部门" in err
    monkeypatch.setenv("PLANTRACK_PASSWORD", "stat-password-1")
    code, _, err = run(capsys, "--db", db, "load", str(data), "--user", "<script>")
    assert code == 1 and "用户名或密码错误" in err
    code, _, err = run(capsys, "--db", db, "load", str(data), "--user", "dpf")
    assert code == 1 and "不属于账号 dpf" in err
    code, out, err = run(capsys, "--db", db, "load", str(data), "--user", "edu")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "batches")
    assert " edu " in out
    code, _, err = run(capsys, "--db", db, "rollback", "1", "--user", "edu", "--reason", "r")
    assert code == 1 and "无此权限" in err
    dept = ("--department", "区教育体育局", "--period", "2024Q1")
    assert run(capsys, "--db", db, "submit", *dept, "--user", "edu")[0] == 0
    code, _, err = run(capsys, "--db", db, "approve", *dept, "--user", "edu")
    assert code == 1 and "无此权限" in err
    monkeypatch.setenv("PLANTRACK_PASSWORD", "admin-password-1")
    assert run(capsys, "--db", db, "approve", *dept, "--user", "root")[0] == 0
    code, out, _ = run(capsys, "--db", db, "periods")
    assert "已审核" in out
    data.write_bytes(csv_bytes([row(indicator="fitness.fitness_events", area="市中区", value=4)]))
    code, _, err = run(
        capsys, "--db", db, "load", str(data), "--user", "root",
        "--accept-warnings", "--reason", "更正",
    )  # fmt: skip
    assert code == 1 and "已审核锁定" in err
    code, _, err = run(capsys, "--db", db, "reopen", *dept, "--user", "root")
    assert code == 1 and "原因" in err
    assert run(capsys, "--db", db, "reopen", *dept, "--user", "root", "--reason", "更正")[0] == 0
    code, out, _ = run(capsys, "--db", db, "audit-verify")
    assert code == 0 and "哈希链校验通过" in out
    out_csv = tmp_path / "audit.csv"
    code, _, err = run(capsys, "--db", db, "audit", "--user", "root", "--outcome", "refused",
                       "--out", str(out_csv))  # fmt: skip
    assert code == 0, err
    text = out_csv.read_text(encoding="utf-8-sig")
    assert text.startswith("序号,时间") and "拒绝" in text and "<script>" in text
    con = duckdb.connect(db)
    con.execute("UPDATE audit SET reason = '改过' WHERE id = 3")
    con.close()
    code, _, err = run(capsys, "--db", db, "audit-verify")
    assert code == 1 and "第 3 条的内容与其哈希不符" in err
