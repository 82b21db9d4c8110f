"""The report as PDF, drawn directly with fpdf2 (pip only: no LibreOffice, no system fonts).

Chinese text uses Noto Sans CJK SC from the pip package ``noto-cjk-sans-otc`` (face 2 of its
OpenType collection), embedded as a subset. The same content as the Word file: title page,
the sections, the 主要指标 table (landscape, 评价 cells shaded), the charts, page numbers.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from plantrack.report.content import SECTIONS, ReportContent
from plantrack.report.docx_writer import SUBHEAD
from plantrack.report.output import PDF_HINT, PdfUnavailable
from plantrack.report.rows import COLUMNS, FILLS, WIDTHS
from plantrack.report.tasks import KIND_NAMES, status_columns
from plantrack.report.wording import DEMO_MARK

FONT = "NotoSansCJK"  # headings (黑体 role)
BODY = "Body"  # body text: Noto Serif CJK SC where the system has it (宋/仿宋 role)
SC_FACE = 2  # Noto*CJK-Regular.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
SERIF_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc"),
)
# GB/T 15834 / JIS X 4051 line-breaking: these never start a line, those never end one.
NO_START = set("，。、；：？！）》」』】〕〗’”…—·%％‰)]}!,.:;?")
NO_END = set("（《「『【〔〖‘“([{")
# a Latin word or a code with letters and digits ("7d97c5…", a hash) first, whole; then numbers
NUMBER = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[-+]?[0-9][0-9,.]*%?")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _tokens(text: str) -> list[str]:
    """Characters, with numbers and Latin words kept whole (a number never splits)."""
    out, i = [], 0
    while i < len(text):
        m = NUMBER.match(text, i)
        if m and m.end() > i:
            out.append(m.group())
            i = m.end()
        else:
            out.append(text[i])
            i += 1
    return out


def wrap(text: str, width: float, measure) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (``measure`` gives a string's width), with
    Chinese line-breaking rules: no closing mark at a line start, no opening mark at a line
    end, no number split (a too-long token is cut only when it alone overflows a line)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line: list[str] = []
        for tok in _tokens(para):
            if not line or measure("".join(line) + tok) <= width:
                line.append(tok)
                continue
            carry: list[str] = []
            if tok[0] in NO_START:  # pull the last token down with it (and past closing marks)
                while len(line) > 1 and (not carry or carry[0][0] in NO_START):
                    carry.insert(0, line.pop())
            while len(line) > 1 and line[-1][-1] in NO_END:
                carry.insert(0, line.pop())
            lines.append("".join(line))
            line = [*carry, tok]
        lines.append("".join(line))
    return lines


class ReportPdf(FPDF):
    demo: bool = False

    def header(self) -> None:
        if self.demo:
            self.set_y(8)
            self.set_font(FONT, size=9)
            self.set_text_color(198, 40, 40)
            self.cell(0, 5, DEMO_MARK, align="C")
            self.set_text_color(0, 0, 0)
            self.set_y(self.t_margin)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(FONT, size=9)
        self.cell(0, 8, f"— {self.page_no() - 1} —", align="C")


def _pdf() -> ReportPdf:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        raise PdfUnavailable(
            "缺少中文字体包 noto-cjk-sans-otc，无法生成 PDF；" + PDF_HINT
        ) from None
    pdf = ReportPdf(format="A4")
    for style in ("", "B"):
        pdf.add_font(FONT, style, str(noto_cjk_sans_otc.FONT_PATH), collection_font_number=SC_FACE)
    serif = next((p for p in SERIF_PATHS if p.exists()), None)
    body = str(serif) if serif else str(noto_cjk_sans_otc.FONT_PATH)
    pdf.add_font(BODY, "", body, collection_font_number=SC_FACE)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    return pdf


def _lines(pdf: FPDF, h: float, text: str, align: str = "J") -> None:
    """Wrapped text at the left margin (Chinese line-breaking); the cursor ends below it."""
    pdf.set_x(pdf.l_margin)
    lines = wrap(text, pdf.epw - 2 * pdf.c_margin - 3, pdf.get_string_width)
    pdf.multi_cell(
        0, h, "\n".join(lines), align="L" if align == "J" else align,
        wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip


def _para(pdf: FPDF, text: str, size: float = 11) -> None:
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if SUBHEAD.match(line) and len(line) < 40:
            pdf.set_font(FONT, size=size + 1)
            pdf.start_section(line, level=1)
            _lines(pdf, size * 0.7, line, "L")
            pdf.ln(1)
            continue
        pdf.set_font(BODY, size=size)
        _lines(pdf, size * 0.62, "\u3000\u3000" + line)
        pdf.ln(1.5)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, size=15)
    pdf.start_section(text, level=0)
    _lines(pdf, 9, text, "L")
    pdf.ln(1)


def _caption(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, size=10)
    _lines(pdf, 6, text, "C")


def _table(
    pdf: FPDF,
    header: list[str],
    rows: list[list[str]],
    widths=None,
    fills=None,
    size=8,
    groups=None,
):
    """A table whose cell texts are wrapped beforehand by :func:`wrap` (fpdf2 would break
    anywhere); ``groups`` maps a row index to a plan heading row above it."""
    pdf.set_font(BODY, size=size)
    widths = widths or [1] * len(header)
    padding = 0.8
    cols = [pdf.epw * w / sum(widths) - 2 * padding - 0.6 for w in widths]

    def fit(v: str, j: int) -> str:
        return "\n".join(wrap(v, cols[j], pdf.get_string_width))

    head = FontFace(family=FONT, emphasis="", fill_color=_rgb("D9E2F3"))
    group_style = FontFace(family=FONT, emphasis="", fill_color=_rgb("F2F2F2"))
    with pdf.table(
        col_widths=widths,
        headings_style=head,
        line_height=size * 0.5,
        text_align="LEFT",
        wrapmode=WrapMode.CHAR,
        padding=padding,
    ) as table:
        row = table.row()
        for j, h in enumerate(header):
            pdf.set_font(FONT, size=size)
            row.cell(fit(h, j))
            pdf.set_font(BODY, size=size)
        for i, values in enumerate(rows):
            if groups and i in groups:
                table.row().cell(groups[i], colspan=len(header), style=group_style)
            row = table.row()
            for j, v in enumerate(values):
                fill = (fills or {}).get((i, j))
                row.cell(fit(v, j), style=FontFace(fill_color=_rgb(fill)) if fill else None)
    pdf.ln(2)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_font(BODY, size=8.5)
    _lines(pdf, 4.5, text, "L")
    pdf.ln(2)


def _title_page(pdf: FPDF, c: ReportContent) -> None:
    pdf.add_page()
    pdf.ln(40)
    pdf.set_font(FONT, size=22)
    _lines(pdf, 12, c.title, "C")
    pdf.ln(10)
    pdf.set_font(BODY, size=12)
    for line in c.title_lines:
        _lines(pdf, 8, line or " ", "C")


def _render_toc(pdf: FPDF, outline) -> None:
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 12, "目  录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for section in outline:
        indent = 8 * section.level
        pdf.set_font(FONT if section.level == 0 else BODY, size=11 if section.level == 0 else 10.5)
        pdf.set_x(pdf.l_margin + indent)
        page = str(section.page_number - 1)
        name = section.name
        width = pdf.epw - indent - pdf.get_string_width(page) - 2
        dots = "." * max(
            2, int((width - pdf.get_string_width(name)) / pdf.get_string_width(".")) - 1
        )
        pdf.cell(width, 7, f"{name} {dots}", link=pdf.add_link(page=section.page_number))
        pdf.cell(0, 7, page, align="R", new_x="LMARGIN", new_y="NEXT")


def build_pdf(c: ReportContent, charts: list[tuple[str, bytes]]) -> bytes:
    from plantrack.report.docx_writer import batch_row, main_table_rows, source_line

    pdf = _pdf()
    pdf.demo = c.is_demo
    pdf.set_title(c.title)
    pdf.set_creator("PlanTrack")
    _title_page(pdf, c)
    pdf.add_page()
    pdf.insert_toc_placeholder(_render_toc, pages=1)
    heads = dict(SECTIONS)
    demo = "（示例数据）" if c.is_demo else ""
    _heading(pdf, heads["overview"])
    _para(pdf, c.narrative["overview"])
    pdf.add_page(orientation="L")
    _heading(pdf, heads["indicators"])
    _para(pdf, c.narrative["indicators"])
    _caption(
        pdf,
        f"表1  {c.area_name}主要指标完成情况（评估基准日{c.as_of.year}年{c.as_of.month}月{c.as_of.day}日）{demo}",
    )
    fills = {(i, COLUMNS.index("评价")): FILLS[r["_light"]] for i, r in enumerate(c.rows)}
    rows, groups = main_table_rows(c)
    _table(pdf, COLUMNS, rows, WIDTHS, fills, size=7.5, groups=groups)
    _note(pdf, source_line(c))
    pdf.add_page(orientation="P")
    from plantrack.report.figures import FIGSIZE

    chart_h = pdf.epw * FIGSIZE[1] / FIGSIZE[0]
    for caption, png in charts:
        if pdf.get_y() + chart_h + 8 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.image(io.BytesIO(png), w=pdf.epw)
        _caption(pdf, caption + demo)
        pdf.ln(2)
    _heading(pdf, heads["tasks"])
    _para(pdf, c.narrative["tasks"])
    s = c.tasks
    n = 1
    if s.available and s.total:
        cols = status_columns(c.final)
        rows = [
            [KIND_NAMES[k], *(str(v[x]) for x, _ in cols), str(sum(v.values()))]
            for k, v in s.counts.items()
        ]
        n += 1
        _caption(pdf, f"表{n}  重点任务推进情况{demo}")
        header = ["类别", *(h for _, h in cols), "合计"]
        _table(pdf, header, rows, [6, *([3] * len(cols)), 3], size=9)
        if not s.overdue.empty:
            word = "未完成" if c.final else "逾期未完成"
            rows = [
                [str(i + 1), str(r.title), str(r.units), str(r.deadline_text), word]
                for i, r in enumerate(s.overdue.itertuples())
            ]
            n += 1
            _caption(pdf, f"表{n}  {word}的重点任务{demo}")
            _table(pdf, ["序号", "事项", "责任单位", "完成时限", "状态"], rows, [3, 11, 9, 5, 6])
    for sec in s.plan_sections:  # one sub-section per plan's key tasks (report/tasks.py)
        _para(pdf, sec.heading, size=12)
        _para(pdf, sec.text)
        n += 1
        _caption(pdf, f"表{n}  {sec.caption}{demo}")
        _table(pdf, sec.header, sec.rows, sec.widths, size=8)
    for key in ("problems", "next_steps"):
        _heading(pdf, heads[key])
        _para(pdf, c.narrative[key])
    _heading(pdf, heads["methods"])
    _para(pdf, "\n".join(c.methods), size=9.5)
    rows = [batch_row(b) for b in c.batches.to_dict(orient="records")]
    _caption(pdf, f"附表1  使用的上报批次{demo}")
    _table(pdf, ["批次", "入库时间", "文件", "上报人", "来源"], rows, [2, 5, 7, 6, 3], size=8)
    _note(pdf, f"指标配置编码：{c.config_hash}；数据指纹：{c.fingerprint}。")
    return bytes(pdf.output())
