"""The 中期评估 / 总结评估 report: content (pure), narrative, charts and the file writers.

``build_content`` computes what the report says; ``write_report`` lays it out as .docx,
.xlsx or .pdf by the file's suffix.
"""

from plantrack.report.content import DEFAULT_ORG, SECTIONS, ReportContent, build_content
from plantrack.report.output import FORMATS, render, write_report

__all__ = [
    "DEFAULT_ORG",
    "FORMATS",
    "SECTIONS",
    "ReportContent",
    "build_content",
    "render",
    "write_report",
]
