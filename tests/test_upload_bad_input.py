"""Bad input: each gets a clear Chinese message naming the file (and cell) and stores nothing.

Every case goes through check and load, as the CLI and the page do, on a private copy of
the demo database; the file's bytes, counts and current values must not change.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from plantrack import settings, upload
from tests.conftest import act_as
from tests.upload_fixtures import LONG, csv_bytes, row, snapshot, xlsx_bytes


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return out.getvalue()


def lying_zip_bomb() -> bytes:
    """Declares tiny sizes in the central directory but inflates to 300 MB."""
    data = bytearray(zip_bomb())
    eocd = data.rfind(b"PK\x05\x06")
    cd = int.from_bytes(data[eocd + 16 : eocd + 20], "little")
    pos = cd
    while data[pos : pos + 4] == b"PK\x01\x02":
        data[pos + 24 : pos + 28] = (100).to_bytes(4, "little")  # uncompressed size
        n, m, k = (int.from_bytes(data[pos + o : pos + o + 2], "little") for o in (28, 30, 32))
        pos += 46 + n + m + k
    return bytes(data)


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


CASES = {
    "empty": ("e.csv", lambda: b"", "unreadable", ["e.csv", "空的"]),
    "empty_xlsx_sheet": (
        "e.xlsx",
        lambda: xlsx_bytes([], header=None, block=False, title=None),
        "unreadable",
        ["e.xlsx", "没有任何内容"],
    ),
    "pdf_renamed": ("report.xlsx", pdf, "unreadable", ["report.xlsx", "不是可读取的表格"]),
    "random_bytes": (
        "r.xlsx",
        lambda: os.urandom(4096),
        "unreadable",
        ["r.xlsx", "不是可读取的表格"],
    ),
    "random_bytes_csv": (
        "r.csv",
        lambda: bytes(range(256)) * 16,
        "unreadable",
        ["r.csv", "不是可读取的表格"],
    ),
    "zip_bomb": ("bomb.xlsx", zip_bomb, "unreadable", ["bomb.xlsx", "压缩炸弹", "200 MB"]),
    # zipfile stops at the declared size, so the CRC fails: refused as a broken file
    "lying_zip_bomb": ("bomb2.xlsx", lying_zip_bomb, "unreadable", ["bomb2.xlsx", "不是可读取"]),
    "no_header": (
        "h.csv",
        lambda: csv_bytes([[1, 2, 3]], header=["甲", "乙", "丙"]),
        "unreadable",
        ["h.csv", "找不到表头"],
    ),
    "header_only": ("only.xlsx", lambda: xlsx_bytes([]), "invalid", ["only.xlsx", "只有表头"]),
    "header_only_csv": ("only.csv", lambda: csv_bytes([]), "invalid", ["only.csv", "只有表头"]),
    "unknown_indicator": (
        "i.csv",
        lambda: csv_bytes([row(indicator="健身指数")]),
        "invalid",
        ["i.csv", "第 4 行", "A 列", "健身指数"],
    ),
    "unknown_area": (
        "a.xlsx",
        lambda: xlsx_bytes([row(area="龙洞街道")]),
        "invalid",
        ["a.xlsx", "第 5 行", "E 列", "龙洞街道"],
    ),
    "bad_period": (
        "p.csv",
        lambda: csv_bytes([row(period="2024年第五季度")]),
        "invalid",
        ["p.csv", "F 列", "2024年第五季度"],
    ),
    "future_2031": (
        "f.csv",
        lambda: csv_bytes([row(period="2031Q1")]),
        "invalid",
        ["f.csv", "2031Q1", "尚未结束"],
    ),
    "text_value": (
        "v.xlsx",
        lambda: xlsx_bytes([row(value="约三百")]),
        "invalid",
        ["v.xlsx", "G 列（数值）", "约三百"],
    ),
    "negative_count": (
        "n.csv",
        lambda: csv_bytes([row(value=-12)]),
        "invalid",
        ["n.csv", "-12", "不能为负数"],
    ),
    "percent_140": (
        "pct.csv",
        lambda: csv_bytes([row(indicator="fitness.regular_exercise_rate", value="140%")]),
        "invalid",
        ["pct.csv", "140", "100%"],
    ),
    "duplicates": (
        "d.csv",
        lambda: csv_bytes([row(value=1), row(value=1)]),
        "invalid",
        ["d.csv", "第 4 行", "第 5 行", "重复"],
    ),
    "old_xls": (
        "old.xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "unreadable",
        ["old.xls", ".xlsx"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_and_stores_nothing(demo_copy, case):
    name, make, outcome, needles = CASES[case]
    before = snapshot(demo_copy)
    result = upload.check(demo_copy, make(), name, user="测试")
    assert result.outcome == outcome
    assert result.exit_code == (2 if outcome == "unreadable" else 1)
    text = "\n".join(p.text for p in result.report.errors) + result.message
    for needle in needles:
        assert needle in text, (needle, text)
    loaded = upload.load(
        demo_copy, result, actor=act_as(demo_copy), accept_warnings=True, reason="强制"
    )
    assert loaded.outcome == "refused" and loaded.summary is None
    assert snapshot(demo_copy) == before


def test_file_over_the_size_limit(demo_copy, monkeypatch):
    before = snapshot(demo_copy)
    big = b"x" * (settings.MAX_UPLOAD_BYTES + 1)
    result = upload.check(demo_copy, big, "big.csv")
    assert result.outcome == "unreadable"
    msg = result.report.errors[0].text
    assert "big.csv" in msg and "超过上传上限 50 MB" in msg
    refused = demo_copy.settings.uploads_dir / "refused" / result.sha256[:2]
    side = next(refused.glob("*.json"))
    assert not (refused / f"{result.sha256}.csv").exists()
    assert side.exists()  # recorded, but the oversized bytes are not kept
    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 100)  # the limit is read when checking
    small = upload.check(demo_copy, csv_bytes([row()]), "s.csv")
    assert "超过上传上限" in small.message
    assert snapshot(demo_copy) == before


def test_formula_in_note_is_text_and_escaped_in_exports(demo_copy):
    from openpyxl import load_workbook

    data = xlsx_bytes([row(value="=SUM(A1)", note='=HYPERLINK("http://x")')], text_cols=(6, 7))
    result = upload.check(demo_copy, data, "formula.xlsx")
    p = result.report.errors[0]
    assert p.value == "=SUM(A1)"
    wb = load_workbook(io.BytesIO(result.report.to_xlsx()))
    cells = [c.value for r in wb.active.iter_rows() for c in r if isinstance(c.value, str)]
    assert "'=SUM(A1)" in cells and all(not c.startswith("=") for c in cells)
    assert all(c.data_type != "f" for r in wb.active.iter_rows() for c in r)


def test_header_names_alone_are_not_data(demo_copy):
    result = upload.check(demo_copy, csv_bytes([LONG]), "twice.csv")
    assert result.outcome == "invalid"  # a repeated header row is a row of bad values
