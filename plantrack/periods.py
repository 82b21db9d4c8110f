"""Reporting periods: quarters (``2023Q1``) and years (``2023``).

A period stands at its end: 2023Q1 ends 2023-03-31, 2023 ends 2023-12-31. Elapsed time
between periods is counted in quarters / 4 between their ends (methods.md, Notation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＱｑＹ－", "0123456789QqY-")

_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})\s*[-_ ]?\s*[Qq]\s*(?P<q>[1-4])$"),  # 2023Q1, 2023-Q1, 2023 q1
    re.compile(r"^(?P<y>\d{4})\s*年\s*第?\s*(?P<q>[1-4一二三四])\s*季度?$"),  # 2023年第一季度
    re.compile(r"^(?P<y>\d{4})\s*年?(度)?$"),  # 2023, 2023年, 2023年度
]
_MONTH_RANGE = re.compile(
    r"^(?P<y>\d{4})\s*年\s*1\s*[-—–~至]\s*(?P<m>3|6|9|12)\s*月$"
)  # 2023年1-3月


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (``quarter`` 1–4) or a year (``quarter`` None)."""

    year: int
    quarter: int | None = None

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def is_annual(self) -> bool:
        return self.quarter is None

    @property
    def end(self) -> date:
        """The last day of the period."""
        month = 3 * (self.quarter or 4)
        day = 31 if month in (3, 12) else 30
        return date(self.year, month, day)

    @property
    def index(self) -> int:
        """Quarters since year 0 of the period's end (for elapsed-time arithmetic)."""
        return self.year * 4 + (self.quarter or 4)


def parse_period(text: object) -> Period | None:
    """Parse the ways statisticians write a period; None when it is not one."""
    if text is None:
        return None
    if isinstance(text, int) and 1900 <= text <= 2200:
        return Period(text)
    if isinstance(text, float) and text.is_integer():
        return parse_period(int(text))
    s = str(text).strip().translate(_FULLWIDTH).replace(" ", "")
    if not s:
        return None
    for pat in _PATTERNS:
        m = pat.match(s)
        if m:
            q = m.groupdict().get("q")
            return Period(int(m["y"]), _CN_DIGITS[q] if q else None)
    m = _MONTH_RANGE.match(s)
    if m:
        month = int(m["m"])
        return Period(int(m["y"]), None if month == 12 else month // 3)
    return None


def period_of_date(d: date) -> Period:
    """The quarter that contains a date."""
    return Period(d.year, (d.month - 1) // 3 + 1)


def quarters_between(a: Period, b: Period) -> int:
    """Quarters from the end of ``a`` to the end of ``b`` (negative when b is earlier)."""
    return b.index - a.index


def years_between(a: Period, b: Period) -> float:
    """Elapsed years between period ends, counted in quarters / 4."""
    return quarters_between(a, b) / 4
