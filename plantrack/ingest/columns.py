"""Column headers PlanTrack recognises, in Chinese and English, and the header-block keys.

Headers are compared after :func:`clean_header`: no spaces or line breaks, half-width,
lower case, without a leading ``*`` and without a trailing bracketed note such as
``（必填）`` or ``（%）``. English headers of common public layouts (``Country Code``,
``Indicator Name``, ``Year`` …) are known; others are mapped by the user
(:func:`parse_mapping`: CLI ``--map``, the upload page's 列名对应 step). A header that is a
period (``2000``, ``2001 [YR2001]``) makes a wide-by-year table (:func:`period_header`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

LONG_FIELDS: dict[str, tuple[str, ...]] = {
    "indicator_id": (
        "指标代码",
        "指标编码",
        "指标id",
        "指标编号",
        "indicator_id",
        "indicator",
        "id",
        "indicatorcode",
        "seriescode",
    ),
    "indicator_name": ("指标名称", "指标", "indicator_name", "name", "indicatorname", "seriesname"),
    "unit": ("单位", "计量单位", "unit"),
    "area_code": (
        "地区代码", "区划代码", "统计用区划代码", "行政区划代码", "area_code", "areacode",
        "countrycode", "iso3", "iso3code", "regioncode", "geocode",
    ),
    "area_name": (
        "地区", "地区名称", "街道", "街道名称", "单位名称", "area", "area_name", "areaname",
        "country", "countryname", "region", "regionname", "economy",
    ),
    "period": ("报告期", "时期", "统计期", "期别", "period", "year", "date", "time", "month"),
    "value": ("数值", "本期值", "本期数", "值", "数据", "value", "obs_value", "obsvalue"),
    "note": ("备注", "说明", "note", "notes", "remark", "comment"),
}  # fmt: skip
IGNORE = "ignore"  # a mapping target: leave the column out
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


def field_of(header: object, mapping: Mapping[str, str] | None = None) -> str | None:
    """The long-layout field a header names (``mapping`` first: see :func:`parse_mapping`),
    :data:`IGNORE`, or None."""
    key = clean_header(header)
    if mapping and key in mapping:
        return mapping[key]
    return _ALIASES.get(key)


class MappingError(ValueError):
    """A column mapping that cannot be used; the message says which part and why."""


def mapping_target(dst: str) -> str | None:
    """The field a mapping's right-hand side names: a field key (``area_code``), its Chinese
    name (``地区代码``) or any header alias; ``ignore`` / ``忽略`` / ``-`` to leave it out."""
    key = clean_header(dst)
    if key in (IGNORE, "忽略", "-", "skip"):
        return IGNORE
    if key in LONG_FIELDS:
        return key
    return _ALIASES.get(key)


def parse_mapping(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"Country=area_name,Year=period"`` (or a dict) → {cleaned source header: field}.

    The right-hand side is a field (:func:`mapping_target`) or an indicator id / name, kept as
    written (prefixed ``indicator:``) for a wide file whose column is that indicator.
    """
    if not text:
        return {}
    pairs = text.items() if isinstance(text, Mapping) else _pairs(text)
    out: dict[str, str] = {}
    for src, dst in pairs:
        if not clean_header(src) or not str(dst).strip():
            raise MappingError(
                f"列名对应“{src}={dst}”不完整：请写成 源列名=字段，如 Country=地区。"
            )
        target = mapping_target(str(dst))
        out[clean_header(src)] = target or f"indicator:{str(dst).strip()}"
    return out


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in re.split(r"[,，;；]", text):
        if not part.strip():
            continue
        src, sep, dst = part.partition("=")
        if not sep:
            raise MappingError(
                f"列名对应“{part.strip()}”缺少“=”：请写成 源列名=字段，如 Year=报告期。"
            )
        pairs.append((src.strip(), dst.strip()))
    return pairs


def period_header(cell: object) -> str | None:
    """The period a column header names in a wide-by-year table (``2000``, ``2001 [YR2001]``,
    ``2024Q1``, ``2024-03``), canonical, or None."""
    from plantrack.periods import parse_period

    if cell is None or isinstance(cell, bool) or (isinstance(cell, float) and cell != cell):
        return None
    if isinstance(cell, str) and not re.match(r"^\s*\d{4}", half_width(cell)):
        return None
    period = parse_period(cell)
    return str(period) if period is not None else None


FIELD_CHOICES = ("area_code", "area_name", "indicator_id", "indicator_name", "period", "value",
                 "note", IGNORE)  # fmt: skip
"""What a user may map an unrecognised header to on the upload page."""


def is_reference(header: object) -> bool:
    """A read-only reference column (上期值 …), ignored on reading."""
    text = _SPACE.sub("", half_width(str(header))).lower()
    return any(word in text for word in REFERENCE_WORDS)


def indicator_header_name(header: object) -> str:
    """The indicator name in a wide header: ``经常参加体育锻炼人数比例（%）`` → the name."""
    text = _SPACE.sub("", half_width(str(header)))
    return _TRAILING_NOTE.sub("", text) or text
