"""The report as readers see it (#13 items 6, 7, 9, 10): Word rendered by LibreOffice and the
PDF, both turned into text (pdftotext) and page images (pdftoppm, tests/artifacts/report/)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from plantrack.report import build_content, render
from plantrack.report.figures import DPI, LEGEND_PT, _y_range, report_charts
from plantrack.report.pdf_writer import wrap
from plantrack.report.wording import DEMO_MARK
from plantrack.workspace import open_workspace
from tests.conftest import ROOT, make_settings

ARTIFACTS = ROOT / "tests" / "artifacts" / "report"
FORBIDDEN_START = "〕）。、；」，：？！》"
KNOWN = date(2026, 6, 30)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is needed (.ci/run installs libreoffice-writer-nogui poppler-utils)")
    return path


@pytest.fixture(scope="module")
def rendered(demo_db, tmp_path_factory) -> dict[str, list[str]]:
    """Pages of text of: the Word file through LibreOffice, and the PDF (mid and final)."""
    ws = open_workspace(settings=make_settings(demo_db))
    out = tmp_path_factory.mktemp("render")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages: dict[str, list[str]] = {}
    for name, as_of in (("mid", date(2023, 12, 31)), ("final", date(2026, 3, 31))):
        c = build_content(ws, as_of, KNOWN, issued=date(2026, 7, 1))
        charts = report_charts(c)
        (out / f"{name}.docx").write_bytes(render(c, ".docx", charts))
        (out / f"{name}_fpdf.pdf").write_bytes(render(c, ".pdf", charts))
        subprocess.run(
            [_tool("soffice"), "--headless", f"-env:UserInstallation=file://{out}/lo",
             "--convert-to", "pdf", "--outdir", str(out / "lo"), str(out / f"{name}.docx")],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        for kind, pdf in (("word", out / "lo" / f"{name}.pdf"), ("pdf", out / f"{name}_fpdf.pdf")):
            text = subprocess.run(
                [_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout
            pages[f"{name}_{kind}"] = text.split("\f")[:-1]
            for old in ARTIFACTS.glob(f"{name}_{kind}-*.png"):
                old.unlink()
            subprocess.run(
                [
                    _tool("pdftoppm"),
                    "-r",
                    "60",
                    "-png",
                    str(pdf),
                    str(ARTIFACTS / f"{name}_{kind}"),
                ],
                check=True,
                timeout=300,
            )
    return pages


def test_every_page_of_word_and_pdf_carries_the_demo_mark(rendered):
    for name, pages in rendered.items():
        assert len(pages) >= 8, name
        for i, page in enumerate(pages):
            assert DEMO_MARK in page.replace("\n", ""), f"{name} page {i + 1}"


def test_no_line_starts_with_closing_punctuation_and_no_number_is_split(rendered):
    for name, pages in rendered.items():
        for i, page in enumerate(pages):
            lines = [x.strip() for x in page.splitlines() if x.strip()]
            for a, b in zip(lines, lines[1:], strict=False):
                assert b[0] not in FORBIDDEN_START or name.endswith("word"), (name, i + 1, a, b)
                assert not (re.search(r"\d[.,]$", a) and re.match(r"\d", b)), (name, i + 1, a, b)
                # (a cell holding only the unit “%” is not a split number)
                assert not (re.search(r"\d$", a) and re.match(r"[.,]\d|%.", b)), (name, i + 1, a, b)


def test_pdf_line_breaking_rules():
    def measure(s: str) -> float:
        return float(len(s))

    lines = wrap("完成进度为39.7%，低于时序进度60.0%。（见表1）", 9, measure)
    assert all(x[0] not in FORBIDDEN_START for x in lines[1:]), lines
    assert not any(x.endswith("（") for x in lines), lines
    assert any("39.7%" in x for x in lines) and any("60.0%" in x for x in lines), lines
    # two closing marks in a row at the break ("…百分点）。"): both go down with a character
    for width in range(4, 12):
        lines = wrap("低于时序进度30个百分点）。五、指示灯", width, measure)
        assert all(x[0] not in FORBIDDEN_START for x in lines[1:]), (width, lines)


def test_structure_contents_captions_and_appendix(rendered):
    for name in ("mid_word", "mid_pdf"):
        text = "\n".join(rendered[name])
        assert "目  录" in text or "目 录" in text, name
        assert re.search(r"表\s*1\s+市中区主要指标完成情况", text), name
        assert re.search(r"图\s*1\s+", text) and re.search(r"附表\s*1", text), name
        assert "（一）《全民健身实施计划》" in text, name
    final = "\n".join(rendered["final_word"] + rendered["final_pdf"])
    for banned in ("按现有增速", "时间过半、任务过半"):
        assert banned not in final


def test_word_table_grid_matches_cells_rows_do_not_split_header_repeats(demo_ws):
    c = build_content(demo_ws, date(2023, 12, 31), KNOWN)
    doc = Document(io.BytesIO(render(c, ".docx", charts=[])))
    assert doc.tables
    for table in doc.tables:
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        first = [c for c in table.rows[0]._tr.findall(qn("w:tc"))]
        widths = [int(tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w"))) for tc in first]
        assert all(abs(g - w) <= 1 for g, w in zip(grid, widths, strict=True))
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    main = next(t for t in doc.tables if t.rows[0].cells[1].text == "指标名称")
    cols = [int(g.get(qn("w:w"))) for g in main._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(cols) == 12 and len(set(cols)) > 3  # not 12 equal columns
    assert "TOC" in doc.element.body.xml  # the 目录 field
    for sec in doc.sections:
        assert DEMO_MARK in sec.header.paragraphs[0].text


def test_charts_have_unit_axis_source_line_legible_legend_and_resolution(demo_ws):
    c = build_content(demo_ws, date(2023, 12, 31), KNOWN)
    charts = report_charts(c)
    assert DPI >= 200 and LEGEND_PT >= 8
    for caption, png in charts[:3]:
        im = Image.open(io.BytesIO(png))
        assert im.info["dpi"][0] >= 199 and im.width >= 1400, caption
        assert re.match(r"图\d+\s+\S", caption)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i in (0, 10):
        (ARTIFACTS / f"chart_{i + 1}.png").write_bytes(charts[i][1])

    class Axis:
        def set_ylim(self, lo, hi):
            self.lim = (lo, hi)

    ax = Axis()
    _y_range(ax, [1.0, 1.0, 1.0])  # a flat count starts at zero, not a 0.96–1.04 axis
    assert ax.lim[0] == 0.0 and ax.lim[1] > 1.0
    _y_range(ax, [37.4, 39.7, 41.0])
    assert 30 < ax.lim[0] < 37.4 and ax.lim[1] > 41.0


def test_chart_text_names_unit_and_source(demo_ws, monkeypatch):
    from matplotlib.figure import Figure

    seen: list[str] = []
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        seen.extend(t.get_text() for t in self.texts)
        ax = self.axes[0]
        seen.append(ax.get_ylabel())
        legend = ax.get_legend()
        seen.extend(x.get_text() for x in legend.get_texts())
        assert all(x.get_text().strip() for x in legend.get_texts())
        assert min(x.get_fontsize() for x in legend.get_texts()) >= 8
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    c = build_content(demo_ws, date(2023, 12, 31), KNOWN)
    report_charts(c)
    assert any(s.startswith("单位：") for s in seen)
    assert any(s.startswith("数据来源：") for s in seen)
    assert any(DEMO_MARK in s for s in seen)


def test_a_code_or_hash_never_splits_across_lines(rendered):
    """The 16-character 数据指纹 stays whole (fpdf split it “7｜d97c5…” at a line end)."""
    for name, pages in rendered.items():
        found = re.findall(r"数据指纹：?\s*([0-9a-f]*)", "\n".join(pages))
        assert found, name
        assert all(len(x) == 16 for x in found), (name, found)
    lines = wrap("数据指纹：7d97c5a3aebc21fb。", 8, lambda s: float(len(s)))
    assert any("7d97c5a3aebc21fb" in x for x in lines), lines


def test_word_charts_fill_pages_and_no_page_is_near_empty(rendered):
    """Three charts with their captions on a Word page (two left a third of it blank), and
    the last page holds more than a line or two (LibreOffice left 3 batch rows on one)."""
    for name in ("mid_word", "final_word"):
        per_page = [len(re.findall(r"图\s*\d+\s+\S", p)) for p in rendered[name]]
        chart_pages = [n for n in per_page if n]
        assert chart_pages and all(n == 3 for n in chart_pages[:-1]), (name, per_page)
    for name, pages in rendered.items():
        body = re.sub(r"\s|—\s*\d+\s*—", "", pages[-1].replace(DEMO_MARK, ""))
        assert len(body) > 300, (name, body)


def test_word_header_cells_do_not_wrap_mid_word(rendered):
    """Narrow columns hold their header and 属性 whole (“序｜号”, “约束｜性” in LibreOffice)."""
    for name in ("mid_word", "final_word"):
        for i, page in enumerate(rendered[name]):
            lines = [x.strip() for x in page.splitlines()]
            for a, b in zip(lines, lines[1:], strict=False):
                assert (a, b[:1]) not in {("序", "号"), ("约束", "性"), ("预期", "性")}, (name, i)


def test_every_table_has_a_numbered_caption(demo_ws):
    """Each table of the Word file follows its caption (表N / 附表N); the plans' key-task
    tables in §三 had none. The PDF numbers them the same way."""
    c = build_content(demo_ws, date(2023, 12, 31), KNOWN)
    assert c.tasks.plan_sections, "the demo has plans with key tasks"
    doc = Document(io.BytesIO(render(c, ".docx", charts=[])))
    body = list(doc.element.body.iterchildren())
    numbers = []
    for i, el in enumerate(body):
        if el.tag != qn("w:tbl"):
            continue
        before = "".join(t.text or "" for t in body[i - 1].iter(qn("w:t")))
        found = re.match(r"(附?表)(\d+)\s", before)
        assert found, ("no caption before a table", before[:40])
        numbers.append(found.group(1) + found.group(2))
    main = [n for n in numbers if n.startswith("表")]
    assert main == [f"表{k}" for k in range(1, len(main) + 1)], numbers
    assert len(main) >= 3 + len(c.tasks.plan_sections)
    pdf = render(c, ".pdf", charts=[])
    text = subprocess.run(
        [_tool("pdftotext"), "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode()
    for sec in c.tasks.plan_sections:
        assert re.search(rf"表\s*\d+\s+{re.escape(sec.caption)}", text.replace("\n", "")), (
            sec.caption
        )


def test_word_appendix_table_starts_its_own_page(demo_ws):
    """附表1 with its note on one page (LibreOffice left its last rows alone on a last page)."""
    c = build_content(demo_ws, date(2025, 12, 31), KNOWN)
    doc = Document(io.BytesIO(render(c, ".docx", charts=[])))
    cap = next(p for p in doc.paragraphs if p.text.startswith("附表1"))
    assert cap.paragraph_format.page_break_before is True
