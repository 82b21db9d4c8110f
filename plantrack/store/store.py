"""The store's operations. All SQL of PlanTrack lives in this package.

Observations are never updated in place: a changed value is a new revision, a deletion a
tombstone (``deleted``), and a rollback a new batch restoring earlier revisions. Every load is
one transaction, so a crash leaves a batch wholly in or wholly out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from plantrack.store.connection import DuplicateFileError, StoreError, connect
from plantrack.store.schema import MIGRATIONS, SCHEMA_VERSION


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, fully fetched (DuckDB 2 refuses new work on a connection
    with an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


CURRENT_COLUMNS = (
    "indicator",
    "area",
    "period",
    "period_end",
    "value",
    "revision",
    "batch_id",
    "recorded_at",
    "user_name",
    "note",
)
OBS_COLUMNS = ["indicator", "area", "period", "period_end", "value", "note"]
SEEN_COLUMN = "prev_revision"  # optional in load(): the revision the upload check saw


class StaleCheckError(StoreError):
    """Values changed between the upload check and the load (nothing was stored)."""


def missing_database(path: Path) -> StoreError:
    return StoreError(
        f"数据库文件 {path} 不存在。请检查 --db / PLANTRACK_DB，"
        f"或用 `python -m plantrack --db {path} init-demo` 创建示例库。"
    )


@dataclass(frozen=True)
class LoadSummary:
    batch_id: int
    new: int
    revised: int
    unchanged: int

    @property
    def stored(self) -> int:
        return self.new + self.revised


class Store:
    """A PlanTrack database file. Cheap to construct; every call opens and closes it."""

    def __init__(self, path: str | Path, lock_timeout: float = 8.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    # -- schema -------------------------------------------------------------------------
    def _connect(self, read_only: bool = False):
        """A connection; reading never creates the file (a mistyped path is an error)."""
        if read_only and not self.path.exists():
            raise missing_database(self.path)
        return connect(self.path, read_only=read_only, timeout=self.lock_timeout)

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection inside one transaction: committed on success, else rolled back."""
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def ensure_schema(self, kind: str = "real") -> None:
        """Create the file or run the migrations it lacks; ``kind`` marks demo databases."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with connect(self.path, timeout=self.lock_timeout) as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
            )
            row = first_row(con, "SELECT value FROM meta WHERE key = 'schema_version'")
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"数据库 {self.path.name} 的结构版本 {current} 比本程序（{SCHEMA_VERSION}）新，请升级 PlanTrack。"
                )
            if current == SCHEMA_VERSION:
                return
            con.execute("BEGIN TRANSACTION")
            for statements in MIGRATIONS[current:]:
                for sql in statements:
                    con.execute(sql)
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [str(SCHEMA_VERSION)],
            )
            con.execute("INSERT INTO meta VALUES ('kind', ?) ON CONFLICT (key) DO NOTHING", [kind])
            con.execute(
                "INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING"
            )
            con.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        with self._connect(read_only=True) as con:
            row = first_row(con, "SELECT value FROM meta WHERE key = ?", [key])
        return row[0] if row else None

    def mark_demo(self) -> None:
        """Mark the file as holding synthetic demo data (every screen then says so)."""
        with self._connect() as con:
            con.execute("UPDATE meta SET value = 'demo' WHERE key = 'kind'")

    @property
    def is_demo(self) -> bool:
        return self.meta("kind") == "demo"

    def data_version(self) -> int:
        """Bumped by every load, so per-process caches know when to refresh."""
        return int(self.meta("data_version") or 0)

    # -- loading ------------------------------------------------------------------------
    def load(
        self,
        rows: pd.DataFrame,
        *,
        user: str,
        source: str,
        file_name: str | None = None,
        sha256: str | None = None,
        config_hash: str | None = None,
        reason: str | None = None,
        recorded_at: datetime | None = None,
        rollback_of: int | None = None,
    ) -> LoadSummary:
        """Store a validated batch in one transaction.

        ``rows`` has columns indicator, area, period, period_end, value (NaN = tombstone),
        note. A row whose value equals the current one is counted unchanged and not stored.
        An optional ``prev_revision`` column holds the revision each key had when the rows
        were checked (NA: none); if any differs from the stored one when the transaction
        runs, :class:`StaleCheckError` is raised and nothing is stored.
        """
        df = self._prepare(rows)
        self.ensure_schema()
        when = recorded_at or datetime.now()
        with self._transaction() as con:
            return self._insert_batch(
                con, df, user, source, file_name, sha256, config_hash, reason, when, rollback_of
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
        con: duckdb.DuckDBPyConnection,
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
        if sha256 is not None:
            # checked inside the transaction: two loads of one file cannot both pass
            earlier = first_row(
                con, "SELECT id FROM batches WHERE sha256 = ? AND status = 'loaded'", [sha256]
            )
            if earlier:
                raise DuplicateFileError(
                    f"这个文件（sha256 {sha256[:12]}…）已经作为批次 {earlier[0]} 入库，未重复入库。"
                )
        checked = "expected_revision" in df.columns
        con.register("incoming", df)
        con.execute(
            f"""CREATE TEMP TABLE staged AS
            SELECT i.indicator, i.area, i.period, i.period_end, i.value, i.note,
                   {"i.expected_revision," if checked else ""}
                   c.revision AS prev_revision, c.value AS prev_value, c.deleted AS prev_deleted
            FROM incoming i
            LEFT JOIN (
                SELECT indicator, area, period, value, revision, deleted FROM (
                    SELECT indicator, area, period, value, revision, deleted, row_number() OVER (
                        PARTITION BY indicator, area, period ORDER BY revision DESC) AS rn
                    FROM observations) AS r WHERE rn = 1
            ) c USING (indicator, area, period)"""
        )
        con.unregister("incoming")
        if checked:
            # inside the write transaction: no other load can come between this and COMMIT
            (stale,) = first_row(
                con,
                "SELECT count(*) FROM staged WHERE expected_revision IS DISTINCT FROM prev_revision",
            )  # type: ignore[misc]
            if stale:
                raise StaleCheckError(
                    f"数据在检查后已被他人修改（{stale} 个数值），未入库。请重新检查后再上传。"
                )
        (batch_id,) = first_row(con, "SELECT nextval('batch_seq')")  # type: ignore[misc]
        counts = first_row(
            con,
            """SELECT
                count(*) FILTER (WHERE prev_revision IS NULL OR (prev_deleted AND value IS NOT NULL)),
                count(*) FILTER (WHERE prev_revision IS NOT NULL AND NOT prev_deleted
                                 AND value IS DISTINCT FROM prev_value),
                count(*) FILTER (WHERE prev_revision IS NOT NULL AND (
                    (NOT prev_deleted AND value IS NOT DISTINCT FROM prev_value)
                    OR (prev_deleted AND value IS NULL)))
            FROM staged""",
        )
        n_new, n_revised, n_unchanged = (int(x) for x in counts)  # type: ignore[union-attr]
        con.execute(
            """INSERT INTO observations
            SELECT indicator, area, period, period_end, value,
                   coalesce(prev_revision, 0) + 1, value IS NULL, ?, ?, ?, ?, note
            FROM staged
            WHERE prev_revision IS NULL AND value IS NOT NULL
               OR prev_revision IS NOT NULL AND NOT (
                    (NOT prev_deleted AND value IS NOT DISTINCT FROM prev_value)
                    OR (prev_deleted AND value IS NULL))""",
            [batch_id, when, user, reason],
        )
        con.execute("DROP TABLE staged")
        con.execute(
            "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?)",
            [
                batch_id,
                when,
                user,
                source,
                file_name,
                sha256,
                len(df),
                n_new,
                n_revised,
                n_unchanged,
                config_hash,
                reason,
                rollback_of,
            ],
        )
        if rollback_of is not None:
            con.execute("UPDATE batches SET status = 'rolled_back' WHERE id = ?", [rollback_of])
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) WHERE key = 'data_version'"
        )
        return LoadSummary(int(batch_id), n_new, n_revised, n_unchanged)

    # -- reading ------------------------------------------------------------------------
    def current(
        self,
        as_of: date | None = None,
        known_on: date | None = None,
        indicators: list[str] | None = None,
        columns: Sequence[str] = CURRENT_COLUMNS,
        with_deleted: bool = False,
    ) -> pd.DataFrame:
        """Current values: the latest revision of each (indicator, area, period).

        ``as_of`` keeps periods that end by then; ``known_on`` keeps only revisions recorded
        by the end of that day, reproducing what was known when a report was issued.
        ``columns`` (a subset of CURRENT_COLUMNS) keeps large reads small. ``with_deleted``
        keeps keys whose latest revision is a tombstone, with a ``deleted`` column.
        """
        unknown = set(columns) - set(CURRENT_COLUMNS)
        if unknown:
            raise StoreError(f"内部错误：未知的列 {sorted(unknown)}")
        cols = ", ".join([*columns, "deleted"] if with_deleted else columns)
        inner = ", ".join(dict.fromkeys([*columns, "period_end", "deleted"]))
        where = ["TRUE"]
        params: list[object] = []
        if known_on is not None:
            where.append("recorded_at < CAST(? AS DATE) + INTERVAL 1 DAY")
            params.append(known_on)
        if indicators:
            where.append("indicator IN (SELECT unnest(?))")
            params.append(indicators)
        outer = ["rn = 1"] if with_deleted else ["rn = 1", "NOT deleted"]
        if as_of:
            outer.append("period_end <= ?")
            params.append(as_of)
        sql = f"""SELECT {cols}
                  FROM (SELECT {inner}, row_number() OVER (
                            PARTITION BY indicator, area, period ORDER BY revision DESC) AS rn
                        FROM observations WHERE {" AND ".join(where)}) AS r
                  WHERE {" AND ".join(outer)}
                  ORDER BY indicator, area, period_end"""
        with self._connect(read_only=True) as con:
            return con.execute(sql, params).df()

    def history(self, indicator: str, area: str | None = None) -> pd.DataFrame:
        """Every revision of an indicator (optionally one area), oldest first."""
        sql = """SELECT o.indicator, o.area, o.period, o.value, o.revision, o.deleted,
                        o.batch_id, o.recorded_at, o.user_name, o.reason, o.note, b.file_name
                 FROM observations o JOIN batches b ON b.id = o.batch_id
                 WHERE o.indicator = ? AND (? IS NULL OR o.area = ?)
                 ORDER BY o.area, o.period_end, o.revision"""
        with self._connect(read_only=True) as con:
            return con.execute(sql, [indicator, area, area]).df()

    def batches(self) -> pd.DataFrame:
        with self._connect(read_only=True) as con:
            return con.execute("SELECT * FROM batches ORDER BY id DESC").df()

    def batch_for_sha(self, sha256: str) -> int | None:
        """The loaded batch that came from this exact file, if any."""
        with self._connect(read_only=True) as con:
            row = first_row(
                con,
                "SELECT id FROM batches WHERE sha256 = ? AND status = 'loaded' ORDER BY id LIMIT 1",
                [sha256],
            )
        return int(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        with self._connect(read_only=True) as con:
            obs, cur, bat = first_row(
                con,
                """SELECT (SELECT count(*) FROM observations),
                          (SELECT count(*) FROM current_observations),
                          (SELECT count(*) FROM batches)""",
            )  # type: ignore[misc]
        return {"observations": obs, "current": cur, "batches": bat}

    # -- rollback -----------------------------------------------------------------------
    def rollback(self, batch_id: int, *, user: str, reason: str) -> LoadSummary:
        """Undo a batch by a new batch that restores each value it changed.

        For every observation the batch wrote, the value before it (or a tombstone where
        there was none) becomes a new revision. Nothing is deleted.
        """
        self.ensure_schema()
        with self._transaction() as con:
            # every check and read in the same write transaction as the restoring batch
            status = first_row(con, "SELECT status FROM batches WHERE id = ?", [batch_id])
            if status is None:
                raise StoreError(
                    f"批次 {batch_id} 不存在。用 `python -m plantrack batches` 查看批次列表。"
                )
            if status[0] == "rolled_back":
                raise StoreError(f"批次 {batch_id} 已经回滚过。")
            (later,) = first_row(
                con,
                """SELECT count(*) FROM observations o JOIN observations n
                   ON n.indicator = o.indicator AND n.area = o.area AND n.period = o.period
                  AND n.revision > o.revision
                   WHERE o.batch_id = ?""",
                [batch_id],
            )  # type: ignore[misc]
            if later:
                raise StoreError(
                    f"批次 {batch_id} 之后有 {later} 个数值又被修订过，不能整体回滚；"
                    "请先回滚之后的批次，或直接上报更正值。"
                )
            prior = con.execute(
                """SELECT o.indicator, o.area, o.period, o.period_end,
                          p.value AS value, p.deleted AS prev_deleted, p.note AS note
                   FROM observations o
                   LEFT JOIN observations p ON p.indicator = o.indicator AND p.area = o.area
                        AND p.period = o.period AND p.revision = o.revision - 1
                   WHERE o.batch_id = ?""",
                [batch_id],
            ).df()
            if prior.empty:
                raise StoreError(f"批次 {batch_id} 没有写入任何数值，无需回滚。")
            prior.loc[prior["prev_deleted"].fillna(True).astype(bool), "value"] = float("nan")
            return self._insert_batch(
                con,
                self._prepare(prior),
                user,
                "rollback",
                f"回滚批次 {batch_id}",
                None,
                None,
                reason,
                datetime.now(),
                batch_id,
            )
