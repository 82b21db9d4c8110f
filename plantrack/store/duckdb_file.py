"""The DuckDB file itself: integrity check on open, checksum stamp, backup and restore.

DuckDB checks each storage block against its own checksum when it reads it, so reading every
table once finds a bit-flipped or overwritten block; a truncated file or a broken header
fails on connect. On top, a checksum of our tables (count and XOR of row hashes of
``observations`` and ``batches``) is stored in ``meta`` by every write and compared on the
first write of a process: a file whose data changed behind PlanTrack's back (or whose
damage DuckDB did not see) is refused for writing.

The check runs once per process per file state (size, mtime), so reads pay nothing after
the first. Everything here is specific to the DuckDB file engine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from plantrack.store.connection import StoreError

TABLES = ("observations", "batches")
_verified: dict[str, tuple[int, int]] = {}


class DamagedDatabaseError(StoreError):
    """The database file is damaged; writes are refused (the message says how to recover)."""


def recovery(path: Path) -> str:
    folder = backup_dir(path)
    return (
        f"恢复方法：用 `python -m plantrack --db {path} restore 备份文件` 从备份恢复"
        f"（自动备份在 {folder}，每次升级数据库结构前生成；也可用 `python -m plantrack backup` 随时备份）。"
        "原文件会先另存为 .damaged 副本，不会丢失。"
    )


def _why(detail: str) -> str:
    """DuckDB's English reason → a short Chinese one (the English is never shown)."""
    text = detail.lower()
    if "enough bytes" in text or "truncat" in text:
        return "文件不完整，可能被截断"
    if "not a valid duckdb" in text or "header" in text:
        return "文件头无效"
    if "checksum" in text or "corrupt" in text:
        return "数据块校验失败"
    if detail.isascii():
        return "无法读取"
    return detail[:80]


def damaged(path: Path, detail: str) -> DamagedDatabaseError:
    return DamagedDatabaseError(
        f"数据库文件 {path} 已损坏或被改动（{_why(str(detail))}），为保护数据已拒绝写入。{recovery(path)}"
    )


def busy_in_process(exc: BaseException) -> bool:
    """DuckDB refuses a read-only and a read-write connection to one file in one process at
    the same time (two sessions of the dashboard server): the file is busy, not damaged."""
    return isinstance(exc, duckdb.ConnectionException) and "different configuration" in str(exc)


def is_damage(exc: BaseException) -> bool:
    """A DuckDB error that means the file is damaged (not a lock, not a permission)."""
    text = str(exc).lower()
    if busy_in_process(exc):
        return False
    return any(
        w in text
        for w in ("corrupt", "checksum", "not a valid duckdb", "serializ", "invalid", "truncat")
    ) or not isinstance(exc, duckdb.IOException)


def table_checksum(con: duckdb.DuckDBPyConnection) -> str:
    """Row counts and order-independent hashes of our tables, as one short hex string."""
    h = hashlib.sha256()
    for table in TABLES:
        row = con.execute(f"SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM {table}").fetchall()
        h.update(repr(row[0]).encode())
    return h.hexdigest()[:32]


def batches_mark(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """Count and last id of ``batches`` (None before the schema exists): a cheap sign that
    a transaction changed our tables, since every change of observations adds a batch."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND table_name IN ('batches', 'meta')"
    ).fetchall()[0][0]
    if present < 2:
        return None
    return tuple(con.execute("SELECT count(*), max(id) FROM batches").fetchall()[0])


def stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Store the checksum of our tables in ``meta`` (inside the writing transaction)."""
    value = table_checksum(con)
    con.execute(
        "INSERT INTO meta VALUES ('checksum', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [value],
    )


def read_only_database(path: Path) -> StoreError:
    return StoreError(
        f"数据库文件 {path} 是只读的（或所在文件夹不可写），无法写入；查看数据不受影响。"
        "如需上报或修改数据，请让管理员开放写权限。"
    )


def backup_before_migration(path: Path) -> Path | None:
    """Back up a file whose schema is older than this program's, before migrating it."""
    from plantrack.store.schema import SCHEMA_VERSION

    if not writable(path):
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            names = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            row = (
                con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
                if "meta" in names
                else []
            )
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return None
        raise damaged(path, str(exc)) from None
    except duckdb.Error as exc:
        if busy_in_process(exc):
            return None  # open in another session of this process: not older than us
        raise damaged(path, str(exc)) from None
    current = int(row[0][0]) if row else 0
    if 0 < current < SCHEMA_VERSION:
        return backup(path, label=f"before-v{SCHEMA_VERSION}")
    return None


def _state(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def state(path: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and mtime of the file and of its WAL: any write (also another program's
    migration) changes them."""
    out: list[tuple[int, int] | None] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
        except FileNotFoundError:
            out.append(None)
        else:
            out.append((st.st_size, st.st_mtime_ns))
    return tuple(out)


def verify(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Read every table (DuckDB checks each block) and compare our checksum; once per
    process per file state. Raises :class:`DamagedDatabaseError`."""
    path = Path(path)
    if not path.exists():
        return
    key = str(path.resolve())
    state = _state(path)
    if _verified.get(key) == state:
        return
    own = con is None
    try:
        if con is None:
            con = duckdb.connect(str(path), read_only=True)
            con.execute("SET enable_progress_bar = false")  # reads every table: > 2 s
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
        names = {t for (t,) in tables}
        for name in sorted(names):
            con.execute(f'SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM "{name}"').fetchall()
        if "meta" in names and set(TABLES) <= names:
            row = con.execute("SELECT value FROM meta WHERE key = 'checksum'").fetchall()
            if row and row[0][0] != table_checksum(con):
                raise damaged(path, "数据表的校验和与记录不符")
    except DamagedDatabaseError:
        raise
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return  # another process is writing; it will be checked on the next open
        raise damaged(path, str(exc)) from None
    except duckdb.Error as exc:
        if busy_in_process(exc):
            return  # another session of this process has it open; checked on the next open
        raise damaged(path, str(exc)) from None
    finally:
        if own and con is not None:
            con.close()
    _verified[key] = state


@contextmanager
def written(
    conn: AbstractContextManager[duckdb.DuckDBPyConnection], path: Path
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A checked file written by this process stays checked after the write."""
    with conn as con:
        yield con
    if Path(path).exists():
        _verified[str(Path(path).resolve())] = _state(Path(path))


def backup_dir(path: Path) -> Path:
    return Path(path).parent / "backups"


def backup(path: Path, out: Path | None = None, label: str = "manual") -> Path:
    """Copy the database (checked first) to ``out`` or ``backups/<name>-<time>-<label>.duckdb``."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"数据库文件 {path} 不存在，无法备份。")
    verify(path)
    if out is None:
        stamp_ = datetime.now().strftime("%Y%m%d-%H%M%S")
        out = backup_dir(path) / f"{path.stem}-{stamp_}-{label}{path.suffix}"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        # a read-only connection that checkpoints nothing; copying the closed file is safe
        # because PlanTrack closes every connection after each unit of work
        shutil.copyfile(path, tmp)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
        os.replace(tmp, out)
        if wal.exists():
            os.replace(tmp.with_name(tmp.name + ".wal"), out.with_name(out.name + ".wal"))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"无法写入备份 {out}：{exc.strerror or exc}") from None
    verify(out)
    return out


def restore(path: Path, source: Path) -> Path | None:
    """Replace the database by a checked backup; the current file is kept as ``.damaged-…``.
    Returns where the replaced file went (None if there was none)."""
    path, source = Path(path), Path(source)
    if not source.exists():
        raise StoreError(f"备份文件 {source} 不存在。")
    try:
        verify(source)
    except DamagedDatabaseError:
        raise StoreError(
            f"备份文件 {source} 本身已损坏，不能用于恢复。请选择更早的备份。"
        ) from None
    with duckdb.connect(str(source), read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not {"meta", *TABLES} <= tables:
        raise StoreError(f"文件 {source} 不是 PlanTrack 数据库（缺少数据表），未恢复。")
    kept = None
    if path.exists():
        kept = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
        os.replace(path, kept)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            os.replace(wal, kept.with_name(kept.name + ".wal"))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    from plantrack.store.connection import release

    release(path)  # this process's shared reader must not keep reading the old file
    os.replace(tmp, path)
    _verified.pop(str(path.resolve()), None)
    return kept


def writable(path: Path) -> bool:
    """Whether the file (or, for a new file, its folder) can be written."""
    path = Path(path)
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent if path.parent.exists() else Path("."), os.W_OK)
