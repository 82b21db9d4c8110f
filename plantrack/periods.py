"""Reporting periods: months (``2024-03``), quarters (``2023Q1``) and years (``2023``).

A period stands at its end: 2024-03 ends 2024-03-31, 2023Q1 ends 2023-03-31, 2023 ends
2023-12-31. :attr:`Period.index` counts months from year 0 to the period's end, so periods
ending together share an index (2023, 2023Q4 and 2023-12). Elapsed years between periods
are the months between their ends / 12 — for quarters and years exactly the quarters / 4 of
methods.md (Notation). A date (``2010-12-31``) is read as the month containing it;
:func:`as_frequency` turns a month that ends a quarter or a year into that quarter or year
for indicators reported at that frequency.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

MONTHS_PER_YEAR = 12
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＱｑＹ－／．", "0123456789QqY-/.")

_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})\s*[-_ ]?\s*[Qq]\s*(?P<q>[1-4])$"),  # 2023Q1, 2023-Q1, 2023 q1
    re.compile(r"^(?P<y>\d{4})\s*年\s*第?\s*(?P<q>[1-4一二三四])\s*季度?$"),  # 2023年第一季度
    re.compile(r"^(?P<y>\d{4})\s*年?(度)?$"),  # 2023, 2023年, 2023年度
]
_MONTH_RANGE = re.compile(
    r"^(?P<y>\d{4})\s*年\s*1\s*[-—–~至]\s*(?P<m>3|6|9|12)\s*月$"
)  # 2023年1-3月
_MONTH = re.compile(
    r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})|年(?P<cm>\d{1,2})月(?:份)?|M(?P<mm>\d{2}))$"
)
_DATE = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:T?00:00(?::00)?(?:\.0+)?)?$"
)  # 2010-12-31, 2010/12/31, 2010-12-31 00:00:00 (a date cell written out)
_WB_YEAR = re.compile(r"^(?P<y>\d{4})\[YR(?P=y)\]$")  # World Bank DataBank: "2001 [YR2001]"


@dataclass(frozen=True, order=True)
class Period:
    """A year (``quarter`` and ``month`` None), a quarter (1–4) or a month (1–12)."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __str__(self) -> str:
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def is_annual(self) -> bool:
        return self.quarter is None and self.month is None

    @property
    def frequency(self) -> str:
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def rank(self) -> int:
        """Which wins among periods ending together: year 2, quarter 1, month 0."""
        return 0 if self.month else 1 if self.quarter else 2

    @property
    def end_month(self) -> int:
        return self.month or 3 * (self.quarter or 4)

    @property
    def end(self) -> date:
        """The last day of the period."""
        m = self.end_month
        return date(self.year, m, calendar.monthrange(self.year, m)[1])

    @property
    def index(self) -> int:
        """Months since year 0 to the period's end (for elapsed-time arithmetic)."""
        return self.year * MONTHS_PER_YEAR + self.end_month

    @property
    def part(self) -> tuple[int, int] | None:
        """(how many, of how many per year) for a part of a year: (2, 4) for Q2, (5, 12) for
        May; None for a year (a flow's year-to-date is annualised by ``of / how_many``)."""
        if self.month:
            return self.month, 12
        return (self.quarter, 4) if self.quarter else None


def parse_period(text: object) -> Period | None:
    """Parse the ways statisticians write a period; None when it is not one."""
    if text is None:
        return None
    if isinstance(text, Period):
        return text
    if isinstance(text, bool):
        return None
    if isinstance(text, int) and 1900 <= text <= 2200:
        return Period(text)
    if isinstance(text, float) and text.is_integer():
        return parse_period(int(text))
    if isinstance(text, datetime | date):
        return month_of_date(text)
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
    return _month_or_date(s)


def _month_or_date(s: str) -> Period | None:
    m = _WB_YEAR.match(s)
    if m:
        return Period(int(m["y"]))
    m = _MONTH.match(s)
    if m:
        month = int(m["m"] or m["cm"] or m["mm"])
        return Period(int(m["y"]), month=month) if 1 <= month <= 12 else None
    m = _DATE.match(s)
    if m:
        try:
            return month_of_date(date(int(m["y"]), int(m["m"]), int(m["d"])))
        except ValueError:
            return None
    return None


def as_frequency(period: Period, frequency: str) -> Period:
    """A month (or a quarter) read for an indicator of a coarser frequency: the quarter or year
    it ends (``2010-12`` → ``2010`` for a yearly indicator, ``2024-03`` → ``2024Q1`` for a
    quarterly one). Anything else is returned unchanged (validation then names it)."""
    if frequency == "year" and not period.is_annual and period.end_month == 12:
        return Period(period.year)
    if frequency == "quarter" and period.month and period.month % 3 == 0:
        return Period(period.year, period.month // 3)
    return period


def period_of_date(d: date) -> Period:
    """The quarter that contains a date."""
    return Period(d.year, (d.month - 1) // 3 + 1)


def month_of_date(d: date) -> Period:
    """The month that contains a date."""
    return Period(d.year, month=d.month)


def quarters_between(a: Period, b: Period) -> int:
    """Whole quarters from the end of ``a`` to the end of ``b`` (negative when b is earlier)."""
    return (b.index - a.index) // 3


def years_between(a: Period, b: Period) -> float:
    """Elapsed years between period ends: months / 12 (= quarters / 4 for quarters)."""
    return (b.index - a.index) / MONTHS_PER_YEAR
