"""Reading real files: encodings, header blocks, merged titles, blank rows, 合计, layouts."""

from __future__ import annotations

import pytest

from plantrack.config import load_config
from plantrack.ingest.files import FileRejected
from plantrack.ingest.normalise import Vocabulary, normalise
from plantrack.ingest.read import read_table
from tests.conftest import CONFIG
from tests.upload_fixtures import LONG, csv_bytes, first_data_row, row, xlsx_bytes


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(load_config(CONFIG))


def read(data: bytes, name: str, vocab: Vocabulary):
    return normalise(read_table(data, name, vocab.match_header), vocab)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding(vocab, encoding):
    rows = [
        row(area="大观园街道", value=12),
        row(indicator="公益社会体育指导员人数", area="二七", value=7),
    ]
    data = csv_bytes(rows, encoding=encoding)
    table = read_table(data, "a.csv", vocab.match_header)
    assert table.meta["报告期"] == "2024Q1"
    assert table.encoding in ("utf-8-sig", "gb18030")
    n = normalise(table, vocab)
    assert list(n.rows["indicator"]) == ["fitness.instructors"] * 2
    assert list(n.rows["area"]) == ["370103002000", "370103008000"]
    assert list(n.rows["row"]) == [4, 5]  # block, blank line, header, then data
    assert list(n.rows["value"]) == [12.0, 7.0]


def test_xlsx_title_block_blank_rows_total_and_footer(vocab):
    rows = [
        row(area="大观园", value=1),
        ["", "", "", "", "", "", "", ""],  # a blank row inside the table
        row(area="杆石桥", value=2),
        ["合计", "", "", "", "", "", 3, ""],
        ["填表说明：数值为期末数", "", "", "", "", "", "", ""],
    ]
    n = read(xlsx_bytes(rows), "t.xlsx", vocab)
    first = first_data_row()
    assert list(n.rows["row"]) == [first, first + 2]
    assert list(n.rows["area"]) == ["370103002000", "370103003000"]
    assert n.meta["填报单位"] == "区教育体育局"
    assert n.skipped_totals == 1


def test_table_not_at_a1_keeps_excel_letters_and_rows(vocab):
    data = xlsx_bytes([row(value="abc")], origin=(3, 3))  # title in C3
    n = read(data, "t.xlsx", vocab)
    rec = n.rows.iloc[0]
    assert rec["value_col"] == "I" and rec["value_header"] == "数值"  # C + 6
    assert rec["row"] == 3 + 1 + 1 + 1 + 1  # title, block, blank, header → data


def test_english_headers_and_no_block(vocab):
    header = ["indicator_id", "area", "period", "value", "note"]
    data = csv_bytes(
        [["fitness.instructors", "370103002000", "2024-Q1", "5", "ok"]], header=header, block=False
    )
    n = read(data, "en.csv", vocab)
    assert n.rows.iloc[0][["indicator", "area", "period", "value", "note"]].tolist() == [
        "fitness.instructors", "370103002000", "2024Q1", 5.0, "ok",
    ]  # fmt: skip


def test_wide_layout_names_units_and_reference_columns(vocab):
    header = [
        "地区代码",
        "地区",
        "公益社会体育指导员人数（人）",
        "上期值（2023Q4）",
        "经常参加体育锻炼人数比例(%)",
    ]
    rows = [
        ["370103", "市中区", 300, 280, 40.5],
        ["", "大观园街道", 20, 18, ""],  # an empty cell is "not reported"
        ["", "合计", 320, "", ""],
    ]
    n = read(xlsx_bytes(rows, header=header), "wide.xlsx", vocab)
    assert n.layout == "wide"
    got = n.rows[["indicator", "area", "period", "value", "value_col"]].values.tolist()
    first = first_data_row()
    assert got == [
        ["fitness.instructors", "370103", "2024Q1", 300.0, "C"],
        ["fitness.regular_exercise_rate", "370103", "2024Q1", 40.5, "E"],
        ["fitness.instructors", "370103002000", "2024Q1", 20.0, "C"],
    ]
    assert list(n.rows["row"]) == [first, first, first + 1]
    assert n.rows.iloc[1]["value_header"] == "经常参加体育锻炼人数比例(%)"


def test_merged_header_of_a_second_sheet_is_found(vocab):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "填表说明：见第二张表"
    sh = wb.create_sheet("数据")
    sh.append(LONG)
    sh.append(row(value=3))
    out = io.BytesIO()
    wb.save(out)
    n = read(out.getvalue(), "two.xlsx", vocab)
    assert n.sheet == "数据" and list(n.rows["row"]) == [2]


def test_formula_cells_are_never_evaluated(vocab):
    data = xlsx_bytes(
        [row(value=5, note="=1+1"), row(area="杆石桥", value=6, note='=HYPERLINK("x")')]
    )
    n = read(data, "f.xlsx", vocab)
    assert list(n.rows["note"]) == ["=1+1", '=HYPERLINK("x")']


def test_no_header_is_refused_with_the_expected_names(vocab):
    data = csv_bytes([["a", "b", "c"], [1, 2, 3]], header=["甲", "乙", "丙"], block=False)
    with pytest.raises(FileRejected, match=r"x\.csv .*找不到表头.*指标代码.*数值") as exc:
        read_table(data, "x.csv", vocab.match_header)
    assert exc.value.code == "no_header"


def test_utf16_text_with_tabs(vocab):
    text = "\t".join(LONG) + "\n" + "\t".join(str(v) for v in row(value=4)) + "\n"
    n = read(text.encode("utf-16"), "u16.csv", vocab)
    assert list(n.rows["value"]) == [4.0]


def test_a_stray_far_cell_does_not_blow_up_the_grid(vocab):
    import io

    from openpyxl import load_workbook

    for far in ("XFD1048576", "Z1048576", "A900000"):
        wb = load_workbook(io.BytesIO(xlsx_bytes([row()])))
        wb.active[far] = "x"
        out = io.BytesIO()
        wb.save(out)
        with pytest.raises(FileRejected, match="far.xlsx 中工作表的使用范围过大"):
            read_table(out.getvalue(), "far.xlsx", vocab.match_header)
    with pytest.raises(FileRejected, match="wide.csv 的表格范围过大"):
        read_table(("," * 5000 + "\n").encode(), "wide.csv", vocab.match_header)
