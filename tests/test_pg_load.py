"""The PostgreSQL bulk-load path: a frame COPYed as one CSV block stores exactly what the
row-by-row COPY stored; staging by index look-up finds the same latest revisions as the
join + row_number() form (on both engines); statistics are refreshed after large loads and
left to autovacuum (told to act after 2 % changed) for small ones."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import psycopg
import pytest

from plantrack.store import Store, sql
from plantrack.store.engine_postgres import ANALYZE_SHARE, PGSession, _python_rows
from plantrack.store.pg_copy import copy_csv
from tests.conftest import act_as
from tests.test_store import rows

AWKWARD_TEXT = [
    "普通",
    "",
    "\\N",
    'say "hi", ok',
    "line\nbreak\r\n",
    "tab\there",
    "back\\slash",
    None,
]


def _awkward_frame() -> pd.DataFrame:
    n = len(AWKWARD_TEXT)
    return pd.DataFrame(
        {
            "text": pd.Series(AWKWARD_TEXT, dtype="str"),
            "obj_text": pd.Series(AWKWARD_TEXT, dtype=object),
            "value": [0.1, 1 / 3, -0.0, 5e-324, 1.7976931348623157e308, np.inf, np.nan, 1e-7],
            "small": np.array([0.1, 1.5, 2, 3, 4, 5, 6, 7], dtype="float32"),
            "count": pd.array([1, None, -3, 2**40, 0, 5, 6, 7], dtype="Int64"),
            "plain_int": np.arange(n, dtype="int32"),
            "flag": pd.array([True, False, None, True, True, False, True, False], dtype="boolean"),
            "day": [dt.date(2025, 12, 31), None, dt.date(1, 1, 1)] + [dt.date(2024, 2, 29)] * 5,
            "at": pd.to_datetime(
                ["2026-01-15 10:00:00.123456", None] + ["2026-01-15 00:00:00.000000"] * 6
            ),
            "at_tz": pd.to_datetime(["2026-01-15 10:00:00"] * n).tz_localize("Asia/Shanghai"),
            "nothing": [None] * n,
        }
    )


def _table(conn: psycopg.Connection, name: str) -> list[tuple[object, ...]]:
    return conn.execute(f"SELECT * FROM pg_temp.{name}").fetchall()


def test_block_copy_stores_what_row_by_row_copy_stored(pg_url):
    frame = _awkward_frame()
    assert copy_csv(frame) is not None  # this frame takes the block path
    with psycopg.connect(pg_url, autocommit=True) as conn, conn.transaction():
        session = PGSession(conn)
        session.register("block", frame)
        # the former path: the same temporary table, one write_row per row
        conn.execute("CREATE TEMP TABLE by_row (LIKE pg_temp.block)")
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        with conn.cursor() as cur, cur.copy(f"COPY by_row ({cols}) FROM STDIN") as copy:
            for row in _python_rows(frame):
                copy.write_row(row)
        block, by_row = _table(conn, "block"), _table(conn, "by_row")
    assert len(block) == len(frame)
    assert block == by_row
    texts = [r[0] for r in block]
    assert texts == AWKWARD_TEXT  # "" stays an empty string, None is NULL, "\N" is text
    assert [r[2] for r in block][:3] == [0.1, 1 / 3, -0.0]


def test_frames_the_block_writer_cannot_take_fall_back_to_rows(pg_url):
    frame = pd.DataFrame({"blob": [b"\x00\x01", None], "mixed": ["a", 1]})
    assert copy_csv(frame) is None
    with psycopg.connect(pg_url, autocommit=True) as conn, conn.transaction():
        PGSession(conn).register("fallback", frame)
        assert _table(conn, "fallback") == [(b"\x00\x01", "a"), (None, "1")]


@pytest.fixture
def loaded(any_db: str) -> Store:
    """Keys with several revisions, a tombstone, a note, and keys never stored."""
    store = Store(any_db)
    store.ensure_schema()
    actor = act_as(store)
    store.load(rows(("a", "x", "2023Q1", 1.0), ("a", "y", "2023Q1", 2.0)), actor=actor, source="t")
    store.load(rows(("a", "x", "2023Q1", 1.5), ("a", "y", "2023Q1", None)), actor=actor, source="t")
    noted = rows(("a", "x", "2023Q1", 1.5), ("b", "x", "2023Q2", 3.0))
    noted["note"] = ["口径调整", None]
    store.load(noted, actor=actor, source="t")
    return store


def test_staging_by_look_up_matches_staging_by_join(loaded):
    incoming = rows(
        ("a", "x", "2023Q1", 1.5),  # three revisions, the last a note-only one
        ("a", "y", "2023Q1", 4.0),  # latest is a tombstone
        ("b", "x", "2023Q2", 3.0),
        ("b", "x", "2023Q2", 3.5),  # the same key twice in one batch
        ("c", "z", "2023Q3", 9.0),  # never stored
    )
    incoming["period_end"] = pd.to_datetime(incoming["period_end"]).dt.date
    staged = {}
    with loaded.transaction() as con:
        con.register("incoming", incoming)
        for lookup in (False, True):
            con.execute(sql.stage_batch(False, lookup=lookup))
            staged[lookup] = con.execute(
                "SELECT * FROM staged ORDER BY indicator, area, period, value"
            ).df()
            con.execute(sql.DROP_STAGED)
        con.unregister("incoming")
    pd.testing.assert_frame_equal(staged[True], staged[False])
    latest = staged[True].set_index(["indicator", "area"])
    assert latest.loc[("a", "x"), "prev_revision"] == 3
    assert latest.loc[("a", "x"), "prev_note"] == "口径调整"
    assert bool(latest.loc[("a", "y"), "prev_deleted"])
    assert pd.isna(latest.loc[("c", "z"), "prev_revision"])


def _reltuples(url: str) -> float:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'observations'")
        return float(row.fetchone()[0])  # type: ignore[index]


def test_statistics_after_large_loads_autovacuum_after_small_ones(pg_url):
    store = Store(pg_url)
    store.migrate()
    actor = act_as(store)
    with psycopg.connect(pg_url) as conn:
        (options,) = conn.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'observations'"
        ).fetchone()  # type: ignore[misc]
    assert "autovacuum_analyze_scale_factor=0.02" in options
    first = [("i", f"a{n:03d}", "2023Q1", float(n)) for n in range(100)]
    store.load(rows(*first), actor=actor, source="t")
    assert _reltuples(pg_url) == 100  # a new table: analysed at once
    small = [("j", f"a{n:03d}", "2023Q1", float(n)) for n in range(int(100 * ANALYZE_SHARE) - 5)]
    store.load(rows(*small), actor=actor, source="t")
    assert _reltuples(pg_url) == 100  # under the share: left to autovacuum
    large = [("k", f"a{n:03d}", "2023Q1", float(n)) for n in range(20)]
    store.load(rows(*large), actor=actor, source="t")
    assert _reltuples(pg_url) == 100 + len(small) + len(large)
