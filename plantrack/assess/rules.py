"""Typed inputs and outputs of the assessment, and the words it reports (methods.md).

Everything the scalar path (:mod:`.core`) and the vectorised path (:mod:`.frame`) must agree
on lives here: the verdict and class words, the reason sentences, the 1e-9 threshold
tolerance (methods.md, Notation) and the two dataclasses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

import numpy as np

from plantrack.periods import Period

EPS = 1e-9
"""Tolerance of threshold comparisons (methods.md, Notation)."""

KINDS = ("target", "relative", "milestone", "monitor")
COMPARATORS = (">=", "<=", "==")
MEASURES = ("stock", "flow")


class Verdict:
    """Verdict words, exactly as methods.md §1 and §4 write them."""

    EARLY = "提前实现"
    MET = "已实现"
    FAST = "快于预期"
    ON_TRACK = "基本符合预期"
    LAGGING = "滞后"
    REVERSE = "逆向"
    MISSED = "未实现"
    NOT_KEPT = "未保持"  # a base already past the target no longer meets it (keep-the-target)
    NA = "无法评估"
    REL_MET = "已达标"
    REL_MISSED = "未达标"
    DONE = "已完成"
    DONE_LATE = "逾期完成"
    PENDING = "进行中"
    OVERDUE = "逾期"
    MONITOR = "监测"


class Light:
    """Traffic lights (methods.md §1, §4)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"


class GrowthClass:
    """Classes of the growth-rate ratio (methods.md §2), in Chinese."""

    ACHIEVED = "已实现目标"  # target achieved
    ON_TRACK = "进展顺利"  # on track
    ACCELERATE = "需加快"  # acceleration needed
    LIMITED = "进展有限"  # limited progress
    DETERIORATION = "恶化"  # deterioration


class Reason:
    """Why a value is null, or why an indicator cannot be assessed."""

    NO_TARGET_VALUE = "未设定目标值"
    NO_TARGET_PERIOD = "未设定目标期"
    NO_BASE_PERIOD = "未设定基期"
    TARGET_NOT_AFTER_BASE = "目标期不晚于基期"
    AS_OF_IN_BASE = "评估日未晚于基期末，尚无基期后的进展可评估"
    NO_LATEST = "截至评估日无观测值"
    NO_BASE = "无基期值"
    LATEST_NOT_AFTER_BASE = "最新数据不晚于基期"
    NO_REFERENCE_RULE = "未设定参照指标"
    NO_REFERENCE_VALUE = "参照序列无同期值"
    KEEP_COMPLETION = "目标值等于基期值，完成进度无定义"
    KEEP_GROWTH = "目标值等于基期值，增速比无定义"
    BASE_NONPOSITIVE = "基期值≤0，增速比无定义"
    LATEST_NONPOSITIVE = "最新值≤0，增速比无定义"
    TARGET_NEGATIVE = "目标值<0，增速比无定义"
    ZERO_REQUIRED_GROWTH = "所需增速为零，增速比无定义"
    LATEST_AFTER_TARGET = "最新数据晚于目标期，不作趋势预测"
    OVERFLOW = "数值超出可计算范围"
    BASE_PAST_TARGET = "基期值已达到目标，按保持目标评估，完成进度无定义"

    SEPARATOR = "；"


REASONS = [v for k, v in vars(Reason).items() if k.isupper() and k != "SEPARATOR"]
REASON_CODES = {text: i + 1 for i, text in enumerate(REASONS)}  # 0 means no reason


def join_reasons(slots: list[np.ndarray]) -> np.ndarray:
    """Per row, the non-zero reason codes of ``slots`` in order, joined into one sentence."""
    texts, base = [None, *REASONS], len(REASONS) + 1
    combined = sum(s.astype(np.int64) * base**i for i, s in enumerate(slots))
    uniques, inverse = np.unique(combined, return_inverse=True)
    joined = []
    for c in uniques.tolist():
        parts = [texts[(c // base**i) % base] for i in range(len(slots))]
        joined.append(Reason.SEPARATOR.join(p for p in parts if p) or None)
    return np.array([*joined, None], dtype=object)[:-1][inverse]


@dataclass(frozen=True)
class Rule:
    """What the assessment needs to know about one indicator.

    ``comparator`` None on a ``target`` or ``relative`` indicator is read from the direction
    (``>=`` for +1, ``<=`` for −1). ``base_value`` None means: use the observation at
    ``base_period`` (an annual value, or failing that one ending with the base period).
    ``target_change_pct`` (used when ``target_value`` is None) sets the target relative to
    the area's own base: x* = x_b · (1 + target_change_pct / 100), e.g. −20 for "−20 %".
    """

    id: str
    kind: str
    direction: int
    base_period: Period | None
    base_value: float | None
    target_value: float | None
    target_period: Period | None
    comparator: str | None
    tolerance: float = 0.0
    measure: str = "stock"
    delta: float = 0.10
    delta_red: float = 0.30
    reference: str | None = None
    deadline: date | None = None
    target_change_pct: float | None = None
    proj_min: float | None = None  # projections are bounded by nature (a rate ≤ 100 %, …)
    proj_max: float | None = None

    def __post_init__(self) -> None:
        checks = [
            (self.kind in KINDS, f"类型 {self.kind!r} 未知（应为 {'/'.join(KINDS)}）"),
            (self.direction in (1, -1), f"方向 {self.direction!r} 应为 1 或 -1"),
            (
                self.comparator is None or self.comparator in COMPARATORS,
                f"比较符 {self.comparator!r} 应为 {' '.join(COMPARATORS)} 之一",
            ),
            (self.measure in MEASURES, f"计量方式 {self.measure!r} 应为 stock 或 flow"),
            (self.tolerance >= 0, f"容差 {self.tolerance!r} 不能为负"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"指标 {self.id}：{message}")

    @property
    def effective_comparator(self) -> str | None:
        """The comparator used for "met" (target and relative kinds)."""
        if self.comparator is not None or self.kind not in ("target", "relative"):
            return self.comparator
        return ">=" if self.direction > 0 else "<="


@dataclass(frozen=True)
class Assessment:
    """One indicator in one area as of a date: the fields of the CLI JSON."""

    indicator: str
    area: str
    kind: str
    direction: int
    baseline_value: float | None
    baseline_period: str | None
    latest_value: float | None
    latest_period: str | None
    target_value: float | None
    target_period: str | None
    comparator: str | None
    completion: float | None
    time_share: float | None
    verdict: str
    light: str
    cagr_ratio: float | None
    cagr_class: str | None
    projected_value: float | None
    projected_period: str | None
    projected_meets: bool | None
    gap: float | None
    reason: str | None

    def to_json(self) -> dict:
        """Nested JSON-ready dict; floats rounded to 6 decimals, never NaN or inf."""
        return {
            "id": self.indicator,
            "area": self.area,
            "kind": self.kind,
            "direction": self.direction,
            "baseline": {"value": round6(self.baseline_value), "period": self.baseline_period},
            "latest": {"value": round6(self.latest_value), "period": self.latest_period},
            "target": {
                "value": round6(self.target_value),
                "period": self.target_period,
                "comparator": self.comparator,
            },
            "completion": round6(self.completion),
            "time_share": round6(self.time_share),
            "verdict": self.verdict,
            "light": self.light,
            "cagr_ratio": round6(self.cagr_ratio),
            "cagr_class": self.cagr_class,
            "projected": {
                "value": round6(self.projected_value),
                "period": self.projected_period,
                "meets_target": self.projected_meets,
            },
            "gap": round6(self.gap),
            "reason": self.reason,
        }


ASSESSMENT_FIELDS = tuple(f.name for f in fields(Assessment))

_COMPARATOR_CODES = {c: i for i, c in enumerate(COMPARATORS)}


def rule_columns(rules: Sequence[Rule]) -> dict[str, np.ndarray]:
    """The rules as columns (one array per attribute, by rule position) for the frame path.

    Missing values are encoded: periods as quarter index −1, numbers as NaN (with a flag),
    the effective comparator as code 0 ``>=``, 1 ``<=``, 2 ``==`` or −1.
    """
    nan = np.nan
    columns = {  # name: (value for one rule, dtype)
        "kind": (lambda r: KINDS.index(r.kind), np.int64),
        "dir": (lambda r: r.direction, np.int64),
        "flow": (lambda r: r.measure == "flow", bool),
        "cmp": (lambda r: _COMPARATOR_CODES.get(r.effective_comparator, -1), np.int64),
        "tol": (lambda r: r.tolerance, float),
        "delta": (lambda r: r.delta, float),
        "delta_red": (lambda r: r.delta_red, float),
        "b": (lambda r: r.base_period.index if r.base_period else -1, np.int64),
        "cfg": (lambda r: r.base_value is not None, bool),
        "bv_cfg": (lambda r: nan if r.base_value is None else r.base_value, float),
        "has_xs": (lambda r: r.target_value is not None, bool),
        "has_chg": (lambda r: r.target_value is None and r.target_change_pct is not None, bool),
        "chg": (lambda r: nan if r.target_change_pct is None else r.target_change_pct, float),
        "xs": (lambda r: nan if r.target_value is None else r.target_value, float),
        "T": (lambda r: r.target_period.index if r.target_period else -1, np.int64),
        "has_ref": (lambda r: r.reference is not None, bool),
        "pmin": (lambda r: nan if r.proj_min is None else r.proj_min, float),
        "pmax": (lambda r: nan if r.proj_max is None else r.proj_max, float),
        "id": (lambda r: r.id, object),
        "kind_str": (lambda r: r.kind, object),
        "cmp_str": (lambda r: r.effective_comparator, object),
        "xs_out": (lambda r: r.target_value, object),
        "b_str": (lambda r: str(r.base_period) if r.base_period else None, object),
        "T_str": (lambda r: str(r.target_period) if r.target_period else None, object),
    }
    return {n: np.array([*(f(r) for r in rules), 0], dtype=d)[:-1] for n, (f, d) in columns.items()}


def round6(x: float | None) -> float | None:
    """Round to 6 decimals for output; None for None, NaN or inf; never ``-0.0``."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), 6) + 0.0
