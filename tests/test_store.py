"""The DuckDB store: revisions, tombstones, current view, vintages, rollback, atomic batches."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from plantrack.store import Store, StoreError


def rows(*items: tuple[str, str, str, float | None]) -> pd.DataFrame:
    from plantrack.periods import parse_period

    return pd.DataFrame(
        {
            "indicator": [i[0] for i in items],
            "area": [i[1] for i in items],
            "period": [i[2] for i in items],
            "period_end": [parse_period(i[2]).end for i in items],
            "value": [i[3] for i in items],
            "note": [None] * len(items),
        }
    )


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "t.duckdb")
    s.ensure_schema()
    return s


def file_digest(store: Store) -> str:
    return hashlib.sha256(store.path.read_bytes()).hexdigest()


def test_new_revised_unchanged_and_history(store):
    first = store.load(
        rows(("a", "x", "2023Q1", 1.0), ("a", "x", "2023Q2", 2.0)), user="u", source="t"
    )
    assert (first.new, first.revised, first.unchanged) == (2, 0, 0)
    second = store.load(
        rows(("a", "x", "2023Q1", 1.0), ("a", "x", "2023Q2", 2.5)),
        user="v",
        source="t",
        reason="更正",
    )
    assert (second.new, second.revised, second.unchanged) == (0, 1, 1)
    cur = store.current().set_index("period")
    assert cur.loc["2023Q2", "value"] == 2.5 and cur.loc["2023Q2", "revision"] == 2
    hist = store.history("a", "x")
    q2 = hist[hist["period"] == "2023Q2"]
    assert list(q2["value"]) == [2.0, 2.5]  # the earlier value stays readable
    assert list(q2["reason"].fillna("")) == ["", "更正"]


def test_tombstone_hides_value_and_keeps_history(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    s = store.load(rows(("a", "x", "2023Q1", None)), user="u", source="t", reason="删除")
    assert s.revised == 1
    assert store.current().empty
    assert store.history("a")["deleted"].tolist() == [False, True]


def test_known_on_reproduces_earlier_vintage(store):
    store.load(
        rows(("a", "x", "2023Q1", 1.0)), user="u", source="t", recorded_at=datetime(2023, 4, 20)
    )
    store.load(
        rows(("a", "x", "2023Q1", 1.7)), user="u", source="t", recorded_at=datetime(2023, 8, 1)
    )
    assert store.current(known_on=date(2023, 5, 1))["value"].tolist() == [1.0]
    assert store.current(known_on=date(2023, 8, 1))["value"].tolist() == [1.7]
    assert store.current(as_of=date(2022, 12, 31)).empty


def test_rollback_restores_previous_values_by_a_new_batch(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    b2 = store.load(
        rows(("a", "x", "2023Q1", 9.0), ("a", "x", "2023Q2", 3.0)), user="u", source="t"
    )
    r = store.rollback(b2.batch_id, user="admin", reason="误报")
    assert r.revised == 2
    cur = store.current()
    assert cur["value"].tolist() == [1.0] and cur["period"].tolist() == ["2023Q1"]
    assert store.counts()["observations"] == 5  # nothing deleted
    batches = store.batches().set_index("id")
    assert batches.loc[b2.batch_id, "status"] == "rolled_back"
    with pytest.raises(StoreError, match="已经回滚"):
        store.rollback(b2.batch_id, user="admin", reason="再次")


def test_rollback_refused_when_later_batches_revised_the_values(store):
    b1 = store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    store.load(rows(("a", "x", "2023Q1", 2.0)), user="u", source="t")
    with pytest.raises(StoreError, match="又被修订过"):
        store.rollback(b1.batch_id, user="u", reason="r")


def test_failing_batch_leaves_nothing(store, monkeypatch):
    store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    before = (store.counts(), store.data_version(), store.current().to_dict())

    import plantrack.store.store as mod

    def explode(*a, **k):
        raise RuntimeError("disk full")

    original = mod.Store._insert_batch

    def half_then_fail(self, con, df, *args):
        original(self, con, df, *args)  # everything written inside the transaction …
        explode()  # … then a crash before COMMIT

    monkeypatch.setattr(mod.Store, "_insert_batch", half_then_fail)
    with pytest.raises(RuntimeError):
        store.load(rows(("a", "x", "2023Q1", 5.0), ("a", "x", "2023Q2", 6.0)), user="u", source="t")
    monkeypatch.undo()
    assert (store.counts(), store.data_version(), store.current().to_dict()) == before


def test_killed_load_leaves_batch_wholly_out(tmp_path):
    """A process killed mid-load (os._exit inside the transaction) leaves nothing behind."""
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "k.duckdb"
    Store(db).ensure_schema()
    script = textwrap.dedent(
        f"""
        import os, pandas as pd
        from datetime import date
        import plantrack.store.store as mod
        from plantrack.store import Store
        original = mod.Store._insert_batch
        def die(self, con, df, *a):
            original(self, con, df, *a)
            os._exit(9)
        mod.Store._insert_batch = die
        df = pd.DataFrame({{"indicator": ["a"] * 1000, "area": ["x"] * 1000,
            "period": [str(2000 + i) for i in range(1000)],
            "period_end": [date(2000 + i % 100, 12, 31) for i in range(1000)],
            "value": [1.0] * 1000, "note": [None] * 1000}})
        Store({str(db)!r}).load(df, user="u", source="t")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=str(Path(__file__).parents[1]))
    assert proc.returncode == 9
    assert Store(db).counts() == {"observations": 0, "current": 0, "batches": 0}


def test_schema_version_newer_than_program_is_refused(store):
    import duckdb

    con = duckdb.connect(str(store.path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="请升级"):
        store.ensure_schema()


def test_lock_held_by_another_process_fails_within_timeout(tmp_path):
    import subprocess
    import sys
    import time

    db = tmp_path / "lock.duckdb"
    Store(db).ensure_schema()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        start = time.monotonic()
        with pytest.raises(StoreError, match="正被另一个程序占用"):
            Store(db, lock_timeout=1.0).counts()
        assert time.monotonic() - start < 10
    finally:
        holder.kill()
        holder.wait()
    assert Store(db).counts()["observations"] == 0


def test_same_file_twice_is_refused_inside_the_transaction(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t", sha256="ab" * 32)
    before = store.counts()
    with pytest.raises(StoreError, match="已经作为批次 1 入库"):
        store.load(rows(("a", "x", "2023Q1", 2.0)), user="u", source="t", sha256="ab" * 32)
    assert store.counts() == before


def test_load_refuses_values_changed_since_they_were_checked(store):
    """A ``prev_revision`` column (what the check saw) is compared inside the transaction."""
    from plantrack.store.store import StaleCheckError

    store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    checked = rows(("a", "x", "2023Q1", 1.5), ("a", "x", "2023Q2", 2.0))
    checked["prev_revision"] = pd.array([1, None], dtype="Int64")  # as seen by the check
    store.load(rows(("a", "x", "2023Q2", 7.0)), user="乙", source="t")  # meanwhile
    before = (store.counts(), store.data_version(), store.current().to_dict())
    with pytest.raises(
        StaleCheckError, match=r"已被他人修改（1 个数值），未入库。请重新检查后再上传。"
    ):
        store.load(checked, user="甲", source="t", reason="更正")
    assert (store.counts(), store.data_version(), store.current().to_dict()) == before
    checked["prev_revision"] = pd.array([1, 1], dtype="Int64")  # checked again
    s = store.load(checked, user="甲", source="t", reason="更正")
    assert (s.new, s.revised) == (0, 2)


def test_load_with_matching_revisions_and_tombstones_is_accepted(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    store.load(rows(("a", "x", "2023Q1", None)), user="u", source="t", reason="删除")
    latest = store.current(with_deleted=True)
    assert latest[["revision", "deleted"]].values.tolist() == [[2, True]]
    assert store.current().empty
    again = rows(("a", "x", "2023Q1", 3.0))
    again["prev_revision"] = pd.array([2], dtype="Int64")
    assert store.load(again, user="u", source="t").new == 1


def test_rollback_checks_later_revisions_in_its_own_write_transaction(store, monkeypatch):
    """Another load between the rollback's checks and its write cannot slip through: the
    checks, the reading of prior values and the restoring batch share one transaction."""
    b1 = store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    b2 = store.load(rows(("a", "x", "2023Q1", 9.0)), user="u", source="t")
    opened: list[bool] = []
    import plantrack.store.store as mod

    original = mod.connect

    def spy(path, read_only=False, timeout=8.0):
        opened.append(read_only)
        return original(path, read_only=read_only, timeout=timeout)

    monkeypatch.setattr(mod, "connect", spy)
    r = store.rollback(b2.batch_id, user="admin", reason="误报")
    monkeypatch.undo()
    assert opened[-1] is False and True not in opened  # no separate read-only look first
    assert r.revised == 1 and store.current()["value"].tolist() == [1.0]
    assert b1.batch_id not in set(store.batches().query("status == 'rolled_back'")["id"])


def test_rollback_refusal_leaves_nothing(store):
    b1 = store.load(rows(("a", "x", "2023Q1", 1.0)), user="u", source="t")
    store.load(rows(("a", "x", "2023Q1", 2.0)), user="u", source="t")
    before = (store.counts(), store.data_version(), store.batches().to_dict())
    with pytest.raises(StoreError, match="又被修订过"):
        store.rollback(b1.batch_id, user="u", reason="r")
    with pytest.raises(StoreError, match="不存在"):
        store.rollback(99, user="u", reason="r")
    assert (store.counts(), store.data_version(), store.batches().to_dict()) == before


def test_reading_a_missing_database_is_an_error_and_creates_nothing(tmp_path):
    path = tmp_path / "typo" / "nope.duckdb"
    for read in (Store(path).counts, Store(path).batches, Store(path).current):
        with pytest.raises(StoreError, match=r"数据库文件 .*nope\.duckdb 不存在。请检查 --db"):
            read()
    assert not path.parent.exists()
