"""Loading: one transaction, revisions with reason, the same file refused, files kept."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plantrack import upload
from tests.conftest import act_as
from tests.upload_fixtures import csv_bytes, instructors, row, snapshot


@pytest.fixture
def ws(empty_ws):
    """A real (non-demo) workspace on an empty DuckDB file, with its own uploads folder."""
    return empty_ws


def kept(ws, result, sub: str = "") -> tuple[Path, dict]:
    sha = result.sha256
    folder = Path(ws.settings.uploads_dir) / sub / sha[:2]
    data = next(p for p in folder.iterdir() if p.name.startswith(sha) and p.suffix != ".json")
    return data, json.loads((folder / f"{sha}.json").read_text(encoding="utf-8"))


def test_load_new_then_same_file_refused(ws):
    data = csv_bytes(instructors())
    r = upload.load(
        ws, upload.check(ws, data, "q1.csv", user="张三"), actor=act_as(ws, name="张三")
    )
    assert r.outcome == "loaded" and r.exit_code == 0
    s = r.summary
    assert (s.new, s.revised, s.unchanged) == (18, 0, 0)
    assert "新增 18 个" in r.message
    cur = ws.store.current()
    assert len(cur) == 18 and set(cur["user_name"]) == {"张三"}
    batch = ws.store.batches().iloc[0]
    assert batch["sha256"] == r.sha256 and batch["file_name"] == "q1.csv"
    path, side = kept(ws, r)
    assert path.read_bytes() == data and path.name == f"{r.sha256}.csv"
    assert [a["outcome"] for a in side["attempts"]] == ["loaded"]  # a check keeps nothing
    assert side["attempts"][-1]["user"] == "张三" and side["attempts"][-1]["batch"] == s.batch_id

    before = snapshot(ws)
    again = upload.check(ws, data, "q1 copy.csv", user="李四")
    assert again.outcome == "invalid"
    assert (
        f"批次 #{s.batch_id}" in again.message
        or f"批次 #{s.batch_id}" in again.report.errors[0].message
    )
    again = upload.load(ws, again, actor=act_as(ws))
    assert again.outcome == "refused" and again.exit_code == 1
    assert snapshot(ws) == before


def test_revision_needs_a_reason_and_carries_batch_user_reason(ws):
    upload.load(ws, upload.check(ws, csv_bytes(instructors()), "a.csv"), actor=act_as(ws))
    changed = instructors()
    changed[1][6] += 1  # 大观园 10 → 11, and the district no longer sums
    changed[0][6] += 1
    data = csv_bytes(changed)
    r = upload.check(ws, data, "b.csv")
    assert r.outcome == "valid" and {p.code for p in r.report.warnings} == {"revision"}
    before = snapshot(ws)
    refused = upload.load(ws, r, actor=act_as(ws))
    assert refused.outcome == "refused" and "警告" in refused.message
    assert snapshot(ws) == before
    r = upload.check(ws, data, "b.csv")
    r = upload.load(ws, r, actor=act_as(ws, name="李四"), accept_warnings=True, reason="补录后更正")
    assert r.outcome == "loaded"
    assert (r.summary.new, r.summary.revised, r.summary.unchanged) == (0, 2, 16)
    hist = ws.store.history("fitness.instructors", "370103002000")
    last = hist.iloc[-1]
    assert (last["value"], last["revision"], last["user_name"], last["reason"]) == (
        11.0,
        2,
        "李四",
        "补录后更正",
    )
    assert last["batch_id"] == r.summary.batch_id


def test_rollback_restores_the_earlier_values(ws):
    upload.load(ws, upload.check(ws, csv_bytes(instructors()), "a.csv"), actor=act_as(ws))
    r = upload.check(ws, csv_bytes(instructors(base=11)), "b.csv")
    r = upload.load(ws, r, actor=act_as(ws), accept_warnings=True, reason="更正")
    ws.store.rollback(r.summary.batch_id, actor=act_as(ws), reason="上报错误")
    cur = ws.store.current().set_index("area")
    assert cur.loc["370103002000", "value"] == 10.0


def test_rejected_files_are_kept_with_their_outcome(ws):
    r = upload.check(ws, csv_bytes([row(value="abc")]), "bad.csv", user="王五")
    assert not (Path(ws.settings.uploads_dir) / r.sha256[:2]).exists()  # not among loaded
    path, side = kept(ws, r, "refused")
    assert path.exists()
    assert side["attempts"][0]["outcome"] == "invalid" and side["attempts"][0]["errors"] == 1


def test_a_note_starting_with_equals_is_stored_as_text(ws):
    r = upload.check(
        ws,
        csv_bytes([row(indicator="fitness.fitness_events", area="市中区", value=3, note="=1+1")]),
        "n.csv",
    )
    r = upload.load(ws, r, actor=act_as(ws))
    assert r.outcome == "loaded"
    assert ws.store.current().iloc[0]["note"] == "=1+1"


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_load_while_another_process_holds_the_database_fails_clearly(ws):
    data = csv_bytes(instructors())
    result = upload.check(ws, data, "busy.csv")
    actor = act_as(ws)
    before = snapshot(ws)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(ws.settings.db_path), "30"], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"locked"
        t = time.monotonic()
        r = upload.load(ws, result, actor=actor)
        elapsed = time.monotonic() - t
    finally:
        holder.kill()
        holder.wait()
    assert r.outcome == "refused" and "占用" in r.message and "busy.csv" in r.message
    assert elapsed < 10
    assert snapshot(ws) == before


def test_load_works_between_short_reads_of_another_process(ws):
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom plantrack.store import Store\ns = Store(sys.argv[1])\n"
            "end = time.time() + 4\nwhile time.time() < end:\n    s.counts(); time.sleep(0.05)\n",
            str(ws.settings.db_path),
        ],
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        time.sleep(0.5)
        r = upload.load(ws, upload.check(ws, csv_bytes(instructors()), "c.csv"), actor=act_as(ws))
    finally:
        reader.wait(timeout=30)
    assert r.outcome == "loaded", r.message


STALE = "数据在检查后已被他人修改（1 个数值），未入库。请重新检查后再上传。"


def test_load_after_someone_else_changed_the_value_is_refused(ws):
    """甲 checks 120 (no warnings); 乙 checks and loads 125; 甲's load must not overwrite it."""
    one = dict(indicator="fitness.fitness_events", area="市中区", period="2024Q1")
    jia = upload.check(ws, csv_bytes([row(**one, value=120)]), "甲.csv", user="甲")
    assert jia.outcome == "valid" and not jia.report.warnings
    assert jia.store_rows()["prev_revision"].isna().all()  # nothing stored when 甲 checked
    yi = upload.check(ws, csv_bytes([row(**one, value=125)]), "乙.csv", user="乙")
    assert upload.load(ws, yi, actor=act_as(ws)).outcome == "loaded"

    before = snapshot(ws)
    jia = upload.load(ws, jia, actor=act_as(ws))
    assert jia.outcome == "refused" and jia.exit_code == 1 and jia.summary is None
    assert STALE in jia.message and "甲.csv" in jia.message
    assert jia.to_dict()["message"] == jia.message
    assert snapshot(ws) == before
    assert ws.store.current()["value"].tolist() == [125.0]

    again = upload.check(ws, csv_bytes([row(**one, value=120)]), "甲.csv", user="甲")
    assert {p.code for p in again.report.warnings} == {"revision"}  # now 甲 sees 乙's value
    assert upload.load(ws, again, actor=act_as(ws)).outcome == "refused"  # a reason is needed
    again = upload.check(ws, csv_bytes([row(**one, value=120)]), "甲.csv", user="甲")
    done = upload.load(ws, again, actor=act_as(ws), accept_warnings=True, reason="核实后更正")
    assert done.outcome == "loaded" and done.summary.revised == 1


def test_check_records_the_revision_it_saw_including_a_tombstone(ws):
    one = dict(indicator="fitness.fitness_events", area="市中区", period="2024Q1")
    upload.load(ws, upload.check(ws, csv_bytes([row(**one, value=3)]), "a.csv"), actor=act_as(ws))
    r = upload.check(ws, csv_bytes([row(**one, value=4)]), "b.csv")
    assert r.store_rows()["prev_revision"].tolist() == [1]
    tomb = r.store_rows().assign(value=None, prev_revision=1)
    ws.store.load(tomb, actor=act_as(ws), source="t", reason="删除")
    r = upload.check(ws, csv_bytes([row(**one, value=4)]), "b.csv")
    assert r.store_rows()["prev_revision"].tolist() == [2]
    r = upload.load(ws, r, actor=act_as(ws), accept_warnings=bool(r.report.warnings), reason="恢复")
    assert r.outcome == "loaded", r.message
