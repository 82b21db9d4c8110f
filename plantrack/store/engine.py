"""One store interface, two database engines, chosen by the database URL.

``PLANTRACK_DB=postgresql://user@host/db`` selects PostgreSQL (engine_postgres.py); anything
else is a DuckDB file path (engine_duckdb.py, the zero-set-up default).

Code above the engines talks to a :class:`Session` — the subset of a DuckDB connection the
store uses, offered by both engines:

- ``execute(sql, params)`` with ``?`` placeholders, returning a result with ``fetchall()``,
  ``fetchone()`` and ``df()`` (a pandas frame with DuckDB's dtypes on both engines);
- ``register(name, frame)`` / ``unregister(name)``: a pandas frame as a table for
  ``INSERT … SELECT … FROM name`` (DuckDB reads the frame in place; PostgreSQL COPYs it into a
  temporary table inside the same transaction);
- ``raw``: the engine's own connection, only for engine-specific code.

SQL is written once, in the subset both engines accept (stack-notes.md, and plantrack/store/sql.py
for the store's own). Schema migrations (schema.py) are written in that subset too; the engine
translates the few DDL spellings that differ (:func:`translate_ddl`). A migration statement that
must run on one engine only starts with the line ``-- duckdb`` or ``-- postgresql``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from plantrack.store import sql

POSTGRES_PREFIXES = ("postgresql://", "postgres://")


class Result(Protocol):
    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def df(self) -> pd.DataFrame: ...


class Session(Protocol):
    """A connection (inside a transaction when opened by ``Store.transaction()``)."""

    raw: Any

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Result: ...

    def register(self, name: str, frame: pd.DataFrame) -> None: ...

    def unregister(self, name: str) -> None: ...


class Engine(ABC):
    """Connecting, DDL, migrations and bulk loading for one database."""

    name: str  # "duckdb" | "postgresql"

    @abstractmethod
    def connect(self, read_only: bool = False) -> AbstractContextManager[Session]:
        """A session for one unit of work (autocommit until a transaction is begun)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Session]:
        """A write session inside one transaction: committed on success, else rolled back."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether the database exists (a DuckDB file; a reachable PostgreSQL database)."""

    @abstractmethod
    def missing(self) -> Exception:
        """The error for a database that does not exist yet (what to run to create it)."""

    @abstractmethod
    def prepare(self) -> None:
        """Make the database reachable for writing (a DuckDB file's folder)."""

    @abstractmethod
    def lock_for_batch(self, con: Session) -> None:
        """Serialise loaders for the rest of the transaction (revision numbering)."""

    def schema_checked(self) -> bool:
        """The schema was found current and the database has not changed since (a DuckDB
        file's size and mtime): ensure_schema then opens nothing."""
        return False

    def schema_current(self) -> None:  # noqa: B027 (most engines: no-op)
        """Called when ensure_schema found the schema current or made it so."""

    def lock_for_migration(self, con: Session) -> None:  # noqa: B027 (most engines: no-op)
        """Serialise schema migrations of processes starting at once (PostgreSQL)."""

    def seal(self, con: Session) -> None:  # noqa: B027 (most engines: no-op)
        """Inside a write transaction, before COMMIT: record what the engine needs to check
        the data later (DuckDB: the checksum of our tables). Called by bulk rewrites such as
        `copy`; ordinary write transactions of the DuckDB engine seal themselves."""

    def stage_batch(self, con: Session, rows: pd.DataFrame, checked: bool) -> None:
        """Inside a load's transaction: the temporary table ``staged``, each row of ``rows``
        with its key's latest stored revision (sql.stage_batch)."""
        con.register("incoming", rows)
        con.execute(sql.stage_batch(checked))
        con.unregister("incoming")

    @abstractmethod
    def after_load(self, n_rows: int) -> None:
        """Refresh planner statistics after a committed load (PostgreSQL ANALYZE)."""

    @abstractmethod
    def tables(self, con: Session) -> list[str]:
        """The base tables of the schema."""

    @abstractmethod
    def sequences(self, con: Session) -> dict[str, int]:
        """Each sequence's next value."""

    @abstractmethod
    def set_sequence(self, con: Session, name: str, next_value: int) -> None:
        """Make ``nextval(name)`` return ``next_value`` next."""

    @property
    @abstractmethod
    def label(self) -> str:
        """How messages name the database (no password)."""

    @property
    def path(self) -> Path:
        raise NotImplementedError

    def run_migration(self, con: Session, statements: Sequence[str]) -> None:
        for statement in statements:
            translated = translate_ddl(statement, self.name)
            if translated is not None:
                con.execute(translated)

    def close(self) -> None:  # noqa: B027 (most engines: no-op)
        """Release pooled connections (PostgreSQL); nothing to do for DuckDB."""


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_PREFIXES)


def open_engine(target: str | Path, lock_timeout: float = 8.0) -> Engine:
    """The engine for a database URL or DuckDB path."""
    if is_postgres_url(target):
        from plantrack.store.engine_postgres import PostgresEngine

        return PostgresEngine(str(target), lock_timeout=lock_timeout)
    from plantrack.store.engine_duckdb import DuckDBEngine

    return DuckDBEngine(Path(target), lock_timeout=lock_timeout)


# -- SQL translation (the only place where the two dialects' spellings meet) -------------------
_ONLY = re.compile(r"^\s*--\s*(duckdb|postgresql)\s*\n", re.IGNORECASE)
_PG_DDL = [
    # DuckDB's DOUBLE is PostgreSQL's DOUBLE PRECISION (REAL/FLOAT8 are shared spellings).
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.IGNORECASE), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
    (re.compile(r"\bCREATE\s+VIEW\s+IF\s+NOT\s+EXISTS\b", re.IGNORECASE), "CREATE OR REPLACE VIEW"),
]


def translate_ddl(sql: str, engine: str) -> str | None:
    """A migration statement for ``engine``; None when it is marked for the other engine."""
    only = _ONLY.match(sql)
    if only:
        if only.group(1).lower() != engine:
            return None
        sql = sql[only.end() :]
    if engine == "postgresql":
        for pattern, repl in _PG_DDL:
            sql = pattern.sub(repl, sql)
    return sql


def numbered_placeholders(sql: str) -> str:
    """``?`` placeholders as ``$1, $2 …`` (PostgreSQL), leaving quoted text and comments alone."""
    out: list[str] = []
    n = 0
    for token in _tokens(sql):
        if token == "?":
            n += 1
            out.append(f"${n}")
        else:
            out.append(token)
    return "".join(out)


_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\?|[^'\"?/-]+|.", re.S)


def _tokens(sql: str) -> Iterator[str]:
    for m in _TOKEN.finditer(sql):
        yield m.group(0)
