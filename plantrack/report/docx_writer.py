"""The report as a Word document (python-docx).

Fonts are set for East Asian text explicitly (``w:eastAsia``: 宋体 body, 黑体 headings), theme
fonts are removed from the heading styles so Word does not substitute them, and the footer
carries a PAGE field. The 主要指标 table sits in a landscape section; its 评价 column is shaded
with the verdict's light colour.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from plantrack.report.content import SECTIONS, ReportContent
from plantrack.report.rows import COLUMNS, FILLS, WIDTHS
from plantrack.report.tasks import KIND_NAMES, STATUSES

BODY_FONT, HEAD_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr_owner, east_asia: str, size: float | None = None, bold: bool | None = None):
    """Latin and East Asian font of a style or a run (theme fonts removed)."""
    font = rpr_owner.font
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _styles(doc) -> None:
    set_fonts(doc.styles["Normal"], BODY_FONT, 12)
    for level, size in ((1, 16), (2, 14)):
        style = doc.styles[f"Heading {level}"]
        set_fonts(style, HEAD_FONT, size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(doc.styles["Title"], HEAD_FONT, 22, bold=False)


def _field(paragraph, instr: str) -> None:
    """A Word field (PAGE …): begin, instruction, separate, placeholder result, end."""

    def fld_char(kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(el)

    fld_char("begin")
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = f" {instr} "
    paragraph.add_run()._r.append(instr_el)
    fld_char("separate")
    paragraph.add_run("1")
    fld_char("end")


def _footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    _field(p, "PAGE")
    p.add_run(" 页")


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _table(doc, header: list[str], rows: list[list[str]], widths=None, size=9, fills=None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, name, size, bold=True)
        _shade(cell, "D9E2F3")
    for i, values in enumerate(rows):
        cells = table.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, values, strict=True)):
            _cell_text(cell, value, size)
            if fills and (i, j) in fills:
                _shade(cell, fills[(i, j)])
    if widths:
        total = sum(widths)
        sec = doc.sections[-1]
        usable = sec.page_width - sec.left_margin - sec.right_margin
        for row in table.rows:
            for cell, w in zip(row.cells, widths, strict=True):
                cell.width = int(usable * w / total)
    return table


def _cell_text(cell, value: str, size: float, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(value)
    set_fonts(run, HEAD_FONT if bold else BODY_FONT, size, bold=False)
    p.paragraph_format.space_after = Pt(0)


def _text(doc, text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            p = doc.add_paragraph(line.strip())
            p.paragraph_format.first_line_indent = Pt(24)
            p.paragraph_format.line_spacing = 1.25


def _title_page(doc, c: ReportContent) -> None:
    for _ in range(5):
        doc.add_paragraph()
    p = doc.add_paragraph(style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(c.title)
    for line in c.title_lines:
        q = doc.add_paragraph(line)
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _new_section(doc, landscape: bool):
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.different_first_page_header_footer = False
    width, height = sorted((sec.page_width, sec.page_height))
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (height, width) if landscape else (width, height)
    _margins(sec, landscape)
    for numbering in sec._sectPr.findall(qn("w:pgNumType")):  # numbering continues
        sec._sectPr.remove(numbering)
    return sec


def _margins(sec, landscape: bool) -> None:
    """GB/T 9704 margins on portrait pages (37/35/28/26 mm); narrower on the landscape table."""
    if landscape:
        sec.top_margin = sec.bottom_margin = sec.left_margin = sec.right_margin = Cm(2)
    else:
        sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
        sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)


def _plan_tasks(doc, c: ReportContent) -> None:
    """One sub-section per plan's key tasks (built in report/tasks.py)."""
    for sec in c.tasks.plan_sections:
        doc.add_heading(sec.heading, level=2)
        _text(doc, sec.text)
        _table(doc, sec.header, sec.rows, sec.widths, 9)


def _tasks(doc, c: ReportContent) -> None:
    s = c.tasks
    if not s.available or not s.total:
        return
    header = ["类别", *STATUSES, "合计"]
    rows = [
        [KIND_NAMES[k], *(str(n[st]) for st in STATUSES), str(sum(n.values()))]
        for k, n in s.counts.items()
    ]
    _table(doc, header, rows, size=10.5)
    if not s.overdue.empty:
        doc.add_paragraph("逾期未完成事项：")
        rows = [
            [str(i + 1), r.title, r.units, r.deadline_text, r.label]  # type: ignore[list-item]
            for i, r in enumerate(s.overdue.itertuples())
        ]
        _table(doc, ["序号", "事项", "责任单位", "完成时限", "状态"], rows, [2, 12, 10, 5, 6])


def build_docx(c: ReportContent, charts: list[tuple[str, bytes]]) -> bytes:
    doc = Document()
    _styles(doc)
    first = doc.sections[0]
    first.page_width, first.page_height = Cm(21), Cm(29.7)
    _margins(first, landscape=False)
    first.different_first_page_header_footer = True  # no page number on the title page
    numbering = OxmlElement("w:pgNumType")  # the title page is page 0: the text starts at 1
    numbering.set(qn("w:start"), "0")
    first._sectPr.find(qn("w:cols")).addprevious(numbering)  # schema order: before w:cols
    _footer(first)
    _title_page(doc, c)
    heads = dict(SECTIONS)
    doc.add_heading(heads["overview"], level=1)
    _text(doc, c.narrative["overview"])
    order = [v for v in c.counts if c.counts[v]]
    _table(doc, ["评价", "指标个数"], [[v, str(c.counts[v])] for v in order], size=10.5)
    doc.add_heading(heads["indicators"], level=1)
    _text(doc, c.narrative["indicators"])
    _new_section(doc, landscape=True)
    doc.add_paragraph(f"表1  {c.area_name}主要指标完成情况（评估基准日 {c.as_of:%Y-%m-%d}）")
    fills = {(i, COLUMNS.index("评价")): FILLS[r["_light"]] for i, r in enumerate(c.rows)}
    _table(doc, COLUMNS, [[r[k] for k in COLUMNS] for r in c.rows], WIDTHS, 9, fills)
    _new_section(doc, landscape=False)
    for caption, png in charts:
        doc.add_picture(io.BytesIO(png), width=Cm(15.4))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap = doc.add_paragraph(caption)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(heads["tasks"], level=1)
    _text(doc, c.narrative["tasks"])
    _tasks(doc, c)
    _plan_tasks(doc, c)
    doc.add_heading(heads["problems"], level=1)
    _text(doc, c.narrative["problems"])
    doc.add_heading(heads["next_steps"], level=1)
    _text(doc, c.narrative["next_steps"])
    doc.add_heading(heads["methods"], level=1)
    _text(doc, "\n".join(c.methods))
    doc.add_paragraph(f"指标配置哈希：{c.config_hash}")
    doc.add_paragraph(f"使用的上报批次：{'、'.join(str(b) for b in c.batch_ids) or '无'}")
    rows: list[list[str]] = [
        [str(b.id), f"{b.created_at:%Y-%m-%d %H:%M}", b.file_name or "", b.user_name, b.source]  # type: ignore[list-item]
        for b in c.batches.itertuples()
    ]
    _table(doc, ["批次", "入库时间", "文件", "上报人", "来源"], rows, [2, 5, 9, 5, 3])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
