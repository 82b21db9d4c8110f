"""The report as PDF, drawn directly with fpdf2 (pip only: no LibreOffice, no system fonts).

Chinese text uses Noto Sans CJK SC from the pip package ``noto-cjk-sans-otc`` (face 2 of its
OpenType collection), embedded as a subset. The same content as the Word file: title page,
the sections, the 主要指标 table (landscape, 评价 cells shaded), the charts, page numbers.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from plantrack.report.content import SECTIONS, ReportContent
from plantrack.report.output import PDF_HINT, PdfUnavailable
from plantrack.report.rows import COLUMNS, FILLS, WIDTHS
from plantrack.report.tasks import KIND_NAMES, STATUSES

FONT = "NotoSansCJK"
SC_FACE = 2  # NotoSansCJK-Regular.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


class ReportPdf(FPDF):
    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(FONT, size=9)
        self.cell(0, 8, f"第 {self.page_no() - 1} 页", align="C")


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
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    return pdf


def _lines(pdf: FPDF, h: float, text: str, align: str = "J") -> None:
    """Wrapped text at the left margin; the cursor ends on the next line."""
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(0, h, text, align=align, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")


def _para(pdf: FPDF, text: str, size: float = 11) -> None:
    pdf.set_font(FONT, size=size)
    for line in text.splitlines():
        if line.strip():
            _lines(pdf, size * 0.62, "\u3000\u3000" + line.strip())
            pdf.ln(1.5)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, size=15)
    _lines(pdf, 9, text, "L")
    pdf.ln(1)


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths=None, fills=None, size=8):
    pdf.set_font(FONT, size=size)
    head = FontFace(emphasis="", fill_color=_rgb("D9E2F3"))
    with pdf.table(
        col_widths=widths,
        headings_style=head,
        line_height=size * 0.5,
        text_align="LEFT",
        wrapmode=WrapMode.CHAR,
        padding=0.8,
    ) as table:
        row = table.row()
        for h in header:
            row.cell(h)
        for i, values in enumerate(rows):
            row = table.row()
            for j, v in enumerate(values):
                fill = (fills or {}).get((i, j))
                row.cell(v, style=FontFace(fill_color=_rgb(fill)) if fill else None)
    pdf.ln(3)


def _title_page(pdf: FPDF, c: ReportContent) -> None:
    pdf.add_page()
    pdf.ln(45)
    pdf.set_font(FONT, size=22)
    _lines(pdf, 12, c.title, "C")
    pdf.ln(10)
    pdf.set_font(FONT, size=12)
    for line in c.title_lines:
        _lines(pdf, 8, line or " ", "C")


def build_pdf(c: ReportContent, charts: list[tuple[str, bytes]]) -> bytes:
    pdf = _pdf()
    _title_page(pdf, c)
    heads = dict(SECTIONS)
    pdf.add_page()
    _heading(pdf, heads["overview"])
    _para(pdf, c.narrative["overview"])
    _table(
        pdf, ["评价", "指标个数"], [[v, str(n)] for v, n in c.counts.items() if n], [3, 2], size=10
    )
    _heading(pdf, heads["indicators"])
    _para(pdf, c.narrative["indicators"])
    pdf.add_page(orientation="L")
    pdf.set_font(FONT, size=10)
    _lines(pdf, 7, f"表1  {c.area_name}主要指标完成情况（评估基准日 {c.as_of:%Y-%m-%d}）", "L")
    fills = {(i, COLUMNS.index("评价")): FILLS[r["_light"]] for i, r in enumerate(c.rows)}
    _table(pdf, COLUMNS, [[r[k] for k in COLUMNS] for r in c.rows], WIDTHS, fills, size=7.5)
    pdf.add_page(orientation="P")
    for caption, png in charts:
        if pdf.get_y() > pdf.h - 95:
            pdf.add_page()
        pdf.image(io.BytesIO(png), w=pdf.epw)
        pdf.set_font(FONT, size=9)
        pdf.cell(0, 6, caption, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    _heading(pdf, heads["tasks"])
    _para(pdf, c.narrative["tasks"])
    s = c.tasks
    if s.available and s.total:
        rows = [
            [KIND_NAMES[k], *(str(n[x]) for x in STATUSES), str(sum(n.values()))]
            for k, n in s.counts.items()
        ]
        _table(pdf, ["类别", *STATUSES, "合计"], rows, size=9)
        if not s.overdue.empty:
            rows = [
                [str(i + 1), r.title, r.units, r.deadline_text, r.label]  # type: ignore[list-item]
                for i, r in enumerate(s.overdue.itertuples())
            ]
            _table(
                pdf, ["序号", "逾期事项", "责任单位", "完成时限", "状态"], rows, [2, 12, 10, 5, 6]
            )
    for sec in s.plan_sections:  # one sub-section per plan's key tasks (report/tasks.py)
        _para(pdf, sec.heading, size=12)
        _para(pdf, sec.text)
        _table(pdf, sec.header, sec.rows, sec.widths, size=8)
    for key in ("problems", "next_steps"):
        _heading(pdf, heads[key])
        _para(pdf, c.narrative[key])
    _heading(pdf, heads["methods"])
    _para(pdf, "\n".join(c.methods), size=9.5)
    _para(pdf, f"指标配置哈希：{c.config_hash}", size=9.5)
    rows = [
        [str(b.id), f"{b.created_at:%Y-%m-%d %H:%M}", b.file_name or "", b.user_name, b.source]  # type: ignore[list-item]
        for b in c.batches.itertuples()
    ]
    _table(pdf, ["批次", "入库时间", "文件", "上报人", "来源"], rows, [2, 5, 9, 5, 3], size=8)
    return bytes(pdf.output())
