"""Hostile uploads (issue #11), each file built here: bounded report, streamed zip check,
honest messages, floating noise, note-only corrections, blank template rows."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from plantrack import upload
from plantrack.ingest.report import MAX_PER_KIND
from tests.conftest import act_as
from tests.test_upload_bad_input import lying_zip_bomb
from tests.upload_fixtures import LONG, csv_bytes, instructors, row, xlsx_bytes

TODAY = date(2026, 11, 28)


def check(ws, data, name="h.csv"):
    return upload.check(ws, data, name, today=TODAY, keep=False)


def test_many_duplicates_are_grouped_and_the_report_is_capped(empty_ws):
    rows = [row(area=a, value=1) for a in ("大观园", "杆石桥")] * 3000
    rows += [row(value="x" * 5000)] * 500
    r = check(empty_ws, csv_bytes(rows))
    dups = [p for p in r.report.errors if p.code == "duplicate"]
    assert len(dups) == 2  # one per group, not one per row
    assert "等其他" in dups[0].message and len(dups[0].message) < 300
    bad = [p for p in r.report.errors if p.code == "no_value"]
    assert len(bad) == MAX_PER_KIND and r.report.counts[("error", "no_value")] == 500
    assert all(len(p.message) < 400 and len(p.value or "") <= 120 for p in bad)
    assert any("未逐条列出" in t for t in r.report.omitted_text)
    assert "502" in r.message or "2" in r.message


def test_huge_numbers_are_short(empty_ws):
    r = check(empty_ws, csv_bytes([row(value="9" * 400)]))
    text = " ".join(p.message for p in r.report.problems)
    assert "9" * 30 not in text


def test_lying_central_directory_is_streamed_not_read(demo_copy):
    r = check(demo_copy, lying_zip_bomb(), "bomb.xlsx")
    # refused while streaming (bomb, or the CRC check at the false size), never inflated whole
    assert r.outcome == "unreadable" and ("压缩炸弹" in r.message or "不是可读取" in r.message)


def test_excel_error_cell_is_not_blank(empty_ws):
    data = xlsx_bytes([row(value=1)])
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zo:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b'<c r="G5" t="n"><v>1</v></c>', b'<c r="G5" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                )
            zo.writestr(info, body)
    r = check(empty_ws, out.getvalue(), "err.xlsx")
    p = r.report.errors[0]
    assert p.code == "no_value" and "#DIV/0!" in p.message and "未填写" not in p.message


def test_formula_cell_is_a_warning(empty_ws):
    data = xlsx_bytes([row(value=1)])
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zo:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b'<c r="G5" t="n"><v>1</v></c>', b'<c r="G5"><f>0.5*2</f><v>1</v></c>'
                )
            zo.writestr(info, body)
    r = check(empty_ws, out.getvalue(), "f.xlsx")
    assert r.outcome == "valid" and [p.code for p in r.report.warnings] == ["formula"]


def test_encrypted_xlsx_is_not_called_old_xls(empty_ws):
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    ole[1000:1028] = "EncryptionInfo".encode("utf-16-le")
    r = check(empty_ws, bytes(ole), "secret.xlsx")
    assert "密码" in r.message and ".xls" not in r.message.replace(".xlsx", "")


def test_big5_csv_says_its_encoding(empty_ws):
    text = (
        "指標代碼,指標名稱,單位,地區代碼,地區,報告期,數值,備註\n"
        + "體育,中華,人,臺灣,臺北,2024Q1,10,說明\n" * 20
    )
    r = check(empty_ws, text.encode("big5"), "big5.csv")
    assert r.outcome == "unreadable" and "编码" in r.message


def test_percentage_a_hair_over_100_is_not_over(empty_ws):
    r = check(
        empty_ws,
        csv_bytes(
            [row(indicator="fitness.regular_exercise_rate", area="市中区", value=100.0000001)]
        ),
    )
    assert not [p for p in r.report.errors if p.code == "out_of_range"]


def test_floating_noise_is_not_a_revision(empty_ws):
    first = upload.check(empty_ws, csv_bytes(instructors(base=6.486)), "a.csv", today=TODAY)
    assert upload.load(empty_ws, first, actor=act_as(empty_ws)).outcome == "loaded"
    noisy = instructors(base=6.486)
    noisy[1][6] = 6.4860000000000015  # the first street's 6.486 with floating noise
    r = upload.check(empty_ws, csv_bytes(noisy), "b.csv", today=TODAY)
    assert not r.report.warnings, [p.text for p in r.report.problems]
    out = upload.load(empty_ws, r, actor=act_as(empty_ws))
    s = out.summary
    assert out.outcome == "loaded" and s.revised == 0 and s.new == 0, out.message


def test_partly_filled_template_loads_and_counts_blank_rows(empty_ws):
    rows = instructors()
    rows += [
        ["fitness.fitness_events", "", "", c, "", "2024Q1", "", ""]
        for c in ("370103", "370103002000")
    ]
    r = upload.check(empty_ws, csv_bytes(rows), "partly.csv", today=TODAY)
    assert r.outcome == "valid" and r.report.blank_rows == 2 and "2 行未填写数值" in r.message
    assert upload.load(empty_ws, r, actor=act_as(empty_ws)).outcome == "loaded"


def test_header_period_area_name_and_long_note_warnings(empty_ws):
    rows = [
        ["fitness.instructors", "", "", "370103002000", "杆石桥街道", "2024Q1", 10, "x" * 600],
        ["fitness.instructors", "", "", "370103003000", "", "2023Q4", 10, ""],
    ]
    r = upload.check(empty_ws, csv_bytes(rows), "w.csv", today=TODAY)
    codes = sorted(p.code for p in r.report.warnings)
    assert {"long_note", "period_header"} <= set(codes), codes
    assert "area_name" in codes  # 370103002000 is 大观园街道, not 杆石桥街道


@pytest.mark.parametrize("days,mb,left", [(30, 200, 1), (0, 200, 0), (30, 0.000001, 0)])
def test_refused_files_are_cleaned_up(empty_ws, days, mb, left):
    from plantrack.ingest.files import cleanup, refused_dir

    r = upload.check(empty_ws, csv_bytes([LONG]), "bad.csv")
    assert r.outcome == "invalid"
    folder = refused_dir(empty_ws.settings.uploads_dir)
    assert len([p for p in folder.rglob("*.csv")]) == 1
    cleanup(empty_ws.settings.uploads_dir, days, mb, now=__import__("time").time() + 1)
    assert len([p for p in folder.rglob("*.csv")]) == left
