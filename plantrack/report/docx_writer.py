"""The report as a Word document (python-docx).

Fonts are set for East Asian text explicitly (``w:eastAsia``: 宋体 body, 黑体 headings), theme
fonts are removed from the heading styles so Word does not substitute them, and the footer
carries a PAGE field. The 主要指标 table sits in a landscape section; its 评价 column is shaded
with the verdict's light colour.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from plantrack.report.content import SECTIONS, ReportContent
from plantrack.report.narrative import ordinal
from plantrack.report.rows import COLUMNS, FILLS, SOURCES, WIDTHS
from plantrack.report.tasks import KIND_NAMES, status_columns
from plantrack.report.wording import DEMO_MARK

# GB/T 9704: 标题 方正小标宋, 一级标题 黑体, 二级标题 楷体, 正文 仿宋 (三号). Word and WPS use them
# where installed; ``w:altName`` names the usual substitutes (LibreOffice falls back by
# fontconfig to a CJK serif / sans face).
TITLE_FONT, BODY_FONT, HEAD_FONT, SUB_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
TABLE_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
SUBHEAD = re.compile(r"^（[一二三四五六七八九十\d]+）")


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
    set_fonts(doc.styles["Normal"], BODY_FONT, 16)
    for level, font, size in ((1, HEAD_FONT, 16), (2, SUB_FONT, 16)):
        style = doc.styles[f"Heading {level}"]
        set_fonts(style, font, size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
    set_fonts(doc.styles["Title"], TITLE_FONT, 22, bold=False)
    doc.styles["Title"].font.color.rgb = RGBColor(0, 0, 0)
    caption = doc.styles["Caption"]
    set_fonts(caption, HEAD_FONT, 12, bold=False)
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.font.italic = False
    update = OxmlElement("w:updateFields")  # Word refreshes the 目录 field when it opens
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _field(paragraph, instr: str, result: str = "1") -> None:
    """A Word field (PAGE, TOC …): begin, instruction, separate, result text, end."""

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
    lines = result.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    fld_char("end")


def _header_footer(section, demo: bool) -> None:
    """Page number in the footer; the demo mark in the header of every page (first too)."""
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if footer is section.footer:
            p.add_run("— ")
            _field(p, "PAGE")
            p.add_run(" —")
    if demo:
        for header in (section.header, section.first_page_header):
            p = header.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(DEMO_MARK)
            set_fonts(run, HEAD_FONT, 10.5)
            run.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _row_props(row, header: bool = False, keep: bool = False) -> None:
    """A row never splits across pages; the header row repeats on every page; header and
    plan rows stay with the row below them (no orphaned header at a page foot)."""
    if header or keep:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    tr_pr = row._tr.get_or_add_trPr()
    tags = ["w:cantSplit", *(["w:tblHeader"] if header else [])]
    for tag in tags:
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


CELL_MARGIN_TWIPS = 57  # 1 mm
CHART_CM = 14.0  # chart width: three charts with their captions fill a portrait page


def _grid(table, widths: list[int]) -> None:
    """Fixed layout with w:tblGrid gridCol = each cell's w:tcW (LibreOffice and WPS read the
    grid: without it they drew equal columns and split numbers like “39.｜7”)."""
    tbl = table._tbl
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for w in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(int(w / 635)))  # EMU → twips
        grid.append(col)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")  # 1 mm each side (Word's 1.9 mm wrapped “序号”)
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    look = tbl.tblPr.find(qn("w:tblLook"))  # schema order: … tblLayout, tblCellMar, tblLook
    for el in (layout, margins):
        if look is not None:
            look.addprevious(el)
        else:
            tbl.tblPr.append(el)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = w


def caption(doc, text: str):
    p = doc.add_paragraph(text, style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    return p


def _note(doc, text: str) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    set_fonts(run, BODY_FONT, 10.5)
    p.paragraph_format.space_after = Pt(6)


def _table(
    doc, header: list[str], rows: list[list[str]], widths=None, size=10.5, fills=None, groups=None
):
    """A table with its grid; ``groups`` maps a row index to a plan name shown above it."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, name, size, bold=True)
        _shade(cell, "D9E2F3")
    _row_props(table.rows[0], header=True)
    for i, values in enumerate(rows):
        if groups and i in groups:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, groups[i], size, bold=True)
            _shade(merged, "F2F2F2")
            _row_props(table.rows[-1], keep=True)
        cells = table.add_row().cells
        _row_props(table.rows[-1])
        for j, (cell, value) in enumerate(zip(cells, values, strict=True)):
            _cell_text(cell, value, size)
            if fills and (i, j) in fills:
                _shade(cell, fills[(i, j)])
    sec = doc.sections[-1]
    usable = sec.page_width - sec.left_margin - sec.right_margin
    widths = widths or [1] * len(header)
    total = sum(widths)
    _grid(table, [int(usable * w / total) for w in widths])
    return table


def _cell_text(cell, value: str, size: float, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(value)
    set_fonts(run, HEAD_FONT if bold else TABLE_FONT, size, bold=False)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing = 1.0


def _text(doc, text: str) -> None:
    """One paragraph per line; （一）… lines as second-level headings (楷体)."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if SUBHEAD.match(line) and len(line) < 40:
            doc.add_heading(line, level=2)
            continue
        p = doc.add_paragraph(line)
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.line_spacing = Pt(28)
        p.paragraph_format.space_after = Pt(0)


def _title_page(doc, c: ReportContent) -> None:
    for _ in range(3):
        doc.add_paragraph()
    p = doc.add_paragraph(style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(c.title)
    for line in c.title_lines:
        q = doc.add_paragraph(line)
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in q.runs:
            set_fonts(run, BODY_FONT, 14)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _contents(doc, c: ReportContent, heads: dict[str, str]) -> None:
    """目录: a TOC field (Word fills in page numbers), prefilled with the headings."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(p.add_run("目  录"), HEAD_FONT, 16)
    lines = []
    for key, head in SECTIONS:
        lines.append(head)
        text = c.narrative.get(key, "")
        lines += [
            f"    {x.strip()}"
            for x in text.splitlines()
            if SUBHEAD.match(x.strip()) and len(x.strip()) < 40
        ]
    toc = doc.add_paragraph()
    _field(toc, 'TOC \\o "1-2" \\h \\z \\u', "\n".join(lines))
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
    sec.header_distance = sec.footer_distance = Cm(1.5)


def _plan_tasks(doc, c: ReportContent, n: list[int]) -> None:
    """One sub-section per plan's key tasks (built in report/tasks.py), its table numbered."""
    for sec in c.tasks.plan_sections:
        doc.add_heading(sec.heading, level=2)
        _text(doc, sec.text)
        n[0] += 1
        caption(doc, f"表{n[0]}  {sec.caption}{_demo(c)}")
        _table(doc, sec.header, sec.rows, sec.widths, 9)


def _tasks(doc, c: ReportContent, n: list[int]) -> None:
    s = c.tasks
    if not s.available or not s.total:
        return
    cols = status_columns(c.final)
    header = ["类别", *(h for _, h in cols), "合计"]
    rows = [
        [KIND_NAMES[k], *(str(v[st]) for st, _ in cols), str(sum(v.values()))]
        for k, v in s.counts.items()
    ]
    n[0] += 1
    caption(doc, f"表{n[0]}  重点任务推进情况{_demo(c)}")
    _table(doc, header, rows, [6, *([3] * len(cols)), 3], size=10.5)
    if not s.overdue.empty:
        n[0] += 1
        word = "未完成" if c.final else "逾期未完成"
        caption(doc, f"表{n[0]}  {word}的重点任务{_demo(c)}")
        rows = [
            [str(i + 1), str(r.title), str(r.units), str(r.deadline_text), word]
            for i, r in enumerate(s.overdue.itertuples())
        ]
        _table(doc, ["序号", "事项", "责任单位", "完成时限", "状态"], rows, [3, 11, 9, 5, 6])


def _demo(c: ReportContent) -> str:
    return "（示例数据）" if c.is_demo else ""


def source_line(c: ReportContent) -> str:
    text = f"数据来源：各牵头部门上报，截至{c.known_on.year}年{c.known_on.month}月{c.known_on.day}日入库。"
    return text + (f"{DEMO_MARK}。" if c.is_demo else "")


def batch_row(b: dict) -> list[str]:
    """One row of 附表1 (batches used), every cell as text."""
    created = b["created_at"]
    when = f"{created:%Y-%m-%d %H:%M}" if hasattr(created, "strftime") else str(created)
    source = str(b["source"])
    return [
        str(b["id"]),
        when,
        str(b["file_name"] or ""),
        str(b["user_name"]),
        SOURCES.get(source, source),
    ]


def main_table_rows(c: ReportContent) -> tuple[list[list[str]], dict[int, str]]:
    """The 主要指标 rows and the plan heading above the first row of each plan."""
    rows = [[r[k] for k in COLUMNS] for r in c.rows]
    groups: dict[int, str] = {}
    for i, r in enumerate(c.rows):
        if i == 0 or c.rows[i - 1]["_plan"] != r["_plan"]:
            k = len(groups)
            groups[i] = f"{ordinal(k)}《{c.plan_names.get(r['_plan'], r['_plan'])}》"
    return rows, groups


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
    _header_footer(first, c.is_demo)
    _title_page(doc, c)
    heads = dict(SECTIONS)
    _contents(doc, c, heads)
    doc.add_heading(heads["overview"], level=1)
    _text(doc, c.narrative["overview"])
    _new_section(doc, landscape=True)
    doc.add_heading(heads["indicators"], level=1)
    _text(doc, c.narrative["indicators"])
    n = [1]
    caption(
        doc,
        f"表1  {c.area_name}主要指标完成情况（评估基准日{c.as_of.year}年{c.as_of.month}月{c.as_of.day}日）{_demo(c)}",
    )
    fills = {(i, COLUMNS.index("评价")): FILLS[r["_light"]] for i, r in enumerate(c.rows)}
    rows, groups = main_table_rows(c)
    _table(doc, COLUMNS, rows, WIDTHS, 9, fills, groups)
    _note(doc, source_line(c))
    _new_section(doc, landscape=False)
    for cap, png in charts:
        doc.add_picture(io.BytesIO(png), width=Cm(CHART_CM))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        caption(doc, cap + _demo(c))
    doc.add_heading(heads["tasks"], level=1)
    _text(doc, c.narrative["tasks"])
    _tasks(doc, c, n)
    _plan_tasks(doc, c, n)
    doc.add_heading(heads["problems"], level=1)
    _text(doc, c.narrative["problems"])
    doc.add_heading(heads["next_steps"], level=1)
    _text(doc, c.narrative["next_steps"])
    doc.add_heading(heads["methods"], level=1)
    _text(doc, "\n".join(c.methods))
    # 附表1 starts a page: it then fits one page with its note (in LibreOffice, following the
    # methods it left its last rows and the note alone on a nearly empty last page)
    caption(doc, f"附表1  使用的上报批次{_demo(c)}").paragraph_format.page_break_before = True
    rows = [batch_row(b) for b in c.batches.to_dict(orient="records")]
    _table(doc, ["批次", "入库时间", "文件", "上报人", "来源"], rows, [2, 5, 7, 6, 3], size=9)
    batches = "、".join(str(b) for b in c.batch_ids) or "无"
    _note(
        doc,
        f"使用的上报批次：{batches}；指标配置编码：{c.config_hash}；数据指纹：{c.fingerprint}。",
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
