"""Lay a :class:`ReportContent` out as a file: .docx, .xlsx or .pdf, chosen by suffix."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from plantrack.report.content import ReportContent

FORMATS = {".docx": "Word", ".xlsx": "Excel", ".pdf": "PDF"}
Charts = list[tuple[str, bytes]]


class ReportFormatError(ValueError):
    """The output file's suffix is not one the report can be written as."""


class PdfUnavailable(RuntimeError):
    """fpdf2 or the CJK font package is missing, so no PDF with Chinese text can be drawn."""


PDF_HINT = "请运行 pip install -r requirements.txt（需要 fpdf2 和 noto-cjk-sans-otc）。"


def pdf_available() -> bool:
    try:
        import fpdf  # noqa: F401
        import noto_cjk_sans_otc  # noqa: F401
    except ImportError:
        return False
    return True


def charts_for(content: ReportContent) -> Charts:
    from plantrack.report.figures import report_charts

    return report_charts(content)


def render(
    content: ReportContent,
    fmt: str,
    charts: Charts | None = None,
    timings: dict[str, float] | None = None,
) -> bytes:
    """The report as bytes in ``fmt`` (".docx", ".xlsx" or ".pdf"); charts drawn if not given."""
    fmt = fmt if fmt.startswith(".") else "." + fmt
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ReportFormatError(
            f"不支持的报告格式 '{fmt}'：请用 {'、'.join(FORMATS)}（如 报告.docx）。"
        )
    timings = timings if timings is not None else {}

    def timed(name: str, fn: Callable[[], object]):
        start = time.perf_counter()
        out = fn()
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
        return out

    if fmt == ".xlsx":
        from plantrack.report.xlsx_writer import build_xlsx

        return timed("xlsx", lambda: build_xlsx(content))
    if charts is None:
        charts = timed("charts", lambda: charts_for(content))
    if fmt == ".docx":
        from plantrack.report.docx_writer import build_docx

        return timed("docx", lambda: build_docx(content, charts))
    try:
        from plantrack.report.pdf_writer import build_pdf
    except ImportError:
        raise PdfUnavailable("缺少 PDF 组件 fpdf2，无法生成 PDF；" + PDF_HINT) from None
    return timed("pdf", lambda: build_pdf(content, charts))


def write_report(content: ReportContent, path: str | Path, charts: Charts | None = None) -> Path:
    """Write the report to ``path`` (format from the suffix) and return the path."""
    path = Path(path)
    data = render(content, path.suffix, charts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
