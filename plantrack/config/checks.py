"""Rules over a typed registry. Each returns a list of issues; none raises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from plantrack.config.loader import Issue, Loc, line_of
from plantrack.config.models import Indicator, Plan, Registry
from plantrack.formula import FormulaError, formula_names
from plantrack.periods import parse_period

Check = Callable[[Registry], Iterator[tuple[Loc, str, str]]]


def _ind(i: int, *rest: str | int) -> Loc:
    return ("indicators", i, *rest)


def check_unique(reg: Registry) -> Iterator[tuple[Loc, str, str]]:
    groups: tuple[tuple[str, Sequence[Plan | Indicator]], ...] = (
        ("plans", reg.plans),
        ("indicators", reg.indicators),
    )
    for kind, items in groups:
        seen: Counter[str] = Counter()
        for i, item in enumerate(items):
            seen[item.id] += 1
            if seen[item.id] == 2:
                yield (kind, i, "id"), f"id '{item.id}' 重复", "每个 id 只能出现一次"
    codes: Counter[str] = Counter()
    for i, area in enumerate([reg.areas.district, *reg.areas.subareas]):
        codes[area.code] += 1
        if codes[area.code] == 2:
            yield ("areas", "subareas", i - 1, "code"), f"地区代码 {area.code} 重复", "改为唯一代码"


def check_plans(reg: Registry) -> Iterator[tuple[Loc, str, str]]:
    for i, plan in enumerate(reg.plans):
        if plan.end_year < plan.start_year:
            yield (
                ("plans", i, "end_year"),
                f"规划 {plan.id}: 末年 {plan.end_year} 早于起始年",
                "检查年份",
            )
        if plan.base_period is not None and parse_period(plan.base_period) is None:
            yield (
                ("plans", i, "base_period"),
                f"规划 {plan.id}: 基期 '{plan.base_period}' 无法识别",
                "写成 2020 或 2020Q4",
            )


def _check_target(i: int, ind: Indicator, reg: Registry) -> Iterator[tuple[Loc, str, str]]:
    plans = {p.id: p for p in reg.plans}
    ids = {x.id for x in reg.indicators}
    t = ind.target
    if ind.kind in ("target", "relative") and t is None:
        yield _ind(i, "kind"), f"指标 {ind.id}: 类型 {ind.kind} 需要 target", "补上 target 段"
        return
    if t is None:
        return
    if ind.kind == "target" and t.value is None and t.change_pct is None and not t.by_area:
        yield (
            _ind(i, "target"),
            f"指标 {ind.id}: 缺少目标值 target.value",
            "填写目标值，或用 change_pct 写相对基期的变化（如 -20），或用 by_area 分地区给出",
        )
    if t.value is not None and t.change_pct is not None:
        yield (
            _ind(i, "target", "change_pct"),
            f"指标 {ind.id}: target.value 与 change_pct 只能写一个",
            "删去其中一个",
        )
    codes = {reg.areas.district.code, *(a.code for a in reg.areas.subareas)}
    for code, at in t.by_area.items():
        if code not in codes:
            yield (
                _ind(i, "target", "by_area", code),
                f"指标 {ind.id}: by_area 中的地区代码 '{code}' 不在 areas 中",
                f"改为已配置的地区代码（{_sample(sorted(codes))}）",
            )
        if at.value is not None and at.change_pct is not None:
            yield (
                _ind(i, "target", "by_area", code),
                f"指标 {ind.id}: 地区 {code} 的 value 与 change_pct 只能写一个",
                "删去其中一个",
            )
    if ind.kind == "relative" and t.reference not in ids:
        yield (
            _ind(i, "target", "reference"),
            f"指标 {ind.id}: 参照指标 '{t.reference}' 不存在",
            "填写已定义的指标 id",
        )
    tp = parse_period(t.period)
    if tp is None:
        yield (
            _ind(i, "target", "period"),
            f"指标 {ind.id}: 目标期 '{t.period}' 无法识别",
            "写成 2025",
        )
        return
    plan = plans.get(ind.plan)
    base_text = ind.baseline.period if ind.baseline else (plan.base_period if plan else None)
    bp = parse_period(base_text) if base_text else None
    if bp is not None and tp.end <= bp.end:
        yield (
            _ind(i, "target", "period"),
            f"指标 {ind.id}: 目标期 {tp} 不晚于基期 {bp}",
            "目标期应在基期之后",
        )
    if ind.kind == "target" and (
        (ind.direction == "up" and t.comparator == "<=")
        or (ind.direction == "down" and t.comparator == ">=")
    ):
        yield (
            _ind(i, "target", "comparator"),
            f"指标 {ind.id}: 比较符 {t.comparator} 与方向 {ind.direction} 相反",
            "核对方向与比较符",
        )


def _sample(items: list[str], n: int = 5) -> str:
    return "、".join(items[:n]) + (f" 等 {len(items)} 个" if len(items) > n else "")


def check_indicators(reg: Registry) -> Iterator[tuple[Loc, str, str]]:
    plans = {p.id for p in reg.plans}
    ids = {x.id for x in reg.indicators}
    for i, ind in enumerate(reg.indicators):
        if ind.plan not in plans:
            yield (
                _ind(i, "plan"),
                f"指标 {ind.id}: 规划 '{ind.plan}' 不存在",
                f"改为 {sorted(plans)} 之一",
            )
        yield from _check_target(i, ind, reg)
        if ind.baseline and parse_period(ind.baseline.period) is None:
            yield (
                _ind(i, "baseline", "period"),
                f"指标 {ind.id}: 基期 '{ind.baseline.period}' 无法识别",
                "写成 2020",
            )
        if ind.kind == "milestone":
            if ind.deadline is None:
                yield _ind(i, "kind"), f"指标 {ind.id}: 里程碑需要 deadline", "填写完成时限日期"
            if ind.uploadable:
                yield (
                    _ind(i, "kind"),
                    f"指标 {ind.id}: 里程碑不能通过数值上报",
                    "设 uploadable: false",
                )
        r = ind.valid_range
        if r.min is not None and r.max is not None and r.min > r.max:
            yield _ind(i, "valid_range"), f"指标 {ind.id}: 有效范围下限大于上限", "交换 min 与 max"
        if ind.rollup.method == "weighted_mean" and ind.rollup.weight not in ids:
            yield (
                _ind(i, "rollup", "weight"),
                f"指标 {ind.id}: 权重指标 '{ind.rollup.weight}' 不存在",
                "填写已定义的指标 id",
            )
        yield from _check_formula(i, ind, ids)


def _check_formula(i: int, ind: Indicator, ids: set[str]) -> Iterator[tuple[Loc, str, str]]:
    if (ind.formula is None) != (ind.rollup.method != "formula"):
        yield (
            _ind(i, "rollup"),
            f"指标 {ind.id}: 公式与汇总方法 formula 须同时出现",
            "两者都写或都不写",
        )
    if ind.formula is None:
        return
    if ind.uploadable:
        yield (
            _ind(i, "formula"),
            f"指标 {ind.id}: 公式计算的指标不能直接上报",
            "设 uploadable: false",
        )
    try:
        names = formula_names(ind.formula)
    except FormulaError:
        yield (
            _ind(i, "formula"),
            f"指标 {ind.id}: 公式 '{ind.formula}' 语法错误",
            "只用指标 id、数字和 + - * / ( )",
        )
        return
    for name in names:
        if name not in ids:
            yield (
                _ind(i, "formula"),
                f"指标 {ind.id}: 公式引用了未定义的指标 '{name}'",
                "先定义该分项指标",
            )


def _base_past_target(ind: Indicator) -> Iterator[tuple[Loc | None, str, float, float]]:
    """(where, area, base, target) for every configured base that already meets its target."""
    t = ind.target
    if ind.kind != "target" or t is None:
        return
    base = ind.baseline.value / (ind.baseline.span_years or 1) if ind.baseline else None
    pairs: list[tuple[Loc | None, str, float | None, float | None]] = [
        (("baseline",), "", base, t.value)
    ]
    for code, at in t.by_area.items():
        value = at.value if at.value is not None else t.value
        pairs.append((("target", "by_area", code), code, at.base, value))
    for loc, area, b, x in pairs:
        if b is None or x is None or b == x:
            continue
        met = b >= x if t.comparator == ">=" else b <= x if t.comparator == "<=" else False
        if met:
            yield loc, area, b, x


def warn_base_past_target(reg: Registry) -> Iterator[tuple[Loc, str, str]]:
    """A configured base that already meets the target: assessed as a keep-the-target case."""
    for i, ind in enumerate(reg.indicators):
        for loc, area, b, x in _base_past_target(ind):
            where = f"地区 {area} 的" if area else ""
            yield (
                _ind(i, *(loc or ())),
                f"指标 {ind.id}: {where}基期值 {b:g} 已达到目标 {ind.target.comparator} {x:g}"  # type: ignore[union-attr]
                "，按“保持目标”评估（保持为已实现，不再达到为未保持、红灯）",
                "如目标应更高（更低），请核对目标值或基期值",
            )


CHECKS: tuple[Check, ...] = (check_unique, check_plans, check_indicators)
WARNINGS: tuple[Check, ...] = (warn_base_past_target,)


def check_registry(reg: Registry, path: Path, positions: Mapping[Loc, int]) -> list[Issue]:
    """Run every rule and return all issues with their lines."""
    issues = []
    for check in CHECKS:
        for loc, what, fix in check(reg):
            issues.append(Issue(path.name, line_of(positions, loc), f"{what} — {fix}"))
    for check in WARNINGS:
        for loc, what, fix in check(reg):
            issues.append(
                Issue(path.name, line_of(positions, loc), f"{what} — {fix}", level="warning")
            )
    if reg.tasks_file and not (path.parent / reg.tasks_file).exists():
        issues.append(
            Issue(
                path.name,
                line_of(positions, ("tasks_file",)),
                f"任务清单 {reg.tasks_file} 不存在 — 检查路径",
            )
        )
    return sorted(issues, key=lambda i: i.line)
