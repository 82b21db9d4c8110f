"""The store's operations, the same on DuckDB and PostgreSQL (engine.py chooses by URL).

Observations are never updated in place: a changed value is a new revision, a deletion a
tombstone (``deleted``), and a rollback a new batch restoring earlier revisions. Every load is
one transaction, so a crash leaves a batch wholly in or wholly out, and bumps ``data_version``
in that transaction so every process's caches refresh. The SQL is in sql.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from plantrack.auth.roles import Action
from plantrack.store import auth_sql, sql
from plantrack.store.auth_sql import Scope
from plantrack.store.engine import Engine, Session, is_postgres_url, open_engine
from plantrack.store.engine_duckdb import missing_database, read_frame
from plantrack.store.errors import DuplicateFileError, StoreError
from plantrack.store.schema import MIGRATIONS, SCHEMA_VERSION
from plantrack.store.sql import CURRENT_COLUMNS

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor


def first_row(con: Session, query: str, params: Sequence[Any] | None = None) -> tuple | None:
    """The first row of a query, fully fetched (DuckDB 2 refuses new work on a connection
    with an unfinished result)."""
    rows = con.execute(query, list(params or [])).fetchall()
    return rows[0] if rows else None


OBS_COLUMNS = ["indicator", "area", "period", "period_end", "value", "note"]
SEEN_COLUMN = "prev_revision"  # optional in load(): the revision the upload check saw

__all__ = [
    "CURRENT_COLUMNS",
    "OBS_COLUMNS",
    "SEEN_COLUMN",
    "LoadSummary",
    "StaleCheckError",
    "Store",
    "first_row",
    "missing_database",
]


class StaleCheckError(StoreError):
    """Values changed between the upload check and the load (nothing was stored)."""


def _writable(path: Path) -> bool:
    from plantrack.store.duckdb_file import writable

    return writable(path)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` (``recorded_at < end_of_day(d)``: known by that day)."""
    return datetime.combine(day + timedelta(days=1), time())


@dataclass(frozen=True)
class LoadSummary:
    batch_id: int
    new: int
    revised: int
    unchanged: int
    noted: int = 0  # same value, new note: stored as a revision of the note only

    @property
    def stored(self) -> int:
        return self.new + self.revised + self.noted


class Store:
    """A PlanTrack database: a DuckDB file or a PostgreSQL URL. Cheap to construct; every
    call takes a connection (DuckDB: opens the file; PostgreSQL: from the process's pool)."""

    def __init__(self, path: str | Path, lock_timeout: float = 8.0):
        self.url = str(path)
        self.lock_timeout = lock_timeout
        self.engine: Engine = open_engine(path, lock_timeout)

    @property
    def path(self) -> Path:
        """The DuckDB file (StoreError on PostgreSQL, which has none)."""
        if self.is_postgres:
            raise StoreError(f"{self.label} 是 PostgreSQL 数据库，没有数据库文件。")
        return self.engine.path

    @property
    def is_postgres(self) -> bool:
        return is_postgres_url(self.url)

    @property
    def label(self) -> str:
        """The database for messages (a PostgreSQL URL without its password)."""
        return self.engine.label

    def exists(self) -> bool:
        """Whether the database exists (a DuckDB file; a PostgreSQL schema with ``meta``)."""
        return self.engine.exists()

    def close(self) -> None:
        self.engine.close()

    # -- connections --------------------------------------------------------------------
    def connect(self, read_only: bool = False) -> AbstractContextManager[Session]:
        """A session for reading (or single writes); reading never creates a database."""
        return self.engine.connect(read_only=read_only)

    def transaction(self) -> AbstractContextManager[Session]:
        """A write session inside one transaction: committed on success, else rolled back."""
        return self.engine.transaction()

    _connect = connect  # the names used before the engine split
    _transaction = transaction

    def bump_data_version(self, con: Session) -> None:
        """Inside a write transaction: tell every process's caches that data changed."""
        con.execute(sql.BUMP_DATA_VERSION)

    @contextmanager
    def guarded(
        self, actor: Actor, action: Action, obj: str, reason: str | None = None
    ) -> Iterator[Session]:
        """A write transaction whose refusal (any :class:`StoreError`) is audited in its
        own small transaction after the write has rolled back."""
        self.ensure_schema()
        try:
            with self.transaction() as con:
                yield con
        except StoreError as exc:
            self.audit_refusal(actor, action, obj, str(exc), reason)
            raise

    def audit_refusal(
        self, actor: Actor, action: Action | str, obj: str, message: str, reason: str | None = None
    ) -> None:
        try:
            with self.transaction() as con:
                auth_sql.append_audit(
                    con,
                    user_id=actor.user_id or None,
                    user_name=actor.name,
                    method=actor.method,
                    action=str(action),
                    obj=obj,
                    reason=reason,
                    after={"message": message},
                    outcome="refused",
                )
        except StoreError:  # the database is busy or broken: the refusal itself stands
            pass

    # -- schema -------------------------------------------------------------------------
    @staticmethod
    def _schema_version(con: Session) -> int:
        if not first_row(con, sql.HAS_TABLE, ["meta"])[0]:  # type: ignore[index]
            return 0
        row = first_row(con, sql.META_GET, ["schema_version"])
        return int(row[0]) if row else 0

    def _newer(self, current: int) -> StoreError:
        return StoreError(
            f"数据库 {self.label} 的结构版本 {current} 比本程序（{SCHEMA_VERSION}）新，请升级 PlanTrack。"
        )

    def ensure_schema(self, kind: str = "real") -> None:
        """Create the database or run the migrations it lacks; ``kind`` marks demo databases.
        A read-only DuckDB file is left as it is (pages and read commands work on it)."""
        if self.engine.name == "duckdb" and self.exists() and not _writable(self.path):
            return
        if not self.engine.schema_checked():  # a login, a write: no opens when unchanged
            self.migrate(kind)
            self.engine.schema_current()

    def migrate(self, kind: str = "real") -> tuple[int, int]:
        """Run the missing migrations in one transaction; returns (version before, after)."""
        self.engine.prepare()
        with self.connect() as con:
            current = self._schema_version(con)
        if current > SCHEMA_VERSION:
            raise self._newer(current)
        if current == SCHEMA_VERSION:
            return current, current
        with self.transaction() as con:
            self.engine.lock_for_migration(con)
            current = self._schema_version(con)  # another process may have migrated meanwhile
            if current > SCHEMA_VERSION:
                raise self._newer(current)
            if current < SCHEMA_VERSION:
                con.execute(sql.META_TABLE)
                for statements in MIGRATIONS[current:]:
                    self.engine.run_migration(con, statements)
                con.execute(sql.META_UPSERT, ["schema_version", str(SCHEMA_VERSION)])
                con.execute(sql.META_INSERT_MISSING, ["kind", kind])
                con.execute(sql.META_INSERT_MISSING, ["data_version", "0"])
        return current, SCHEMA_VERSION

    def schema_version(self) -> int:
        with self.connect(read_only=True) as con:
            return self._schema_version(con)

    def meta(self, key: str) -> str | None:
        with self.connect(read_only=True) as con:
            row = first_row(con, sql.META_GET, [key])
        return row[0] if row else None

    def mark_demo(self) -> None:
        """Mark the database as holding synthetic demo data (every screen then says so)."""
        with self.connect() as con:
            con.execute(sql.MARK_DEMO)

    @property
    def is_demo(self) -> bool:
        return self.meta("kind") == "demo"

    def data_version(self) -> int:
        """Bumped by every load, so per-process caches know when to refresh."""
        return int(self.meta("data_version") or 0)

    def state(self) -> tuple[int, bool]:
        """``data_version`` and whether the data is the demo, in one read (the dashboard
        asks both on every run; each connection costs 10–50 ms)."""
        with self.connect(read_only=True) as con:
            rows = con.execute(sql.META_STATE).fetchall()
        values = {str(k): v for k, v in rows}
        return int(values.get("data_version") or 0), values.get("kind") == "demo"

    # -- loading ------------------------------------------------------------------------
    def load(
        self,
        rows: pd.DataFrame,
        *,
        actor: Actor,
        source: str,
        file_name: str | None = None,
        sha256: str | None = None,
        config_hash: str | None = None,
        reason: str | None = None,
        recorded_at: datetime | None = None,
        rollback_of: int | None = None,
        scope: Scope | None = None,
    ) -> LoadSummary:
        """Store a validated batch in one transaction.

        ``rows`` has columns indicator, area, period, period_end, value (NaN = tombstone),
        note. A row whose value equals the current one is counted unchanged and not stored,
        unless it brings a new, non-empty note: then it is stored as a revision with the same
        value and counted as ``noted`` (a note-only correction).
        An optional ``prev_revision`` column holds the revision each key had when the rows
        were checked (NA: none); if any differs from the stored one when the transaction
        runs, :class:`StaleCheckError` is raised and nothing is stored.

        ``actor`` must hold a live session with the right to load (checked with ``scope``
        — who owns each indicator, which periods are locked — in the same transaction as
        the write); the user name stored is the account's, never the caller's text.
        """
        df = self._prepare(rows)
        when = recorded_at or datetime.now()
        with self.guarded(actor, Action.LOAD, file_name or source, reason) as con:
            user = self._authorize_rows(con, actor, Action.LOAD, df, scope)
            summary = self._insert_batch(
                con, df, user, source, file_name, sha256, config_hash, reason, when, rollback_of
            )
            self._audit_batch(con, actor, user, Action.LOAD, summary, file_name, source, reason)
        self.engine.after_load(summary.stored)
        return summary

    @staticmethod
    def _authorize_rows(
        con: Session, actor: Actor, action: Action, df: pd.DataFrame, scope: Scope | None
    ) -> str:
        """The account name to record, after checking rights and locks for these rows."""
        if scope is None:
            owners, locks = None, set()
        else:
            keys = df[["indicator", "period"]].drop_duplicates()  # not a loop over every row
            owners = scope.owners_of(sorted(set(keys["indicator"])))
            pairs = set(zip(keys["indicator"], keys["period"], strict=True))
            locks = scope.locks_of(pairs)
        user = auth_sql.authorize(con, actor, action, owners=owners, locks=locks)
        return str(user["name"])

    @staticmethod
    def _audit_batch(
        con: Session,
        actor: Actor,
        user: str,
        action: Action,
        s: LoadSummary,
        file_name: str | None,
        source: str,
        reason: str | None,
        before: object = None,
    ) -> None:
        after: dict[str, object] = {"batch": s.batch_id, "new": s.new, "revised": s.revised}
        after |= {"unchanged": s.unchanged, "noted": s.noted, "file": file_name, "source": source}
        auth_sql.append_audit(
            con,
            user_id=actor.user_id or None,
            user_name=user,
            method=actor.method,
            action=str(action),
            obj=f"批次#{s.batch_id}",
            before=before,
            after=after,
            reason=reason,
        )

    @staticmethod
    def _prepare(rows: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in OBS_COLUMNS if c not in rows.columns]
        if missing:
            raise StoreError(f"内部错误：待入库数据缺少列 {missing}")
        df = rows[OBS_COLUMNS].copy()
        df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
        df["period_end"] = pd.to_datetime(df["period_end"]).dt.date
        if SEEN_COLUMN in rows.columns:
            seen = pd.to_numeric(rows[SEEN_COLUMN], errors="coerce")
            df["expected_revision"] = seen.astype("Int64")
        return df

    def _insert_batch(
        self,
        con: Session,
        df: pd.DataFrame,
        user: str,
        source: str,
        file_name: str | None,
        sha256: str | None,
        config_hash: str | None,
        reason: str | None,
        when: datetime,
        rollback_of: int | None,
    ) -> LoadSummary:
        self.engine.lock_for_batch(con)  # PostgreSQL: loaders one at a time from here to COMMIT
        if sha256 is not None:
            # checked inside the transaction: two loads of one file cannot both pass
            earlier = first_row(con, sql.LOADED_SHA, [sha256])
            if earlier:
                raise DuplicateFileError(
                    f"这个文件（sha256 {sha256[:12]}…）已经作为批次 {earlier[0]} 入库，未重复入库。"
                )
        checked = "expected_revision" in df.columns
        self.engine.stage_batch(con, df, checked)
        if checked:
            # inside the write transaction: no other load can come between this and COMMIT
            (stale,) = first_row(con, sql.STALE_COUNT)  # type: ignore[misc]
            if stale:
                raise StaleCheckError(
                    f"数据在检查后已被他人修改（{stale} 个数值），未入库。请重新检查后再上传。"
                )
        (batch_id,) = first_row(con, sql.NEXT_BATCH_ID)  # type: ignore[misc]
        counts = first_row(con, sql.BATCH_COUNTS)
        n_new, n_revised, n_unchanged, n_noted = (int(x) for x in counts)  # type: ignore[union-attr]
        con.execute(sql.INSERT_OBSERVATIONS, [int(batch_id), when, user, reason])
        con.execute(sql.DROP_STAGED)
        row = [int(batch_id), when, user, source, file_name, sha256, len(df), n_new, n_revised]
        con.execute(sql.INSERT_BATCH, [*row, n_unchanged, config_hash, reason, rollback_of])
        if rollback_of is not None:
            con.execute(sql.MARK_ROLLED_BACK, [rollback_of])
        self.bump_data_version(con)
        return LoadSummary(int(batch_id), n_new, n_revised, n_unchanged, n_noted)

    # -- reading ------------------------------------------------------------------------
    def current(
        self,
        as_of: date | None = None,
        known_on: date | None = None,
        indicators: list[str] | None = None,
        columns: Sequence[str] = CURRENT_COLUMNS,
        with_deleted: bool = False,
        approved_only: Scope | None = None,
        ordered: bool = True,
    ) -> pd.DataFrame:
        """Current values: the latest revision of each (indicator, area, period).

        ``as_of`` keeps periods that end by then; ``known_on`` keeps only revisions recorded
        by the end of that day, reproducing what was known when a report was issued.
        ``columns`` (a subset of CURRENT_COLUMNS) keeps large reads small. ``with_deleted``
        keeps keys whose latest revision is a tombstone, with a ``deleted`` column.
        ``approved_only`` (the workspace's :class:`Scope`) keeps only figures of approved
        department × periods, each at its latest revision recorded by the approval.
        ``ordered=False`` leaves the rows in no particular order (no sort of 1M rows).
        """
        unknown = set(columns) - set(CURRENT_COLUMNS)
        if unknown:
            raise StoreError(f"内部错误：未知的列 {sorted(unknown)}")
        if approved_only is not None:
            return self._approved(approved_only, as_of, columns)
        params: list[object] = []
        if known_on is not None:
            params += [end_of_day(known_on)] * 2  # the later revisions, the rows
        if indicators:
            params.extend(indicators)
        if as_of:
            params.append(as_of)
        query = sql.current(
            columns, with_deleted, known_on is not None, len(indicators or []), bool(as_of), ordered
        )
        with self.connect(read_only=True) as con:
            return read_frame(con, query, params)

    def _approved(self, scope: Scope, as_of: date | None, columns: Sequence[str]) -> pd.DataFrame:
        pairs = [(i, d) for i, ds in scope.leads.items() for d in ds]
        leads = pd.DataFrame(pairs, columns=["indicator", "department"])
        query = auth_sql.approved_current(columns, bool(as_of))
        params: list[object] = [auth_sql.APPROVED] + ([as_of] if as_of else [])
        with self.connect(read_only=True) as con:
            con.register("approved_leads", leads)
            return con.execute(query, params).df()

    def history(self, indicator: str, area: str | None = None) -> pd.DataFrame:
        """Every revision of an indicator (optionally one area), oldest first."""
        with self.connect(read_only=True) as con:
            return con.execute(sql.HISTORY, [indicator, area, area]).df()

    def batches(self) -> pd.DataFrame:
        with self.connect(read_only=True) as con:
            return con.execute(sql.BATCHES).df()

    def batch_for_sha(self, sha256: str) -> int | None:
        """The loaded batch that came from this exact file, if any."""
        with self.connect(read_only=True) as con:
            row = first_row(con, sql.LOADED_SHA, [sha256])
        return int(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        with self.connect(read_only=True) as con:
            obs, cur, bat = first_row(con, sql.COUNTS)  # type: ignore[misc]
        return {"observations": int(obs), "current": int(cur), "batches": int(bat)}

    # -- rollback -----------------------------------------------------------------------
    def rollback(
        self, batch_id: int, *, actor: Actor, reason: str, scope: Scope | None = None
    ) -> LoadSummary:
        """Undo a batch by a new batch that restores each value it changed.

        For every observation the batch wrote, the value before it (or a tombstone where
        there was none) becomes a new revision. Nothing is deleted.
        """
        from plantrack.store.task_updates import rollback_file_batch  # a task progress file?

        if (done := rollback_file_batch(self, batch_id, actor=actor, reason=reason)) is not None:
            return done
        with self.guarded(actor, Action.ROLLBACK, f"批次#{batch_id}", reason) as con:
            user = str(auth_sql.authorize(con, actor, Action.ROLLBACK)["name"])
            self.engine.lock_for_batch(con)
            # every check and read in the same write transaction as the restoring batch
            status = first_row(con, sql.BATCH_STATUS, [batch_id])
            if status is None:
                raise StoreError(
                    f"批次 {batch_id} 不存在。用 `python -m plantrack batches` 查看批次列表。"
                )
            if status[0] == "rolled_back":
                raise StoreError(f"批次 {batch_id} 已经回滚过。")
            (later,) = first_row(con, sql.REVISED_LATER, [batch_id])  # type: ignore[misc]
            if later:
                raise StoreError(
                    f"批次 {batch_id} 之后有 {later} 个数值又被修订过，不能整体回滚；"
                    "请先回滚之后的批次，或直接上报更正值。"
                )
            prior = con.execute(sql.BEFORE_BATCH, [batch_id]).df()
            if prior.empty:
                raise StoreError(f"批次 {batch_id} 没有写入任何数值，无需回滚。")
            prior.loc[prior["prev_deleted"].fillna(True).astype(bool), "value"] = float("nan")
            restore = self._prepare(prior)
            self._authorize_rows(con, actor, Action.ROLLBACK, restore, scope)
            summary = self._insert_batch(
                con,
                restore,
                user,
                "rollback",
                f"回滚批次 {batch_id}",
                None,
                None,
                reason,
                datetime.now(),
                batch_id,
            )
            before = {"batch": batch_id, "status": "loaded"}
            self._audit_batch(
                con, actor, user, Action.ROLLBACK, summary, None, "rollback", reason, before
            )
        self.engine.after_load(summary.stored)
        return summary
