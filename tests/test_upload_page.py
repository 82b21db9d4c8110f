"""AppTest of the upload page on a private copy of the demo database (``app_env``)."""

from __future__ import annotations

import re

import duckdb
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.upload_fixtures import csv_bytes, instructors, row, xlsx_bytes

PAGE = str(ROOT / "pages" / "upload.py")


def page() -> AppTest:
    """The page, logged in as the demo admin (``app_env``)."""
    at = AppTest.from_file(PAGE, default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [
        e.value for kind in (at.error, at.success, at.warning, at.info, at.markdown) for e in kind
    ]
    # as the reader sees it: messages quoting user text are Markdown-escaped (app/text.py)
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def report_table(at: AppTest):
    return next(d.value for d in at.dataframe if "问题与修改方法" in d.value.columns)


def batches(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT id, user_name, file_name, reason FROM batches ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def test_file_with_warnings_needs_a_reason_then_loads(app_env):
    at = page()
    before = batches(app_env)
    at.file_uploader[0].set_value(("q1.csv", csv_bytes(instructors(base=1000)), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["数据行"] == "18" and metrics["错误"] == "0" and int(metrics["警告"]) > 0
    confirm = at.button(key="upload.file.confirm")
    assert confirm.disabled  # warnings need a tick and a reason
    at.checkbox(key="upload.file.accept").check().run()
    at.text_area(key="upload.file.reason").input("抽样调查后更正").run()
    assert not at.button(key="upload.file.confirm").disabled
    at.button(key="upload.file.confirm").click().run()
    assert not at.exception
    assert "已入库" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["新增"], metrics["修订"]) == ("1", "17")  # the demo stores no district total
    after = batches(app_env)
    assert len(after) == len(before) + 1 and after[-1][1:] == ("admin", "q1.csv", "抽样调查后更正")


def test_bad_file_shows_errors_and_no_way_to_load(app_env):
    at = page()
    before = batches(app_env)
    data = xlsx_bytes([row(value="约三百"), row(area="火星")])
    at.file_uploader[0].set_value(("bad.xlsx", data, "application/octet-stream")).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["错误"] == "2"
    table = report_table(at)
    assert list(table["行"]) == [5, 6] and list(table["列"]) == ["G", "E"]
    assert "不能入库" in texts(at)
    assert not [b for b in at.button if b.key == "upload.file.confirm"]
    at.multiselect(key="upload.file.levels").set_value(["警告"]).run()
    assert report_table(at).empty
    assert batches(app_env) == before


def test_unreadable_file_is_explained(app_env):
    at = page()
    at.file_uploader[0].set_value(("scan.xlsx", b"%PDF-1.7 ...", "application/pdf")).run()
    assert not at.exception
    assert "scan.xlsx 不是可读取的表格" in texts(at)


def test_online_correction_goes_through_the_same_checks(app_env):
    at = page()
    at.selectbox(key="upload.edit.ind").set_value("fitness.instructors").run()
    at.text_input(key="upload.edit.period").set_value("2024Q1").run()
    assert not at.exception
    at.button(key="upload.edit.submit").click().run()
    assert not at.exception
    # the grid holds the stored values: nothing changes, so nothing to confirm
    assert "没有发现问题" in texts(at)
    at.button(key="upload.edit.confirm").click().run()
    assert "已入库" in texts(at)


def test_rollback_needs_a_reason(app_env):
    at = page()
    at.file_uploader[0].set_value(("q.csv", csv_bytes(instructors(base=2000)), "text/csv")).run()
    at.checkbox(key="upload.file.accept").check().run()
    at.text_area(key="upload.file.reason").input("更正").run()
    at.button(key="upload.file.confirm").click().run()
    loaded = batches(app_env)[-1][0]
    at.selectbox(key="upload.rollback.batch").set_value(loaded).run()
    at.button(key="upload.rollback.go").click().run()
    assert "回滚原因" in texts(at) or "请填写" in texts(at)
    at.text_input(key="upload.rollback.reason").input("上报错误").run()
    at.button(key="upload.rollback.go").click().run()
    assert not at.exception
    assert f"已回滚批次 #{loaded}" in texts(at)
