"""The store's contract, run on both engines (DuckDB file, PostgreSQL database): load, revisions,
tombstones, current and vintages, rollback, atomic batches, data_version, task updates."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from plantrack.store import Store, StoreError
from plantrack.store.task_updates import (
    all_updates,
    count_updates,
    latest_in,
    latest_updates,
    record_updates,
    task_history,
)
from tests.conftest import act_as
from tests.test_store import rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(any_db: str) -> Store:
    s = Store(any_db)
    s.ensure_schema()
    return s


def test_new_revised_unchanged_and_history(store):
    first = store.load(
        rows(("a", "x", "2023Q1", 1.0), ("a", "x", "2023Q2", 2.0)), actor=act_as(store), source="t"
    )
    assert (first.new, first.revised, first.unchanged) == (2, 0, 0)
    second = store.load(
        rows(("a", "x", "2023Q1", 1.0), ("a", "x", "2023Q2", 2.5)),
        actor=act_as(store),
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
    store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    s = store.load(rows(("a", "x", "2023Q1", None)), actor=act_as(store), source="t", reason="删除")
    assert s.revised == 1
    assert store.current().empty
    assert store.history("a")["deleted"].tolist() == [False, True]


def test_known_on_reproduces_earlier_vintage(store):
    store.load(
        rows(("a", "x", "2023Q1", 1.0)),
        actor=act_as(store),
        source="t",
        recorded_at=datetime(2023, 4, 20),
    )
    store.load(
        rows(("a", "x", "2023Q1", 1.7)),
        actor=act_as(store),
        source="t",
        recorded_at=datetime(2023, 8, 1),
    )
    assert store.current(known_on=date(2023, 5, 1))["value"].tolist() == [1.0]
    assert store.current(known_on=date(2023, 8, 1))["value"].tolist() == [1.7]
    assert store.current(as_of=date(2022, 12, 31)).empty


def test_rollback_restores_previous_values_by_a_new_batch(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    b2 = store.load(
        rows(("a", "x", "2023Q1", 9.0), ("a", "x", "2023Q2", 3.0)), actor=act_as(store), source="t"
    )
    r = store.rollback(b2.batch_id, actor=act_as(store), reason="误报")
    assert r.revised == 2
    cur = store.current()
    assert cur["value"].tolist() == [1.0] and cur["period"].tolist() == ["2023Q1"]
    assert store.counts()["observations"] == 5  # nothing deleted
    batches = store.batches().set_index("id")
    assert batches.loc[b2.batch_id, "status"] == "rolled_back"
    with pytest.raises(StoreError, match="已经回滚"):
        store.rollback(b2.batch_id, actor=act_as(store), reason="再次")


def test_rollback_refused_when_later_batches_revised_the_values(store):
    b1 = store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    store.load(rows(("a", "x", "2023Q1", 2.0)), actor=act_as(store), source="t")
    with pytest.raises(StoreError, match="又被修订过"):
        store.rollback(b1.batch_id, actor=act_as(store), reason="r")


def test_failing_batch_leaves_nothing(store, monkeypatch):
    store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
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
        store.load(
            rows(("a", "x", "2023Q1", 5.0), ("a", "x", "2023Q2", 6.0)),
            actor=act_as(store),
            source="t",
        )
    monkeypatch.undo()
    assert (store.counts(), store.data_version(), store.current().to_dict()) == before


def test_same_file_twice_is_refused_inside_the_transaction(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t", sha256="ab" * 32)
    before = store.counts()
    with pytest.raises(StoreError, match="已经作为批次 1 入库"):
        store.load(
            rows(("a", "x", "2023Q1", 2.0)), actor=act_as(store), source="t", sha256="ab" * 32
        )
    assert store.counts() == before


def test_load_refuses_values_changed_since_they_were_checked(store):
    """A ``prev_revision`` column (what the check saw) is compared inside the transaction."""
    from plantrack.store.store import StaleCheckError

    store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    checked = rows(("a", "x", "2023Q1", 1.5), ("a", "x", "2023Q2", 2.0))
    checked["prev_revision"] = pd.array([1, None], dtype="Int64")  # as seen by the check
    store.load(rows(("a", "x", "2023Q2", 7.0)), actor=act_as(store), source="t")  # meanwhile
    before = (store.counts(), store.data_version(), store.current().to_dict())
    with pytest.raises(
        StaleCheckError, match=r"已被他人修改（1 个数值），未入库。请重新检查后再上传。"
    ):
        store.load(checked, actor=act_as(store), source="t", reason="更正")
    assert (store.counts(), store.data_version(), store.current().to_dict()) == before
    checked["prev_revision"] = pd.array([1, 1], dtype="Int64")  # checked again
    s = store.load(checked, actor=act_as(store), source="t", reason="更正")
    assert (s.new, s.revised) == (0, 2)


def test_load_with_matching_revisions_and_tombstones_is_accepted(store):
    store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    store.load(rows(("a", "x", "2023Q1", None)), actor=act_as(store), source="t", reason="删除")
    latest = store.current(with_deleted=True)
    assert latest[["revision", "deleted"]].values.tolist() == [[2, True]]
    assert store.current().empty
    again = rows(("a", "x", "2023Q1", 3.0))
    again["prev_revision"] = pd.array([2], dtype="Int64")
    assert store.load(again, actor=act_as(store), source="t").new == 1


def test_rollback_refusal_leaves_nothing(store):
    b1 = store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    store.load(rows(("a", "x", "2023Q1", 2.0)), actor=act_as(store), source="t")
    before = (store.counts(), store.data_version(), store.batches().to_dict())
    with pytest.raises(StoreError, match="又被修订过"):
        store.rollback(b1.batch_id, actor=act_as(store), reason="r")
    with pytest.raises(StoreError, match="不存在"):
        store.rollback(99, actor=act_as(store), reason="r")
    assert (store.counts(), store.data_version(), store.batches().to_dict()) == before


def test_killed_load_leaves_batch_wholly_out(store):
    """A process killed mid-load (os._exit inside the transaction) leaves nothing behind."""
    a = act_as(store)
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
        from plantrack.auth.actor import Actor
        actor = Actor({a.user_id}, {a.name!r}, {a.name!r}, {a.role!r}, (), "cli", {a.token!r})
        Store({store.url!r}).load(df, actor=actor, source="t")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=str(ROOT))
    assert proc.returncode == 9
    assert store.counts() == {"observations": 0, "current": 0, "batches": 0}
    assert store.data_version() == 0


def test_schema_version_newer_than_program_is_refused(store):
    with store.connect() as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="请升级"):
        store.ensure_schema()


def test_migrate_is_idempotent_and_reports_versions(any_db):
    from plantrack.store.schema import SCHEMA_VERSION

    s = Store(any_db)
    assert s.migrate() == (0, SCHEMA_VERSION)
    assert s.migrate() == (SCHEMA_VERSION, SCHEMA_VERSION)
    assert s.exists() and s.meta("kind") == "real" and s.data_version() == 0


def test_data_version_moves_with_every_write_and_only_then(store):
    v0 = store.data_version()
    store.current(), store.batches(), store.counts(), store.history("a")
    assert store.data_version() == v0
    b = store.load(rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t")
    assert store.data_version() == v0 + 1
    store.load(
        rows(("a", "x", "2023Q1", 1.0)), actor=act_as(store), source="t"
    )  # unchanged: still a batch
    assert store.data_version() == v0 + 2
    store.rollback(b.batch_id, actor=act_as(store), reason="r")
    assert store.data_version() == v0 + 3
    assert store.state() == (v0 + 3, False)  # the version and the demo flag in one read
    store.mark_demo()
    assert store.state() == (store.data_version(), True) and store.is_demo


def test_current_filters_columns_and_dtypes(store):
    store.load(
        rows(("a", "x", "2023Q1", 1.0), ("b", "x", "2023Q1", 2.0), ("a", "y", "2024Q1", 3.0)),
        actor=act_as(store),
        source="t",
        recorded_at=datetime(2024, 5, 1, 9, 30),
    )
    cur = store.current(as_of=date(2023, 12, 31), indicators=["a"], columns=["area", "value"])
    assert cur.to_dict("list") == {"area": ["x"], "value": [1.0]}
    full = store.current()
    assert full[["indicator", "area", "period"]].values.tolist() == [
        ["a", "x", "2023Q1"],
        ["a", "y", "2024Q1"],
        ["b", "x", "2023Q1"],
    ]
    assert str(full["period_end"].dtype) == "datetime64[us]"
    assert str(full["recorded_at"].dtype) == "datetime64[us]"
    assert full["revision"].tolist() == [1, 1, 1] and full["value"].dtype == "float64"
    assert full["recorded_at"].iloc[0] == pd.Timestamp(2024, 5, 1, 9, 30)
    assert store.current(known_on=date(2024, 4, 30)).empty
    with pytest.raises(StoreError, match="未知的列"):
        store.current(columns=["nope"])


def test_batches_and_batch_for_sha(store):
    b = store.load(
        rows(("a", "x", "2023Q1", 1.0)),
        actor=act_as(store, name="张三"),
        source="upload",
        file_name="数据.xlsx",
        sha256="cd" * 32,
        config_hash="h1",
    )
    assert store.batch_for_sha("cd" * 32) == b.batch_id and store.batch_for_sha("ef") is None
    got = store.batches().iloc[0]
    assert (got["id"], got["user_name"], got["file_name"], got["status"]) == (
        b.batch_id,
        "张三",
        "数据.xlsx",
        "loaded",
    )
    assert (got["n_rows"], got["n_new"], got["config_hash"]) == (1, 1, "h1")
    assert pd.isna(got["rollback_of"])


def test_task_updates_append_and_latest(store):
    updates = pd.DataFrame(
        {
            "task_id": ["t1", "t1", "t2"],
            "status": ["进行中", "已完成", "未开始"],
            "status_date": [date(2024, 1, 5), date(2024, 3, 1), date(2024, 2, 1)],
            "note": ["开始", None, None],
            "evidence": [None, "https://example.org/a", None],
        }
    )
    v0 = store.data_version()
    assert (
        record_updates(
            store, updates, actor=act_as(store, name="李四"), recorded_at=datetime(2024, 3, 2)
        )
        == 3
    )
    assert store.data_version() == v0 + 1 and count_updates(store) == 3
    latest = latest_updates(store).set_index("task_id")
    assert latest.loc["t1", "status"] == "已完成" and latest.loc["t2", "status"] == "未开始"
    early = latest_updates(store, as_of=date(2024, 2, 1)).set_index("task_id")
    assert early.loc["t1", "status"] == "进行中"
    assert latest_updates(store, known_on=date(2024, 3, 1)).empty
    hist = task_history(store, "t1")
    assert hist["status"].tolist() == ["进行中", "已完成"]
    assert hist["note"].tolist()[0] == "开始" and hist["user_name"].tolist() == ["李四"] * 2


def test_plan_progress_and_reporting_sql(store):
    from plantrack.store.plan_progress import current_progress, progress_history, record_progress
    from plantrack.store.reporting_sql import first_reported, progress_reported

    progress = pd.DataFrame(
        {
            "task_id": ["k1", "k1", "k2"],
            "year": [2023, 2023, 2024],
            "degree": ["推进中", "已完成", "推进中"],
            "progress": ["开工", "完工", None],
            "evidence": [None, "https://example.org/x", ""],
            "department": ["区体育局"] * 3,
        }
    )
    v0 = store.data_version()
    record_progress(
        store,
        progress.iloc[:1],
        actor=act_as(store),
        source="page",
        recorded_at=datetime(2024, 1, 2),
    )
    record_progress(
        store,
        progress.iloc[1:],
        actor=act_as(store),
        source="excel",
        recorded_at=datetime(2024, 2, 2),
    )
    assert store.data_version() == v0 + 2
    cur = current_progress(store)
    assert cur[["task_id", "year", "degree"]].values.tolist() == [
        ["k1", 2023, "已完成"],
        ["k2", 2024, "推进中"],
    ]
    early = current_progress(store, recorded_before=datetime(2024, 2, 1))
    assert early["degree"].tolist() == ["推进中"]
    assert progress_history(store, "k1")["progress"].tolist() == ["开工", "完工"]
    firsts = progress_reported(store, [2023, 2024]).sort_values("task_id")
    assert firsts["first_at"].tolist() == [pd.Timestamp(2024, 1, 2), pd.Timestamp(2024, 2, 2)]
    store.load(
        rows(("a", "x", "2023Q1", 1.0)),
        actor=act_as(store),
        source="t",
        recorded_at=datetime(2023, 4, 3),
    )
    store.load(
        rows(("a", "x", "2023Q1", 2.0)),
        actor=act_as(store),
        source="t",
        recorded_at=datetime(2023, 5, 3),
    )
    rep = first_reported(store, ["2023Q1", "2023Q2"])
    assert rep.values.tolist() == [["a", "2023Q1", pd.Timestamp(2023, 4, 3)]]


def test_task_update_tie_goes_to_the_furthest_status(store):
    same = {"status_date": [date(2024, 1, 5)] * 2, "note": [None] * 2, "evidence": [None] * 2}
    for order in (["进行中", "已完成"], ["已完成", "进行中"]):
        ids = ["t-" + "".join(order)] * 2
        record_updates(
            store,
            pd.DataFrame({"task_id": ids, "status": order, **same}),
            actor=act_as(store),
            recorded_at=datetime(2024, 1, 6),
        )
    assert latest_updates(store)["status"].tolist() == ["已完成", "已完成"]


def test_current_is_the_latest_revision_of_every_key_at_every_vintage(store):
    """``current`` reads a key's rows as stored unless a later revision exists (the anti-join
    in sql.current): over random revisions, tombstones and vintages it gives exactly the
    latest revision of each key recorded by then, as the revisions in ``history`` say."""
    import random

    rng = random.Random(7)
    keys = [(i, a, p) for i in "ab" for a in "xyz" for p in ("2023Q1", "2023Q2", "2024")]
    for day in range(1, 7):
        picked = rng.sample(keys, 8)
        values = [None if rng.random() < 0.2 else round(rng.uniform(0, 9), 1) for _ in picked]
        store.load(
            rows(*[(*k, v) for k, v in zip(picked, values, strict=True)]),
            actor=act_as(store),
            source="t",
            reason="更正",
            recorded_at=datetime(2024, 5, day * 2),
        )
    hist = pd.concat([store.history(i) for i in "ab"], ignore_index=True)
    assert hist["revision"].max() > 2  # some keys revised more than once
    for known_on in (None, date(2024, 5, 3), date(2024, 5, 7), date(2024, 5, 30)):
        seen = hist if known_on is None else hist[hist["recorded_at"] < datetime(
            known_on.year, known_on.month, known_on.day + 1)]  # fmt: skip
        latest = seen.sort_values("revision").drop_duplicates(
            ["indicator", "area", "period"], keep="last"
        )
        for with_deleted in (False, True):
            want = latest if with_deleted else latest[~latest["deleted"]]
            got = store.current(known_on=known_on, with_deleted=with_deleted)
            key = ["indicator", "area", "period"]
            got = got.sort_values(key)[[*key, "revision"]].reset_index(drop=True)
            want = want.sort_values(key)[[*key, "revision"]].reset_index(drop=True)
            assert got.astype(str).equals(want.astype(str)), (known_on, with_deleted)
        narrow = store.current(known_on=known_on, indicators=["b"], as_of=date(2023, 6, 30))
        assert set(narrow["indicator"]) <= {"b"} and set(narrow["period"]) <= {"2023Q1", "2023Q2"}


def test_latest_update_in_memory_is_the_databases_latest_update(store):
    """The dashboard picks each date's latest task update from one read of every update
    (``latest_in`` over ``all_updates``): over random updates with same-day ties of different
    statuses, it is the row the SQL rule picks, for every as-of date and vintage."""
    import random

    none = latest_in(all_updates(store), date(2024, 3, 1), date(2024, 3, 1))
    assert none.empty and list(none.columns) == list(latest_updates(store).columns)
    rng = random.Random(11)
    for day in range(1, 6):
        n = 12
        frame = pd.DataFrame(
            {
                "task_id": [f"t{rng.randint(1, 6)}" for _ in range(n)],
                "status": [rng.choice(["未开始", "进行中", "已完成"]) for _ in range(n)],
                "status_date": [
                    date(2024, rng.randint(1, 6), rng.choice([1, 15])) for _ in range(n)
                ],
                "note": [f"d{day}-{i}" for i in range(n)],
                "evidence": [None] * n,
            }
        )
        record_updates(store, frame, actor=act_as(store), recorded_at=datetime(2024, 6, day * 3))
    every = all_updates(store)
    assert len(every) == 60
    # a task's updates tied on date, recording time and status are the same to the rule (the
    # SQL leaves their order open: each engine picks its own), so the note is not compared
    key = ["task_id", "status", "status_date"]
    for as_of in (None, date(2024, 1, 1), date(2024, 3, 15), date(2024, 5, 31)):
        for known_on in (None, date(2024, 6, 3), date(2024, 6, 10)):
            want = latest_updates(store, as_of, known_on)
            want["status_date"] = pd.to_datetime(want["status_date"]).dt.date
            got = latest_in(every, as_of, known_on)
            assert got[key].astype(str).values.tolist() == want[key].astype(str).values.tolist(), (
                as_of,
                known_on,
            )
            assert list(got.columns) == list(want.columns)
            # a frame in any order, not ranked by all_updates, is ranked first
            shuffled = every.drop(columns="_day").sample(frac=1, random_state=3)
            shuffled.attrs = {}
            again = latest_in(shuffled, as_of, known_on)
            assert again[key].astype(str).values.tolist() == want[key].astype(str).values.tolist()
