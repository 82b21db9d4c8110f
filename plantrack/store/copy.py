"""Copy a whole PlanTrack database to another one, on either engine (``python -m plantrack copy``).

A district that outgrows its DuckDB file moves to PostgreSQL with
``copy --from data/plantrack.duckdb --to postgresql://…``. Every table is copied inside one
transaction on the target, so a failure leaves the target as it was. The target is brought to
this program's schema first and must be empty unless ``replace`` is given (then its rows are
deleted in the same transaction). Sequences continue after the copied ids; the target's
``data_version`` moves past both databases' so every cache refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass

from plantrack.store import sql
from plantrack.store.engine import Session
from plantrack.store.errors import StoreError
from plantrack.store.schema import SCHEMA_VERSION
from plantrack.store.store import Store, first_row

# information_schema.columns.data_type values that CAST(… AS type) accepts on both engines
_CASTABLE = {
    "VARCHAR": "VARCHAR",
    "character varying": "VARCHAR",
    "text": "VARCHAR",
    "INTEGER": "INTEGER",
    "integer": "INTEGER",
    "BIGINT": "BIGINT",
    "bigint": "BIGINT",
    "SMALLINT": "SMALLINT",
    "smallint": "SMALLINT",
    "DOUBLE": "DOUBLE PRECISION",
    "double precision": "DOUBLE PRECISION",
    "FLOAT": "REAL",
    "real": "REAL",
    "BOOLEAN": "BOOLEAN",
    "boolean": "BOOLEAN",
    "DATE": "DATE",
    "date": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "timestamp without time zone": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "timestamp with time zone": "TIMESTAMPTZ",
}
_COLUMNS = (
    "SELECT column_name, data_type FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
)
_SKIP_META = ("schema_version", "data_version")


@dataclass(frozen=True)
class CopySummary:
    rows: dict[str, int]  # table → rows copied
    data_version: int


def _columns(con: Session, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(_COLUMNS, [table]).fetchall()]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_count(con: Session, table: str) -> int:
    (n,) = first_row(con, f"SELECT count(*) FROM {_quoted(table)}")  # type: ignore[misc]
    return int(n)


def copy_database(source: Store, target: Store, replace: bool = False) -> CopySummary:
    """Copy every table of ``source`` into ``target`` in one transaction on the target."""
    if source.url == target.url:
        raise StoreError("源数据库和目标数据库相同，无需复制。")
    if not source.exists():
        raise source.engine.missing()
    src_version = source.schema_version()
    if src_version > SCHEMA_VERSION:
        raise StoreError(
            f"源数据库 {source.label} 的结构版本 {src_version} 比本程序（{SCHEMA_VERSION}）新，请升级 PlanTrack。"
        )
    if src_version < SCHEMA_VERSION:
        raise StoreError(
            f"源数据库 {source.label} 的结构版本 {src_version} 较旧；"
            f"请先运行 `python -m plantrack --db {source.label} migrate`。"
        )
    target.migrate()
    with source.connect(read_only=True) as src:
        tables = [t for t in source.engine.tables(src) if t != "meta"]
        src_meta = dict(src.execute("SELECT key, value FROM meta").fetchall())
        src_sequences = source.engine.sequences(src)
    copied: dict[str, int] = {}
    with target.transaction() as dst:
        target.engine.lock_for_batch(dst)
        have = set(target.engine.tables(dst))
        lacking = [t for t in tables if t not in have]
        if lacking:
            raise StoreError(f"目标数据库 {target.label} 缺少表 {lacking}，未复制。")
        filled = {t: n for t in tables if (n := _row_count(dst, t))}
        if filled and not replace:
            listing = "，".join(f"{t} {n} 行" for t, n in filled.items())
            raise StoreError(
                f"目标数据库 {target.label} 已有数据（{listing}），未复制。"
                "确认要覆盖时加 --replace（目标中的这些数据将被删除）。"
            )
        for table in tables:
            if replace:
                # TRUNCATE, not DELETE: PostgreSQL's append-only trigger on audit refuses
                # row deletes; replacing a whole database replaces its audit chain too
                dst.execute(f"TRUNCATE {_quoted(table)}")
            copied[table] = _copy_table(source, dst, table)
        for key, value in src_meta.items():
            if key not in _SKIP_META:
                dst.execute(sql.META_UPSERT, [key, value])
        version = max(int(src_meta.get("data_version", 0)), _data_version(dst)) + 1
        dst.execute(sql.META_UPSERT, ["data_version", str(version)])
        target.engine.seal(dst)  # same-sized data can leave the batch count unchanged
        targets = target.engine.sequences(dst)
        for name, next_value in src_sequences.items():
            if name in targets and next_value > targets[name]:
                target.engine.set_sequence(dst, name, next_value)
    target.engine.after_load(copied.get("observations", 0))
    return CopySummary(copied, version)


def _data_version(con: Session) -> int:
    row = first_row(con, sql.META_GET, ["data_version"])
    return int(row[0]) if row else 0


def _copy_table(source: Store, dst: Session, table: str) -> int:
    with source.connect(read_only=True) as src:
        src_cols = [c for c, _ in _columns(src, table)]
        frame = src.execute(
            f"SELECT {', '.join(_quoted(c) for c in src_cols)} FROM {_quoted(table)}"
        ).df()
    if frame.empty:
        return 0
    dst_cols = _columns(dst, table)
    missing = [c for c, _ in dst_cols if c not in frame.columns]
    if missing:
        raise StoreError(f"源数据库的表 {table} 缺少列 {missing}，未复制。")
    names = ", ".join(_quoted(c) for c, _ in dst_cols)
    values = ", ".join(
        f"CAST({_quoted(c)} AS {_CASTABLE[t]})" if t in _CASTABLE else _quoted(c)
        for c, t in dst_cols
    )
    dst.register("incoming", frame[[c for c, _ in dst_cols]])
    dst.execute(f"INSERT INTO {_quoted(table)} ({names}) SELECT {values} FROM incoming")
    dst.unregister("incoming")
    return len(frame)
