"""Short-lived DuckDB connections that wait briefly for another process's lock.

DuckDB lets one process hold a file read-write, and that process locks out every other one
(stack-notes.md). The dashboard and the CLI therefore open a connection per unit of work and
close it at once; a second process waits up to ``timeout`` seconds, then gets a clear error.

Opening a database costs 30–150 ms (DuckDB builds a database instance each time, even for
an empty file; measured on the 2-core machine at load 1–4), and a dashboard run reads 5–7
times. A server therefore calls :func:`keep_readers_open`: read-only connections to one file
then share one open database (each reader gets its own cursor, under 1 ms), which is closed
once nobody has read for ``linger`` seconds, at once before this process writes to the file
(DuckDB refuses a read-write connection beside a read-only one in one process), and on
:func:`release`. Another process that wants to write waits for that, as for any reader.
While the database is open no other process can change the file, so what is read stays
current.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from plantrack.store.errors import DuplicateFileError, StoreBusyError, StoreError

__all__ = [
    "DuplicateFileError",
    "StoreBusyError",
    "StoreError",
    "connect",
    "keep_readers_open",
    "release",
    "release_idle",
]

_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
}


@dataclass
class _Reader:
    """One read-only database kept open for the readers of this process."""

    con: duckdb.DuckDBPyConnection
    users: int = 0
    last_used: float = 0.0
    closing: bool = False  # released while in use: closed by its last reader


_linger = 0.0  # seconds an unused shared reader stays open (0: not shared at all)
_lock = threading.Lock()
_readers: dict[str, _Reader] = {}
_reaper: threading.Thread | None = None


def keep_readers_open(linger: float) -> None:
    """Share one read-only database per file between this process's readers, kept open for
    ``linger`` seconds after its last use (0 turns sharing off; module docstring)."""
    global _linger, _reaper
    with _lock:
        _linger = max(0.0, float(linger))
        if _linger > 0 and _reaper is None:
            _reaper = threading.Thread(target=_reap, name="plantrack-readers", daemon=True)
            _reaper.start()
            atexit.register(_close_all)  # closed before the interpreter goes away
    if _linger == 0:
        _close_all()


def release(path: Path) -> None:
    """Close the shared reader of ``path`` now (when its current readers are done)."""
    with _lock:
        reader = _readers.pop(_key(path), None)
        if reader is None:
            return
        if reader.users:
            reader.closing = True
            return
    reader.con.close()


def _close_all() -> None:
    for key in list(_readers):
        release(Path(key))


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def _reap() -> None:
    while True:
        time.sleep(max(min(_linger, 1.0) / 4, 0.05))
        _close_unused()


def _close_unused() -> None:
    """Close the readers unused for ``linger`` seconds (a function of its own: the sleeping
    thread keeps no reference to a closed connection)."""
    now = time.monotonic()
    with _lock:
        idle = [k for k, r in _readers.items() if not r.users and now - r.last_used >= _linger]
        stale = [_readers.pop(k) for k in idle]
    for reader in stale:
        reader.con.close()


def release_idle(path: Path) -> None:
    """Close this file's shared reader if nobody is reading from it (before writing)."""
    with _lock:
        reader = _readers.get(_key(path))
        if reader is None or reader.users:
            return
        del _readers[_key(path)]
    reader.con.close()


def _open(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``, waiting for a lock up to ``timeout`` s."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=_CONFIG)
            # DuckDB draws a progress bar on stdout for queries over 2 s: never in our output
            # (it broke `--json` and a benchmark's reader processes)
            con.execute("SET enable_progress_bar = false")
            return con
        except duckdb.Error as exc:
            if not _busy(exc):
                raise _open_error(path, exc, read_only) from None
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"数据库 {path.name} 正被另一个程序占用（已等待 {timeout:.0f} 秒）。"
                    "请稍后重试；若一直如此，请关闭其他正在写入的 PlanTrack 进程。"
                ) from None
            if not read_only:
                release_idle(path)  # our own idle reader (another session's, just finished)
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def _shared(path: Path, timeout: float) -> tuple[duckdb.DuckDBPyConnection, _Reader]:
    """A cursor of the shared reader of ``path`` (opened if there is none)."""
    key = _key(path)
    with _lock:
        reader = _readers.get(key)
        if reader is not None:
            reader.users += 1
    if reader is None:
        con = _open(path, True, timeout)
        with _lock:
            reader = _readers.get(key)
            raced = reader is not None  # another thread opened it meanwhile
            if reader is None:
                reader = _readers[key] = _Reader(con)
            reader.users += 1
        if raced:
            con.close()
    try:
        cur = reader.con.cursor()
        cur.execute("SET enable_progress_bar = false")
    except duckdb.Error as exc:
        _done(key, reader)
        raise _open_error(path, exc, True) from None
    return cur, reader


def _done(key: str, reader: _Reader) -> None:
    with _lock:
        reader.users -= 1
        reader.last_used = time.monotonic()
        close = reader.closing and not reader.users
    if close:
        reader.con.close()


@contextmanager
def connect(
    path: Path, read_only: bool = False, timeout: float = 8.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open ``path`` (waiting for a lock up to ``timeout`` s) and close it afterwards; a
    reader shares the open database when :func:`keep_readers_open` was called."""
    reader = None
    if read_only and _linger > 0:
        con, reader = _shared(path, timeout)
    else:
        if not read_only:
            release_idle(path)
        con = _open(path, read_only, timeout)
    try:
        yield con
    except StoreError:
        raise
    except duckdb.Error as exc:  # a damaged block met while reading or writing
        raise _open_error(path, exc, read_only) from None
    finally:
        con.close()
        if reader is not None:
            _done(_key(path), reader)


def _busy(exc: duckdb.Error) -> bool:
    """Held by another process (a lock), or by another session of this process opened the
    other way (read-only vs read-write): wait, it is short-lived."""
    from plantrack.store.duckdb_file import busy_in_process

    return (isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()) or busy_in_process(
        exc
    )


def _open_error(path: Path, exc: Exception, read_only: bool) -> StoreError:
    """DuckDB's English error → a Chinese message with what to do."""
    text = str(exc).lower()
    if "permission denied" in text or "read-only" in text or "readonly" in text:
        return StoreError(
            f"数据库文件 {path} 是只读的（或所在文件夹不可写），无法写入；查看数据不受影响。"
            "如需上报或修改数据，请让管理员开放写权限。"
        )
    from plantrack.store.duckdb_file import damaged

    return damaged(path, str(exc))
