"""Templates: prefilled, protected, last period alongside, and they read back as uploads."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from plantrack import upload
from plantrack.periods import Period
from plantrack.templates import build_template, editor_csv, template_rows

TODAY = date(2026, 11, 28)


def sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_long_template_is_prefilled_protected_and_shows_last_period(demo_copy):
    sh = sheet(build_template(demo_copy, Period(2024, 2), "long"))
    assert sh.protection.sheet is True
    assert [c.value for c in sh[5]][:8] == [
        "指标代码",
        "指标名称",
        "单位",
        "地区代码",
        "地区",
        "报告期",
        "数值",
        "备注",
    ]
    assert sh["I5"].value == "上期值（2024Q1）"
    assert {sh.cell(row=2, column=c).value for c in (1, 3, 5)} == {"表名", "填报单位", "报告期"}
    assert sh["F2"].value == "2024Q2" and "A1:I1" in {str(m) for m in sh.merged_cells.ranges}
    rows = list(sh.iter_rows(min_row=6, values_only=True))
    ids = {r[0] for r in rows}
    assert "fitness.instructors" in ids and "fitness.sports_ground_area" not in ids  # yearly
    assert "fitness.instructors_per_10k" not in ids  # a formula is never uploaded
    cur = demo_copy.store.current()
    want = cur[(cur["indicator"] == "fitness.instructors") & (cur["period"] == "2024Q1")]
    got = {r[3]: r[8] for r in rows if r[0] == "fitness.instructors"}
    assert got[want.iloc[0]["area"]] == want.iloc[0]["value"]
    assert sh["G6"].protection.locked is False and sh["H6"].protection.locked is False
    assert sh["A6"].protection.locked is True and sh["I6"].protection.locked is True


def test_wide_template_locks_cells_that_are_not_reported(demo_copy):
    sh = sheet(build_template(demo_copy, Period(2024), "wide", plan="disabled"))
    headers = [c.value for c in sh[5]]
    assert headers[:2] == ["地区代码", "地区"] and headers[3] == "上期值（2023）"
    name = demo_copy.indicators["disabled.congress_delegates_pwd_share"].name
    col = headers.index(f"{name}（%）") + 1
    assert sh.cell(row=6, column=col).protection.locked is False  # the district
    assert sh.cell(row=7, column=col).protection.locked is True  # a 街道: rollup none


def fill_long(data: bytes, factor=1.0) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    sh = wb.active
    for r in range(6, sh.max_row + 1):
        prev = sh.cell(row=r, column=9).value
        sh.cell(row=r, column=7).value = round(prev * factor, 4) if prev is not None else 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_filled_templates_read_back(demo_copy):
    long = fill_long(build_template(demo_copy, Period(2024, 2), "long"))
    r = upload.check(demo_copy, long, "long.xlsx", today=TODAY)
    assert r.layout == "long" and r.report.ok, [p.text for p in r.report.errors[:3]]
    assert r.report.rows == len(template_rows(demo_copy, Period(2024, 2)))
    wb = load_workbook(io.BytesIO(build_template(demo_copy, Period(2024, 2), "wide")))
    sh = wb.active
    for r_ in range(6, sh.max_row + 1):
        for c in range(3, sh.max_column + 1, 2):
            if sh.cell(row=r_, column=c).protection.locked is False:
                sh.cell(row=r_, column=c).value = sh.cell(row=r_, column=c + 1).value or 1
    out = io.BytesIO()
    wb.save(out)
    r = upload.check(demo_copy, out.getvalue(), "wide.xlsx", today=TODAY)
    assert (
        r.layout == "wide"
        and r.report.ok
        and r.report.rows == len(template_rows(demo_copy, Period(2024, 2)))
    )


def test_csv_template_reads_back_and_escapes(demo_copy):
    data = build_template(demo_copy, Period(2024, 2), fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:2] == ["表名", lines[0][1]] and lines[3][-1] == "上期值（2024Q1）"
    for line in lines[4:]:
        line[6] = line[8] or "1"
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    r = upload.check(demo_copy, out.getvalue().encode("utf-8"), "t.csv", today=TODAY)
    assert r.report.ok


def test_editor_csv_keeps_text_as_typed():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "指标代码": ["a"],
            "地区代码": ["370103"],
            "报告期": ["2024Q1"],
            "数值": [1.5],
            "备注": ["=1+1"],
        }
    )
    text = editor_csv(frame).decode("utf-8")
    assert "=1+1" in text and "'=1+1" not in text


def test_template_per_department(demo_copy):
    from plantrack.templates import departments

    assert "区残联" in departments(demo_copy)
    rows = template_rows(demo_copy, Period(2024), department="区残联")
    leads = {i: demo_copy.indicators[i].lead for i in rows["indicator"]}
    assert leads and all("区残联" in lead for lead in leads.values())
    sh = sheet(build_template(demo_copy, Period(2024), department="区残联"))
    assert sh["D2"].value == "区残联" and "区残联" in sh["A1"].value


def test_default_period_stays_inside_the_plans(demo_ws):
    from datetime import date

    from plantrack.periods import Period
    from plantrack.templates import default_period

    assert default_period(demo_ws, date(2024, 5, 10)) == Period(2024, 1)
    assert default_period(demo_ws, date(2026, 11, 28)) == Period(2025, 4)  # plans end in 2025
