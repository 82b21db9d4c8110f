"""Resolve a 完成时限 text from a task table into a due date.

The text is kept as written in ``tasks.yaml``; this module states the rule applied so that a
reader can check every due date by hand. Rules:

- 全年 → 12-31 of the plan year;
- 年底前 / 2022年年底前 / 2022年底前 → 12-31 (of the stated year, else the plan year);
- 9月底前 / 2022年9月底前 → the last day of that month;
- 本文件印发后30日内 / 印发后30日内 → issue date + 30 days;
- 2022年10月 → the last day of that month;
- a suffix "完成，长期坚持" / "完成，并长期坚持" → due at the stated date, recurring afterwards.

Anything else raises ``ValueError`` naming the text.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_SPACES = re.compile(r"[\s\u3000]+")
_RECURRING = re.compile(r"^(?P<core>.+?)[，,、]?并?长期坚持$")
_DONE_SUFFIX = re.compile(r"完成$")

_YEAR_END = re.compile(r"^(?:(?P<y>\d{4})年?)?年底前$")
_MONTH_END = re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月底前$")
_MONTH = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月$")
_AFTER_ISSUE = re.compile(r"^(?:本文件)?印发(?:之日)?后(?P<n>\d+)(?:日|天)内$")


@dataclass(frozen=True)
class Deadline:
    """A resolved 完成时限: due date, whether the task continues after it, and the rule used."""

    due: date
    recurring: bool
    rule: str


def normalise(text: str) -> str:
    """Full-width digits to ASCII, all spaces (incl. U+3000 and line breaks) removed."""
    return _SPACES.sub("", text.translate(_FULLWIDTH))


def _month_end(year: int, month: int, text: str) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"无法识别的完成时限「{text}」：月份 {month} 不在 1–12 之间")
    return date(year, month, calendar.monthrange(year, month)[1])


def _resolve_core(core: str, text: str, issued: date, plan_year: int) -> tuple[date, str]:
    """Due date and rule for a text without the 长期坚持 suffix."""
    if core == "全年":
        return date(plan_year, 12, 31), f"全年：计划年度（{plan_year}年）末 12月31日"
    if m := _YEAR_END.match(core):
        year = int(m["y"]) if m["y"] else plan_year
        return date(year, 12, 31), f"年底前：{year}年12月31日"
    if m := _MONTH_END.match(core):
        year = int(m["y"]) if m["y"] else plan_year
        month = int(m["m"])
        return _month_end(year, month, text), f"{month}月底前：{year}年{month}月最后一天"
    if m := _MONTH.match(core):
        year, month = int(m["y"]), int(m["m"])
        return _month_end(year, month, text), f"{year}年{month}月：按该月最后一天计"
    if m := _AFTER_ISSUE.match(core):
        days = int(m["n"])
        due = issued + timedelta(days=days)
        return due, f"印发后{days}日内：印发日期 {issued.isoformat()} 加 {days} 天"
    raise ValueError(
        f"无法识别的完成时限「{text}」：可用写法有 全年、2022年年底前、9月底前、"
        "本文件印发后30日内、2022年10月，可加后缀“完成，长期坚持”"
    )


def resolve_deadline(text: str, issued: date, plan_year: int) -> Deadline:
    """Resolve a 完成时限 text (as written) to a :class:`Deadline`.

    ``issued`` is the plan's issue date (for 印发后N日内), ``plan_year`` the year that 全年 and
    year-less texts (年底前, 9月底前) refer to.
    """
    clean = normalise(text)
    if not clean:
        raise ValueError(f"无法识别的完成时限「{text}」：内容为空")
    recurring = False
    if m := _RECURRING.match(clean):
        clean, recurring = m["core"], True
    core = _DONE_SUFFIX.sub("", clean) or clean
    due, rule = _resolve_core(core, text, issued, plan_year)
    if recurring:
        rule += "；之后长期坚持（持续性任务）"
    return Deadline(due=due, recurring=recurring, rule=rule)
