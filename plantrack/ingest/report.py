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
MAX_PER_KIND = 200  # problems kept per (level, code); the rest are only counted
MAX_ECHO = 100  # characters of a cell echoed back in a message


def clip(text: object, limit: int = MAX_ECHO) -> str:
    """A cell as echoed in a message: at most ``limit`` characters, one line."""
    s = " ".join(str(text).split()) if text is not None else ""
    return s if len(s) <= limit else f"{s[: limit - 1]}…（共 {len(s):,} 字符）"


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

    def __post_init__(self) -> None:
        for name in ("value", "header", "indicator", "area", "period"):
            v = getattr(self, name)
            if isinstance(v, str) and len(v) > MAX_ECHO:
                object.__setattr__(self, name, clip(v))

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
    """Problems of one file. At most :data:`MAX_PER_KIND` problems of each (level, code) are
    kept, in row order; ``counts`` has the true totals, so a file with 500,000 bad rows
    gives a report of bounded size that still says how many there are."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # data rows read
    sheet: str | None = None
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    blank_rows: int = 0  # empty rows skipped (a partly filled template)

    def __post_init__(self) -> None:
        given, self.problems = self.problems, []
        self.add(given)

    def sort(self) -> None:
        rank = {"error": 0, "warning": 1}
        self.problems.sort(key=lambda p: (rank[p.level], p.row or 0, p.column or "", p.code))

    def add(self, problems: list[Problem], totals: dict[str, int] | None = None) -> None:
        """Add problems; ``totals`` (code → count) says how many there were of a code when
        only the first ones were built."""
        kept: dict[tuple[str, str], int] = {}
        for p in self.problems:
            kept[(p.level, p.code)] = kept.get((p.level, p.code), 0) + 1
        for p in problems:
            k = (p.level, p.code)
            self.counts[k] = self.counts.get(k, 0) + 1
            if kept.get(k, 0) < MAX_PER_KIND:
                kept[k] = kept.get(k, 0) + 1
                self.problems.append(p)
        for code, total in (totals or {}).items():
            for key in [key for key in self.counts if key[1] == code]:
                self.counts[key] = max(self.counts[key], total)
        self.sort()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def count(self, level: str) -> int:
        return sum(n for (lv, _), n in self.counts.items() if lv == level)

    @property
    def n_errors(self) -> int:
        return self.count("error")

    @property
    def n_warnings(self) -> int:
        return self.count("warning")

    @property
    def omitted(self) -> list[tuple[str, str, int]]:
        """(level, code, how many not listed) for every kind over the cap."""
        shown: dict[tuple[str, str], int] = {}
        for p in self.problems:
            shown[(p.level, p.code)] = shown.get((p.level, p.code), 0) + 1
        return [
            (lv, c, n - shown.get((lv, c), 0))
            for (lv, c), n in self.counts.items()
            if n > shown.get((lv, c), 0)
        ]

    @property
    def omitted_text(self) -> list[str]:
        """One sentence per kind over the cap, e.g. for the foot of the report."""
        return [
            f"另有 {n:,} 个同类{LEVEL_NAMES[lv]}（{code}）未逐条列出（每类只列前 {MAX_PER_KIND} 个）。"
            for lv, code, n in self.omitted
        ]

    @property
    def ok(self) -> bool:
        return self.n_errors == 0

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "file": self.file,
            "rows": self.rows,
            "blank_rows": self.blank_rows,
            "error_count": self.n_errors,
            "warning_count": self.n_warnings,
            "counts": {f"{lv}:{c}": n for (lv, c), n in self.counts.items()},
            "omitted": self.omitted_text,
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
            [f"文件：{self.file}", f"错误 {self.n_errors:,} 个", f"警告 {self.n_warnings:,} 个"]
        )
        for line in self.omitted_text:
            ws.append([line])
        frame = self.to_frame()
        ws.append(list(frame.columns))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for rec in frame.itertuples(index=False):
            ws.append([None if pd.isna(v) else escape_cell(v) for v in rec])
        for letter, width in zip("ABCDEFGHI", (6, 6, 5, 14, 26, 12, 9, 14, 70), strict=True):
            ws.column_dimensions[letter].width = width
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
