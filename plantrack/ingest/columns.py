"""Column headers PlanTrack recognises, in Chinese and English, and the header-block keys.

Headers are compared after :func:`clean_header`: no spaces or line breaks, half-width,
lower case, without a leading ``*`` and without a trailing bracketed note such as
``（必填）`` or ``（%）``.
"""

from __future__ import annotations

import re

LONG_FIELDS: dict[str, tuple[str, ...]] = {
    "indicator_id": (
        "指标代码",
        "指标编码",
        "指标id",
        "指标编号",
        "indicator_id",
        "indicator",
        "id",
    ),
    "indicator_name": ("指标名称", "指标", "indicator_name", "name"),
    "unit": ("单位", "计量单位", "unit"),
    "area_code": ("地区代码", "区划代码", "统计用区划代码", "行政区划代码", "area_code"),
    "area_name": ("地区", "地区名称", "街道", "街道名称", "单位名称", "area", "area_name"),
    "period": ("报告期", "时期", "统计期", "期别", "period"),
    "value": ("数值", "本期值", "本期数", "值", "数据", "value"),
    "note": ("备注", "说明", "note", "notes", "remark", "comment"),
}
FIELD_NAMES = {
    "indicator_id": "指标代码",
    "indicator_name": "指标名称",
    "area_code": "地区代码",
    "area_name": "地区",
    "period": "报告期",
    "value": "数值",
    "note": "备注",
}
META_KEYS = ("表名", "填报单位", "报告期", "填报人", "联系电话", "报出日期")
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "total", "sum"})
REFERENCE_WORDS = ("上期", "参考", "previous", "reference")

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ（）％：＿－．",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()%:_-.",
)
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_SPACE = re.compile(r"\s+")
_ALIASES = {alias: name for name, aliases in LONG_FIELDS.items() for alias in aliases}


def half_width(text: str) -> str:
    return text.translate(_FULLWIDTH)


def clean_header(value: object) -> str:
    """A header as compared: see the module docstring."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _SPACE.sub("", half_width(str(value))).lower().lstrip("*").rstrip(":")
    stripped = _TRAILING_NOTE.sub("", text)
    return stripped or text


def field_of(header: object) -> str | None:
    """The long-layout field a header names, or None."""
    return _ALIASES.get(clean_header(header))


def is_reference(header: object) -> bool:
    """A read-only reference column (上期值 …), ignored on reading."""
    text = _SPACE.sub("", half_width(str(header))).lower()
    return any(word in text for word in REFERENCE_WORDS)


def indicator_header_name(header: object) -> str:
    """The indicator name in a wide header: ``经常参加体育锻炼人数比例（%）`` → the name."""
    text = _SPACE.sub("", half_width(str(header)))
    return _TRAILING_NOTE.sub("", text) or text
