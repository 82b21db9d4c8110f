"""Silent data problems (#11) not covered elsewhere, each file built here: an area code whose
name column names another area, and an external link in a workbook."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from plantrack import upload
from tests.upload_fixtures import csv_bytes, row, xlsx_bytes

TODAY = date(2026, 11, 28)


def test_area_code_whose_name_names_another_area_is_a_warning(empty_ws):
    rows = [["fitness.instructors", "", "", "370103002000", "杆石桥街道", "2024Q1", 10, ""]]
    r = upload.check(empty_ws, csv_bytes(rows), "n.csv", today=TODAY, keep=False)
    hits = [p for p in r.report.warnings if p.code == "area_name"]
    assert len(hits) == 1, [p.code for p in r.report.problems]
    assert "大观园街道" in hits[0].message and "杆石桥街道" in hits[0].message


def test_external_link_is_a_warning_that_needs_a_reason(empty_ws):
    data = xlsx_bytes([row(value=1)])
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zo:
        for info in zin.infolist():
            zo.writestr(info, zin.read(info))
        zo.writestr(
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        )
    r = upload.check(empty_ws, out.getvalue(), "link.xlsx", today=TODAY, keep=False)
    assert r.outcome == "valid", r.message
    links = [p for p in r.report.warnings if p.code == "external_link"]
    assert len(links) == 1 and "外部链接" in links[0].message and "link.xlsx" in links[0].message
    assert r.report.n_warnings >= 1  # load() refuses it without --accept-warnings and a reason
