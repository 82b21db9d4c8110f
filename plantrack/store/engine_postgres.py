"""The PostgreSQL engine: psycopg 3 with a connection pool per database URL and process.

- SQL arrives with ``?`` placeholders and runs as ``$1 …`` through ``psycopg.RawCursor``.
- Results become pandas frames with the dtypes DuckDB's ``df()`` gives (dates as
  ``datetime64``, nullable integers as ``Int32``/``Int64``, text as ``str``).
- ``register(name, frame)`` COPYs the frame into a temporary table of that name, inside the
  caller's transaction, so ``INSERT … SELECT … FROM name`` loads a batch in one transaction.
- A batch takes ``LOCK TABLE observations IN EXCLUSIVE MODE`` first: loaders run one after
  another (readers are never blocked), so two loads cannot number the same revision; a unique
  index on (indicator, area, period, revision) backs this up.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from plantrack.settings import redact
from plantrack.store import sql
from plantrack.store.engine import Engine, Session, numbered_placeholders
from plantrack.store.errors import StoreBusyError, StoreError
from plantrack.store.pg_copy import COPY_OPTIONS, copy_csv

_POOLS: dict[tuple[int, str], ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()

# type OIDs → how a column becomes a pandas column (DuckDB's df() dtypes)
_BOOL, _INT8, _INT2, _INT4, _TEXT, _FLOAT4, _FLOAT8 = 16, 20, 21, 23, 25, 700, 701
_VARCHAR, _BPCHAR, _DATE, _TS, _TSTZ, _NUMERIC = 1043, 1042, 1082, 1114, 1184, 1700
_NAME = 19
# after_load: a load that changed this share of observations' rows analyses it at once
ANALYZE_SHARE = 0.10


def _reset(conn: psycopg.Connection) -> None:
    conn.execute("DISCARD TEMP")


def pool_for(url: str, timeout: float) -> ConnectionPool:
    """This process's pool for ``url`` (a forked child gets its own)."""
    key = (os.getpid(), url)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=int(os.environ.get("PLANTRACK_PG_POOL", "8")),
                kwargs={"autocommit": True},
                reset=_reset,
                timeout=timeout,
                max_idle=120,
                name="plantrack",
                open=True,
            )
            _POOLS[key] = pool
        return pool


def close_pool(url: str) -> None:
    """Close this process's connections to ``url`` (tests drop their databases after)."""
    with _POOLS_LOCK:
        pool = _POOLS.pop((os.getpid(), url), None)
    if pool is not None:
        pool.close()


@lru_cache(maxsize=512)
def _numbered(sql: str) -> str:
    return numbered_placeholders(sql)


def _column(values: Sequence[Any], oid: int) -> Any:
    if oid in (_DATE, _TS):  # date/datetime objects (None → NaT) through pandas' C parser:
        # 25× faster than numpy's per-object conversion (0.14 s of one indicator's page)
        return pd.to_datetime(pd.Series(values, dtype=object)).to_numpy(dtype="datetime64[us]")
    if oid == _TSTZ:
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    if oid in (_FLOAT4, _FLOAT8, _NUMERIC):
        return np.array(values, dtype="float64")
    if oid in (_INT2, _INT4, _INT8):
        bits = "64" if oid == _INT8 else "32"
        if any(v is None for v in values):
            return pd.Series(values, dtype=f"Int{bits}").array
        return np.array(values, dtype=f"int{bits}")
    if oid == _BOOL:
        if any(v is None for v in values):
            return pd.array(values, dtype="boolean")
        return np.array(values, dtype=bool)
    if oid in (_TEXT, _VARCHAR, _BPCHAR, _NAME):
        if values and all(v is None for v in values):
            return pd.Series(values, dtype=object)  # as DuckDB: an all-NULL text column
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype=object)


class PGResult:
    def __init__(self, cur: psycopg.RawCursor):
        self._cur = cur

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cur.fetchall() if self._cur.description else []

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cur.fetchone() if self._cur.description else None

    def df(self) -> pd.DataFrame:
        desc = self._cur.description or []
        rows = self._cur.fetchall()
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in desc]
        data = {d.name: _column(list(c), d.type_code) for d, c in zip(desc, cols, strict=True)}
        return pd.DataFrame(data)


def _sql_type(series: pd.Series) -> str:
    """The PostgreSQL type of a temporary table column for a pandas column."""
    kind = series.dtype.kind
    if pd.api.types.is_bool_dtype(series.dtype):
        return "BOOLEAN"
    if kind in "iu":
        return "BIGINT"
    if kind == "f":
        return "DOUBLE PRECISION"
    if kind == "M":
        return "TIMESTAMPTZ" if getattr(series.dtype, "tz", None) else "TIMESTAMP"
    sample = series.dropna()
    if sample.empty:
        return "TEXT"
    first = sample.iloc[0]
    if isinstance(first, dt.datetime):
        return "TIMESTAMP"
    if isinstance(first, dt.date):
        return "DATE"
    if isinstance(first, bool | np.bool_):
        return "BOOLEAN"
    if isinstance(first, int | np.integer):
        return "BIGINT"
    if isinstance(first, float | np.floating):
        return "DOUBLE PRECISION"
    if isinstance(first, bytes):
        return "BYTEA"
    return "TEXT"


def _python_rows(frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """The frame's rows with NaN/NA/NaT as None and numpy scalars as Python values."""
    cols = []
    for name in frame.columns:
        s = frame[name]
        values = s.astype(object).where(s.notna(), None).tolist()
        if s.dtype.kind == "M":
            values = [None if v is None else v.to_pydatetime() for v in values]
        cols.append(values)
    return zip(*cols, strict=True)


class PGSession:
    """A pooled PostgreSQL connection that looks like the DuckDB connection API we use."""

    dialect = "postgresql"

    def __init__(self, conn: psycopg.Connection):
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PGResult:
        cur = psycopg.RawCursor(self.raw)
        try:
            # binary results: numbers and dates arrive without text parsing
            cur.execute(_numbered(sql), list(params) if params else None, binary=True)
        except psycopg.errors.LockNotAvailable:
            raise StoreBusyError("数据库正被另一批上传占用（等待超时）。请稍后重试。") from None
        return PGResult(cur)

    def register(self, name: str, frame: pd.DataFrame, analyze: bool = True) -> None:
        ident = psycopg.sql.Identifier(name)
        cols = [psycopg.sql.Identifier(str(c)) for c in frame.columns]
        spec = psycopg.sql.SQL(", ").join(
            psycopg.sql.SQL("{} {}").format(c, psycopg.sql.SQL(_sql_type(frame[n])))
            for c, n in zip(cols, frame.columns, strict=True)
        )
        self.raw.execute(psycopg.sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(ident))
        self.raw.execute(psycopg.sql.SQL("CREATE TEMP TABLE {} ({})").format(ident, spec))
        names = psycopg.sql.SQL(", ").join(cols)
        data = copy_csv(frame)  # one block written by pyarrow (None: a column it cannot write)
        if data is not None:
            copy_sql = psycopg.sql.SQL("COPY {} ({}) FROM STDIN " + COPY_OPTIONS)
            with self.raw.cursor() as cur, cur.copy(copy_sql.format(ident, names)) as copy:
                copy.write(data)
        else:
            copy_sql = psycopg.sql.SQL("COPY {} ({}) FROM STDIN")
            with self.raw.cursor() as cur, cur.copy(copy_sql.format(ident, names)) as copy:
                for row in _python_rows(frame):
                    copy.write_row(row)
        if analyze:  # row counts and value statistics for the planner (autovacuum never
            # analyses temporary tables); a join with observations needs them for a good plan
            self.raw.execute(psycopg.sql.SQL("ANALYZE {}").format(ident))

    def unregister(self, name: str) -> None:
        ident = psycopg.sql.Identifier(name)
        self.raw.execute(psycopg.sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(ident))


class PostgresEngine(Engine):
    name = "postgresql"

    def __init__(self, url: str, lock_timeout: float = 8.0):
        self.url = url
        self.lock_timeout = lock_timeout

    @property
    def label(self) -> str:
        return redact(self.url)

    def _unreachable(self, exc: BaseException) -> StoreError:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreError(
            f"无法连接 PostgreSQL 数据库 {self.label}：{detail}。"
            "请检查 PLANTRACK_DB 中的地址、用户和密码，以及数据库服务是否在运行。"
        )

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[PGSession]:
        try:
            pool = pool_for(self.url, max(self.lock_timeout, 5.0))
            cm = pool.connection()
            conn = cm.__enter__()
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise self._unreachable(exc) from None
        try:
            yield PGSession(conn)
        except BaseException as exc:
            cm.__exit__(type(exc), exc, exc.__traceback__)
            raise
        else:
            cm.__exit__(None, None, None)

    @contextmanager
    def transaction(self) -> Iterator[PGSession]:
        with self.connect() as con, con.raw.transaction():
            yield con

    def exists(self) -> bool:
        with self.connect(read_only=True) as con:
            row = con.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
        return bool(row and row[0])

    def missing(self) -> StoreError:
        return StoreError(
            f"PostgreSQL 数据库 {self.label} 中还没有 PlanTrack 的表。"
            f"请先运行 `python -m plantrack --db {self.label} migrate` 创建。"
        )

    def prepare(self) -> None:
        """Nothing to do: the database is created by its administrator (README)."""

    def lock_for_batch(self, con: Session) -> None:
        wait = max(int(self.lock_timeout * 4), 30)
        con.execute(f"SET LOCAL lock_timeout = '{wait}s'")
        con.execute("LOCK TABLE observations IN EXCLUSIVE MODE")

    def lock_for_migration(self, con: Session) -> None:
        con.execute("SELECT pg_advisory_xact_lock(72626)")  # 72626: PlanTrack's migration lock

    def stage_batch(self, con: Session, rows: pd.DataFrame, checked: bool) -> None:
        """The rows COPYed into ``incoming``, then each row's latest revision by one look-up
        in observations_key (a quarter's 44k keys: ≈ 0.7 s; joining the keys' revisions and
        numbering them with row_number(): ≈ 1.2–1.4 s). The plan is a nested loop whatever
        the statistics say, so ``incoming`` is not ANALYZEd (≈ 0.2 s)."""
        assert isinstance(con, PGSession)
        con.register("incoming", rows, analyze=False)
        con.execute(sql.stage_batch(checked, lookup=True))
        con.unregister("incoming")

    def after_load(self, n_rows: int) -> None:
        """ANALYZE observations when this load changed at least ANALYZE_SHARE of its rows (a
        small or new table, a large back-load); smaller loads are left to autovacuum, which
        migration 7 tells to analyse observations after 2 % of its rows changed — within a
        minute of a quarter's upload (≈ 4 % of a province), without making the upload wait."""
        if not n_rows:
            return
        with self.connect() as con:
            row = con.execute(
                "SELECT reltuples FROM pg_class WHERE oid = CAST('observations' AS regclass)"
            ).fetchone()
            known = float(row[0]) if row and row[0] is not None else -1.0
            if known < 0 or n_rows >= ANALYZE_SHARE * known:  # -1: never analysed
                con.execute("ANALYZE observations")

    def tables(self, con: Session) -> list[str]:
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def sequences(self, con: Session) -> dict[str, int]:
        rows = con.execute(
            "SELECT sequencename, coalesce(last_value + increment_by, start_value) "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def set_sequence(self, con: Session, name: str, next_value: int) -> None:
        con.execute("SELECT setval(CAST(? AS VARCHAR), ?, false)", [name, int(next_value)])

    def close(self) -> None:
        close_pool(self.url)
