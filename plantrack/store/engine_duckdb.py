"""The DuckDB engine: one file, short-lived connections (connection.py), one writer at a time.

A DuckDB connection already is a :class:`~plantrack.store.engine.Session`: ``execute`` takes
``?`` placeholders and its result has ``df()``; ``register`` exposes a pandas frame as a table.
DuckDB-specific file care (integrity checks, read-only opening, backup/restore) belongs here
and in connection.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import duckdb
import pandas as pd
import pyarrow as pa

from plantrack.store import duckdb_file
from plantrack.store.connection import connect, release_idle
from plantrack.store.engine import Engine, Session
from plantrack.store.errors import StoreError


def missing_database(path: Path) -> StoreError:
    return StoreError(
        f"数据库文件 {path} 不存在。请检查 --db / PLANTRACK_DB 的路径；新建空的正式库用 "
        f"`python -m plantrack --db {path} init`，示例库用 `python -m plantrack --db {path} init-demo`。"
    )


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, path: Path, lock_timeout: float = 8.0):
        self._path = Path(path)
        self.lock_timeout = lock_timeout
        self._current_at: object = None  # the file's state when its schema was current

    @property
    def path(self) -> Path:
        return self._path

    @property
    def label(self) -> str:
        return str(self._path)

    def exists(self) -> bool:
        return self._path.exists()

    def missing(self) -> StoreError:
        return missing_database(self._path)

    def prepare(self) -> None:
        """Before migrations: the folder exists, and an existing file whose schema is older
        is checked and backed up (``backups/<name>-<time>-before-v<N>.duckdb``)."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        release_idle(self._path)  # this process's shared reader (connection.py)
        if self._path.exists():
            duckdb_file.backup_before_migration(self._path)

    def schema_checked(self) -> bool:
        return self._current_at is not None and self._current_at == duckdb_file.state(self._path)

    def schema_current(self) -> None:
        self._current_at = duckdb_file.state(self._path)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Session]:
        """A connection; reading never creates the file (a mistyped path is an error)."""
        if read_only and not self._path.exists():
            raise missing_database(self._path)
        if read_only:
            with connect(self._path, read_only=True, timeout=self.lock_timeout) as con:
                yield cast(Session, con)
            return
        if not duckdb_file.writable(self._path):
            raise duckdb_file.read_only_database(self._path)
        release_idle(self._path)  # this process's shared reader would block the check
        duckdb_file.verify(self._path)  # once per file state: damaged files are not written
        with duckdb_file.written(connect(self._path, timeout=self.lock_timeout), self._path) as con:
            yield cast(Session, con)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; if it added a batch (every change of observations does), the
        checksum of our tables is stamped in it too, so data and checksum commit together."""
        with self.connect() as con:
            raw = cast(duckdb.DuckDBPyConnection, con)
            con.execute("BEGIN TRANSACTION")
            try:
                before = duckdb_file.batches_mark(raw)
                yield con
                if duckdb_file.batches_mark(raw) != before:
                    duckdb_file.stamp(raw)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def lock_for_batch(self, con: Session) -> None:
        """Nothing to do: a DuckDB file has one writing connection at a time."""

    def seal(self, con: Session) -> None:
        duckdb_file.stamp(cast(duckdb.DuckDBPyConnection, con))

    def after_load(self, n_rows: int) -> None:
        """Nothing to do: the load's own transaction stamped the checksum."""

    def tables(self, con: Session) -> list[str]:
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def sequences(self, con: Session) -> dict[str, int]:
        rows = con.execute(
            "SELECT sequence_name, coalesce(last_value + increment_by, start_value) "
            "FROM duckdb_sequences() WHERE schema_name = current_schema()"
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def set_sequence(self, con: Session, name: str, next_value: int) -> None:
        # DuckDB has no setval: recreate the sequence starting at the wanted value
        con.execute(f'DROP SEQUENCE "{name}"')
        con.execute(f'CREATE SEQUENCE "{name}" START {int(next_value)}')


def read_frame(con: Session, query: str, params: list[object]) -> pd.DataFrame:
    """``con.execute(query, params).df()``, through Arrow on DuckDB: the same frame (dates
    as ``datetime64[us]``, as ``df()`` gives them) with a third of the memory peak and about
    half the time for a province's 1 M observations (``df()`` peaked at ~550 MB above the
    result's 70 MB, Arrow at ~300 MB; measured at load 5, bench/bench_ratio.py)."""
    if not isinstance(con, duckdb.DuckDBPyConnection):
        return con.execute(query, params).df()
    table = con.sql(query, params=params).to_arrow_table()
    if not table.num_rows:  # df() types an empty text column as object, Arrow as str
        return con.execute(query, params).df()
    frame = table.to_pandas(date_as_object=False)
    for field in table.schema:
        if pa.types.is_date(field.type):
            frame[field.name] = frame[field.name].astype("datetime64[us]")
        elif pa.types.is_string(field.type) and table.column(field.name).null_count == len(frame):
            frame[field.name] = pd.Series([None] * len(frame), dtype=object)  # as df() has it
    return frame
