"""Short-lived DuckDB connections that wait briefly for another process's lock.

DuckDB lets one process hold a file read-write, and that process locks out every other one
(stack-notes.md). The dashboard and the CLI therefore open a connection per unit of work and
close it at once; a second process waits up to ``timeout`` seconds, then gets a clear error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from plantrack.store.errors import DuplicateFileError, StoreBusyError, StoreError

__all__ = ["DuplicateFileError", "StoreBusyError", "StoreError", "connect"]


@contextmanager
def connect(
    path: Path, read_only: bool = False, timeout: float = 8.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open ``path`` (waiting for a lock up to ``timeout`` s) and close it afterwards."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            # DuckDB draws a progress bar on stdout for queries over 2 s: never in our output
            # (it broke `--json` and a benchmark's reader processes)
            con.execute("SET enable_progress_bar = false")
            break
        except duckdb.Error as exc:
            if not _busy(exc):
                raise _open_error(path, exc, read_only) from None
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"数据库 {path.name} 正被另一个程序占用（已等待 {timeout:.0f} 秒）。"
                    "请稍后重试；若一直如此，请关闭其他正在写入的 PlanTrack 进程。"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
    try:
        yield con
    except StoreError:
        raise
    except duckdb.Error as exc:  # a damaged block met while reading or writing
        raise _open_error(path, exc, read_only) from None
    finally:
        con.close()


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
