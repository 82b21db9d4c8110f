"""The words ``indicators.yaml`` accepts for each enumerated field, in English and Chinese.

Each function is a pydantic "before" validator: it maps an accepted spelling to the stored
value and returns anything else unchanged, so the model's own check names the allowed values.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_SYNONYMS: dict[str, dict[str, str]] = {
    "attribute": {
        "约束性": "约束性", "binding": "约束性", "obligatory": "约束性", "mandatory": "约束性",
        "预期性": "预期性", "expected": "预期性", "indicative": "预期性", "anticipatory": "预期性",
    },
    "direction": {
        "up": "up", "higher": "up", "increase": "up", "正向": "up", "越高越好": "up", "上升": "up",
        "down": "down", "lower": "down", "decrease": "down", "逆向": "down", "负向": "down",
        "越低越好": "down", "下降": "down",
    },
    "comparator": {
        ">=": ">=", "≥": ">=", "at least": ">=", "min": ">=", "不低于": ">=", "以上": ">=",
        "<=": "<=", "≤": "<=", "at most": "<=", "max": "<=", "不高于": "<=", "以下": "<=",
        "==": "==", "=": "==", "equal": "==", "等于": "==",
    },
    "kind": {
        "target": "target", "目标": "target", "relative": "relative", "相对": "relative",
        "milestone": "milestone", "里程碑": "milestone", "monitor": "monitor", "监测": "monitor",
        "monitoring": "monitor",
    },
    "measure": {
        "stock": "stock", "存量": "stock", "level": "stock",
        "flow": "flow", "流量": "flow", "cumulative": "flow", "年初至今": "flow",
    },
    "frequency": {
        "year": "year", "annual": "year", "yearly": "year", "年": "year", "年度": "year",
        "quarter": "quarter", "quarterly": "quarter", "季": "quarter", "季度": "quarter",
        "month": "month", "monthly": "month", "月": "month", "月度": "month",
    },
    "method": {
        "sum": "sum", "total": "sum", "求和": "sum", "合计": "sum",
        "weighted_mean": "weighted_mean", "weighted mean": "weighted_mean",
        "加权平均": "weighted_mean",
        "mean": "mean", "average": "mean", "unweighted_mean": "mean", "平均": "mean",
        "简单平均": "mean", "算术平均": "mean",
        "median": "median", "中位数": "median",
        "formula": "formula", "公式": "formula", "none": "none", "不汇总": "none",
    },
}  # fmt: skip


def _word(kind: str, value: Any) -> Any:
    if isinstance(value, str):
        return _SYNONYMS[kind].get(value.strip().lower(), value)
    return value


def attribute_word(value: Any) -> Any:
    return _word("attribute", value)


def direction_word(value: Any) -> Any:
    return _word("direction", value)


def comparator_word(value: Any) -> Any:
    return _word("comparator", value)


def kind_word(value: Any) -> Any:
    return _word("kind", value)


def measure_word(value: Any) -> Any:
    return _word("measure", value)


def frequency_word(value: Any) -> Any:
    return _word("frequency", value)


def method_word(value: Any) -> Any:
    return _word("method", value)


def accepted(kind: str) -> list[str]:
    """The spellings accepted for a field (for messages and the README)."""
    return list(_SYNONYMS[kind])


def as_text(value: Any) -> Any:
    """A year or code written without quotes (an int, or a date YAML read) as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


_PERCENT = re.compile(r"^\s*([+\-−–]?\s*\d+(?:\.\d*)?)\s*[%％]?\s*$")


def percent_number(value: Any) -> Any:
    """``-20``, ``"-20%"`` or ``"−20 %"`` → -20.0; anything else unchanged."""
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if m:
            return float(m[1].replace(" ", "").replace("−", "-").replace("–", "-"))
    return value
