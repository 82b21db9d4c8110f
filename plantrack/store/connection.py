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
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"无法打开数据库 {path}：{exc}") from None
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"数据库 {path.name} 正被另一个程序占用（已等待 {timeout:.0f} 秒）。"
                    "请稍后重试；若一直如此，请关闭其他正在写入的 PlanTrack 进程。"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
    try:
        yield con
    finally:
        con.close()
