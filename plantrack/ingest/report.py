"""The validation report: one :class:`Problem` per thing to fix, errors before warnings.

Each problem names the place as the user sees it in Excel (1-based sheet row, column letter
and header) and says in Chinese what is wrong and how to fix it. Exports escape text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from typing import Literal

import pandas as pd

from plantrack.export import escape_cell

Level = Literal["error", "warning"]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    level: Level
    code: str
    message: str  # what is wrong and how to fix it
    file: str
    row: int | None = None  # 1-based row in the sheet
    column: str | None = None  # Excel column letter
    header: str | None = None
    indicator: str | None = None
    area: str | None = None
    period: str | None = None
    value: str | None = None  # as written in the file

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列" + (f"（{self.header}）" if self.header else ""))
        elif self.header:
            parts.append(self.header)
        return " ".join(parts)

    @property
    def text(self) -> str:
        """The whole sentence: file, place, problem, fix."""
        if not self.where and self.file in self.message:
            return self.message
        where = f" {self.where}" if self.where else ""
        return f"{self.file}{where}：{self.message}"

    def to_dict(self) -> dict:
        return {**asdict(self), "text": self.text}


LABELS = {
    "level": "级别",
    "row": "行",
    "column": "列",
    "header": "列名",
    "indicator": "指标",
    "area": "地区",
    "period": "报告期",
    "value": "填写值",
    "message": "问题与修改方法",
}
LEVEL_NAMES = {"error": "错误", "warning": "警告"}


@dataclass
class Report:
    file: str
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # data rows read
    sheet: str | None = None

    def __post_init__(self) -> None:
        self.sort()

    def sort(self) -> None:
        rank = {"error": 0, "warning": 1}
        self.problems.sort(key=lambda p: (rank[p.level], p.row or 0, p.column or "", p.code))

    def add(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)
        self.sort()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "file": self.file,
            "rows": self.rows,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }

    def to_frame(self) -> pd.DataFrame:
        """Problems as a table with Chinese column names (errors first)."""
        cols = list(LABELS)
        records = [{c: getattr(p, c) for c in cols} for p in self.problems]
        df = pd.DataFrame.from_records(records, columns=cols)
        df["level"] = df["level"].map(LEVEL_NAMES)
        df["row"] = df["row"].astype("Int64")
        return df.rename(columns=LABELS)

    def to_xlsx(self) -> bytes:
        """The report as an .xlsx workbook; text that could run as a formula is escaped."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "检查结果"
        ws.append(
            [f"文件：{self.file}", f"错误 {len(self.errors)} 个", f"警告 {len(self.warnings)} 个"]
        )
        frame = self.to_frame()
        ws.append(list(frame.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for rec in frame.itertuples(index=False):
            ws.append([None if pd.isna(v) else escape_cell(v) for v in rec])
        for letter, width in zip("ABCDEFGHI", (6, 6, 5, 14, 26, 12, 9, 14, 70), strict=True):
            ws.column_dimensions[letter].width = width
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
