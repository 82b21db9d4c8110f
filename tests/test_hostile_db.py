"""Damaged, read-only and missing databases (issue #11): checked on open, writes refused
with a Chinese message and a recovery path (backup / restore), reads of a read-only file
work, and only `init` / `init-demo` create a database."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CONFIG, PASSWORD, ROOT
from tests.upload_fixtures import csv_bytes, instructors

ENGLISH = ("IOException", "Traceback", "Error:", "出现意外错误")


def cli(
    *args: str, db: Path, tmp: Path, password: str | None = None
) -> subprocess.CompletedProcess:
    env = os.environ | {"PLANTRACK_UPLOADS": str(tmp / "uploads"), "PLANTRACK_CONFIG": str(CONFIG)}
    if password:
        env["PLANTRACK_PASSWORD"] = password
    env.pop("PLANTRACK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "plantrack", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def full_read_fails(path: Path) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
                con.execute(f'SELECT bit_xor(hash(COLUMNS(*))) FROM "{t}"').fetchall()
    except duckdb.Error:
        return True
    return False


def damaged_copies(demo_db: Path, tmp: Path) -> dict[str, Path]:
    size = demo_db.stat().st_size
    out = {}
    trunc = tmp / "truncated.duckdb"
    trunc.write_bytes(demo_db.read_bytes()[: size // 2])
    out["truncated"] = trunc
    flipped = tmp / "flipped.duckdb"
    data = bytearray(demo_db.read_bytes())
    data[100] ^= 0xFF  # in the file header
    flipped.write_bytes(bytes(data))
    out["bit_flipped"] = flipped
    # one 4 KB block overwritten inside a block that holds data (DuckDB finds it on reading)
    block = tmp / "block.duckdb"
    for offset in range(262144, size - 4096, 4096 * 5):
        shutil.copy(demo_db, block)
        with block.open("r+b") as fh:
            fh.seek(offset)
            fh.write(b"\x5a" * 4096)
        if full_read_fails(block):
            break
    else:  # pragma: no cover — the demo file always has data blocks
        pytest.fail("no data block found to corrupt")
    out["corrupt_block"] = block
    return out


@pytest.fixture(scope="module")
def broken(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return damaged_copies(demo_db, tmp_path_factory.mktemp("broken"))


@pytest.mark.parametrize("kind", ["truncated", "bit_flipped", "corrupt_block"])
def test_damaged_database_refuses_load_in_chinese(broken, kind, tmp_path):
    db = tmp_path / f"{kind}.duckdb"
    shutil.copy(broken[kind], db)
    before = db.read_bytes()
    up = tmp_path / "q.csv"
    up.write_bytes(csv_bytes(instructors()))
    r = cli("load", str(up), "--user", "张三", db=db, tmp=tmp_path)
    assert r.returncode in (1, 2), r.stderr
    assert "已损坏" in r.stderr and "restore" in r.stderr, r.stderr
    assert not any(w in r.stderr for w in ENGLISH), r.stderr
    assert db.read_bytes() == before  # nothing written
    r = cli("batches", db=db, tmp=tmp_path)
    assert r.returncode != 0 and "已损坏" in r.stderr and "IOException" not in r.stderr


def test_checksum_catches_data_changed_behind_our_back(demo_db, tmp_path):
    db = tmp_path / "edited.duckdb"
    shutil.copy(demo_db, db)
    with duckdb.connect(str(db)) as con:  # edited outside PlanTrack: no new checksum
        con.execute(
            "UPDATE observations SET value = value + 1 WHERE revision = 1 AND area LIKE '%002000'"
        )
    up = tmp_path / "q.csv"
    up.write_bytes(csv_bytes(instructors()))
    r = cli("load", str(up), "--user", "张三", db=db, tmp=tmp_path)
    assert r.returncode == 1 and "校验和" in r.stderr, r.stderr


def test_backup_and_restore_recover_a_damaged_file(demo_db, broken, tmp_path):
    db = tmp_path / "live.duckdb"
    shutil.copy(demo_db, db)
    r = cli("backup", "--out", str(tmp_path / "b.duckdb"), db=db, tmp=tmp_path)
    assert r.returncode == 0 and "已备份" in r.stdout, r.stderr
    shutil.copy(broken["corrupt_block"], db)
    r = cli("restore", str(tmp_path / "b.duckdb"), db=db, tmp=tmp_path)
    assert r.returncode == 0 and "已恢复" in r.stdout.replace("已用", "已恢复"), r.stderr
    assert list(tmp_path.glob("live.duckdb.damaged-*"))  # the damaged file is kept
    r = cli("batches", db=db, tmp=tmp_path)
    assert r.returncode == 0 and "#" in r.stdout
    r = cli("restore", str(broken["truncated"]), db=db, tmp=tmp_path)
    assert r.returncode == 1 and "损坏" in r.stderr


def test_a_backup_is_taken_before_a_migration(demo_db, tmp_path):
    from plantrack.store import Store
    from plantrack.store.schema import SCHEMA_VERSION

    db = tmp_path / "old.duckdb"
    shutil.copy(demo_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION - 1)]
        )
        con.execute("DELETE FROM meta WHERE key = 'checksum'")
    Store(db).ensure_schema()
    backups = list((tmp_path / "backups").glob(f"old-*-before-v{SCHEMA_VERSION}.duckdb"))
    assert len(backups) == 1
    with duckdb.connect(str(backups[0]), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[
            0
        ] == str(SCHEMA_VERSION - 1)


def test_read_only_database_is_opened_read_only(demo_db, tmp_path, monkeypatch):
    """chmod 444 and a read-only folder (root ignores permissions, so access() is what the
    store consults: it is patched to say what an ordinary user would be told)."""
    from tests.conftest import act_as, make_settings

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "ro.duckdb"
    shutil.copy(demo_db, db)
    from plantrack.workspace import open_workspace as _open

    actor = act_as(_open(settings=make_settings(db)))  # the account exists before chmod
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode)
    )
    try:
        from plantrack.store import StoreError
        from plantrack.upload import check, load
        from plantrack.workspace import open_workspace

        ws = open_workspace(settings=make_settings(db), create=False)
        assert len(ws.store.current()) > 0 and ws.store.data_version() >= 0
        before = db.read_bytes()
        result = check(ws, csv_bytes(instructors(base=500)), "q.csv", keep=False)
        out = load(ws, result, actor=actor, accept_warnings=True, reason="测试", keep=False)
        assert out.outcome == "refused" and "只读" in out.message
        assert db.read_bytes() == before
        with pytest.raises(StoreError, match="只读"):
            ws.store.rollback(1, actor=actor, reason="r")
    finally:
        folder.chmod(stat.S_IRWXU)
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_read_only_database_in_the_app(demo_db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "ro.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("PLANTRACK_DB", str(db))
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.chdir(ROOT)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode)
    )
    at = AppTest.from_file(str(ROOT / "pages/overview.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]


def test_damaged_database_in_the_app_is_a_chinese_error(broken, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "bad.duckdb"
    shutil.copy(broken["corrupt_block"], db)
    monkeypatch.setenv("PLANTRACK_DB", str(db))
    monkeypatch.setenv("PLANTRACK_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.chdir(ROOT)
    for page in ("pages/overview.py", "pages/upload.py"):
        at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
        assert not at.exception, (page, at.exception)
        errors = " ".join(e.value for e in at.error)
        assert "已损坏" in errors and "restore" in errors, (page, errors)
        assert "IOException" not in errors


def test_a_mistyped_path_creates_nothing(tmp_path):
    up = tmp_path / "q.csv"
    up.write_bytes(csv_bytes(instructors()))
    db = tmp_path / "typo" / "plantrak.duckdb"
    for args in (
        ["load", str(up), "--user", "张三"],
        ["batches"],
        ["rollback", "1", "--user", "u", "--reason", "r"],
    ):
        r = cli(*args, db=db, tmp=tmp_path)
        assert r.returncode != 0 and "不存在" in r.stderr and "init" in r.stderr, r.stderr
        assert not db.parent.exists()
    r = cli("init", db=db, tmp=tmp_path)
    assert r.returncode == 0 and db.exists(), r.stderr
    r = cli("batches", db=db, tmp=tmp_path)
    assert r.returncode == 0 and "还没有任何批次" in r.stdout
    r = cli("init", db=db, tmp=tmp_path)
    assert r.returncode == 1 and "已存在" in r.stderr


def _fresh_verify(path: Path) -> None:
    """The check a new process makes on its first write (this process's memo cleared)."""
    from plantrack.store import duckdb_file

    duckdb_file._verified.clear()
    duckdb_file.verify(path)


def test_every_kind_of_write_keeps_the_checksum(demo_db, tmp_path):
    """A task progress file, its rollback and an upload each stamp the checksum in their own
    transaction: the next process's check still passes (a task file used to leave the old
    checksum behind, and the next write was refused as 已损坏)."""
    from plantrack.tasks.bulk import load_bulk, template_bytes
    from plantrack.workspace import open_workspace
    from tests.conftest import act_as, make_settings
    from tests.test_tasks_intake import GOOD, TODAY, _filled

    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    ws = open_workspace(settings=make_settings(db))
    admin = act_as(ws, name="李四")
    assert template_bytes(ws)
    result = load_bulk(ws, _filled(ws, GOOD), "进展.xlsx", actor=admin, today=TODAY)
    assert result.ok, result.problems
    _fresh_verify(db)
    ws.store.rollback(result.batch_id, actor=admin, reason="填错了文件")
    _fresh_verify(db)
    up = tmp_path / "q.csv"
    up.write_bytes(csv_bytes(instructors()))
    r = cli("load", str(up), "--user", "李四", "--accept-warnings", "--reason", "更正",
            db=db, tmp=tmp_path, password=PASSWORD)  # fmt: skip
    assert r.returncode == 0, r.stderr
    _fresh_verify(db)


def test_a_reader_and_a_writer_in_one_server_process_wait_for_each_other(demo_db, tmp_path):
    """Two sessions of one dashboard process: one reads (a read-only connection) while the
    other writes. DuckDB refuses the second connection's other configuration; that is a busy
    file to wait for, never 已损坏."""
    import threading

    from plantrack.store import Store
    from tests.conftest import act_as
    from tests.test_store import rows

    db = tmp_path / "two.duckdb"
    shutil.copy(demo_db, db)
    store = Store(db)
    actor = act_as(store)
    opened, done = threading.Event(), threading.Event()

    def reader() -> None:
        with store.connect(read_only=True) as con:
            con.execute("SELECT count(*) FROM observations").fetchall()
            opened.set()
            done.wait(1.0)  # hold it while the writer starts

    t = threading.Thread(target=reader)
    t.start()
    assert opened.wait(30)
    try:
        summary = store.load(rows(("a", "x", "2023Q1", 1.0)), actor=actor, source="t")
    finally:
        done.set()
        t.join(30)
    assert summary.stored == 1
    _fresh_verify(db)


def test_no_duckdb_progress_bar_reaches_our_output(tmp_path: Path) -> None:
    """DuckDB draws a progress bar on stdout for queries over 2 s; it corrupted `--json`
    output and the benchmark's reader processes at province scale. Checked in a fresh
    process, as the CLI runs (inside pytest DuckDB's default differs)."""
    path = tmp_path / "p.duckdb"
    duckdb.connect(str(path)).close()
    code = (
        "import sys; from pathlib import Path; from plantrack.store.connection import connect\n"
        "for ro in (False, True):\n"
        "    with connect(Path(sys.argv[1]), read_only=ro) as con:\n"
        "        q = \"SELECT current_setting('enable_progress_bar')\"\n"
        "        print(con.execute(q).fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
