"""Note-only corrections (#11): the same values with a new 备注 are stored (as a revision with
the same value) and reported as 备注更新 n 条 — on both engines."""

from __future__ import annotations

import pytest

from plantrack import upload
from plantrack.store import Store
from tests.conftest import act_as
from tests.test_store import rows
from tests.upload_fixtures import csv_bytes, instructors


def noted(items, notes):
    df = rows(*items)
    df["note"] = notes
    return df


def test_note_only_correction_is_stored_on_both_engines(any_db: str):
    store = Store(any_db)
    store.ensure_schema()
    items = (("a", "x", "2023Q1", 1.0), ("a", "x", "2023Q2", 2.0), ("a", "x", "2023Q3", 3.0))
    first = store.load(noted(items, [None, "初报", None]), actor=act_as(store), source="t")
    assert (first.new, first.noted) == (3, 0)
    # same values: Q1 gains a note, Q2's note changes, Q3 stays without one
    second = store.load(
        noted(items, ["口径说明：含兼职", "更正：按年末人口", None]),
        actor=act_as(store),
        source="t",
        reason="补充备注",
    )
    assert (second.new, second.revised, second.noted, second.unchanged) == (0, 0, 2, 1)
    cur = store.current().set_index("period")
    assert cur.loc["2023Q1", "note"] == "口径说明：含兼职" and cur.loc["2023Q1", "revision"] == 2
    assert cur.loc["2023Q2", "note"] == "更正：按年末人口" and cur.loc["2023Q2", "value"] == 2.0
    assert cur.loc["2023Q3", "revision"] == 1
    hist = store.history("a", "x")
    q2 = hist[hist["period"] == "2023Q2"]
    assert list(q2["note"]) == ["初报", "更正：按年末人口"] and list(q2["value"]) == [2.0, 2.0]
    # a re-upload without notes keeps the stored ones (an empty note is not a correction)
    third = store.load(noted(items, [None, None, None]), actor=act_as(store), source="t")
    assert (third.noted, third.unchanged) == (0, 3)
    assert store.current().set_index("period").loc["2023Q1", "note"] == "口径说明：含兼职"


@pytest.fixture
def ws(empty_ws):
    return empty_ws


def test_upload_reports_note_updates(ws):
    data = [r[:7] + [""] for r in instructors()]
    first = upload.load(ws, upload.check(ws, csv_bytes(data), "q1.csv"), actor=act_as(ws))
    assert first.outcome == "loaded", first.message
    again = [r[:7] + ["核实：与年报一致" if k < 2 else ""] for k, r in enumerate(instructors())]
    r = upload.check(ws, csv_bytes(again), "q1 备注.csv")
    r = upload.load(ws, r, actor=act_as(ws), reason="补充备注", accept_warnings=True)
    assert r.outcome == "loaded", r.message
    assert r.summary is not None and (r.summary.noted, r.summary.revised) == (2, 0)
    assert "备注更新 2 条" in r.message and "未变 16 个" in r.message
    notes = ws.store.current()["note"].dropna()
    assert list(notes) == ["核实：与年报一致"] * 2
