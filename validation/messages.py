"""Chinese sentences for every rule: what is wrong, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from plantrack.config import Indicator, Plan
from plantrack.ingest.report import Level, Problem, clip

if TYPE_CHECKING:
    import pandas as pd


EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#错误",
    }
)


def num(v: float | None) -> str:
    """A number as shown in a message; huge ones in short form (1.2e+300, not 300 digits)."""
    if v is None or v != v:
        return "—"
    if abs(v) >= 1e15 or (v != 0 and abs(v) < 1e-6):
        return f"{v:.4g}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}"


@dataclass
class Context:
    """What validation needs besides the rows: the registry, the stored values, today."""

    file: str
    indicators: dict[str, Indicator]
    plans: dict[str, Plan]
    area_names: dict[str, str]
    district: str
    subareas: list[str]
    today: date
    current: pd.DataFrame | None = None  # stored current values (indicator, area, …)
    settings: dict = field(default_factory=dict)
    header_period: str | None = None  # the file's 报告期 in the header block, parsed
    totals: dict[str, int] = field(default_factory=dict)  # code → count, when capped
    subarea_label: str = "街道"  # the registry's names of the two levels (areas.*_label)
    district_label: str = "全区"

    @property
    def precision(self) -> dict[str, int]:
        return {i: ind.precision for i, ind in self.indicators.items()}

    def indicator_name(self, ind: str) -> str:
        return self.indicators[ind].name if ind in self.indicators else ind

    def area_name(self, area: str) -> str:
        return self.area_names.get(area, area)


FIELD_PLACE = {"indicator": "indicator", "area": "area", "period": "period", "value": "value"}


def problem(ctx: Context, rec: dict, level: Level, code: str, fld: str, message: str) -> Problem:
    """A problem at the cell of ``fld`` in the row ``rec`` (a normalised row as a dict)."""
    ind, area = rec.get("indicator") or "", rec.get("area") or ""
    raw_value = rec.get(f"{fld}_raw", rec.get("value_raw"))
    return Problem(
        level=level,
        code=code,
        message=message,
        file=ctx.file,
        row=int(rec["row"]),
        column=rec.get(f"{fld}_col") or None,
        header=rec.get(f"{fld}_header") or None,
        indicator=ctx.indicator_name(ind)
        if rec.get("indicator_ok")
        else (rec.get("indicator_raw") or None),
        area=ctx.area_name(area) if rec.get("area_ok") else (rec.get("area_raw") or None),
        period=rec.get("period") or rec.get("period_raw") or None,
        value=None if raw_value is None else str(raw_value),
    )


def error_message(ctx: Context, code: str, rec: dict, meta: dict) -> str:
    """The sentence for a failed expectation of the suite."""
    ind = ctx.indicators.get(rec.get("indicator") or "")
    raw = {f: clip(rec.get(f"{f}_raw") or "") for f in ("indicator", "area", "period", "value")}
    if code == "unknown_indicator":
        if not raw["indicator"]:
            return "未填写指标。请填写指标代码或指标名称（见模板的“指标代码”“指标名称”列）。"
        return (
            f"指标“{raw['indicator']}”不存在。请填写模板中的指标代码或指标名称，"
            "名称须与指标清单完全一致。"
        )
    if code == "not_uploadable" and ind is not None:
        if ind.kind == "milestone":
            return f"“{ind.name}”是里程碑事项，不上报数值。请删除这一行，在任务进度中更新完成情况。"
        return (
            f"“{ind.name}”由公式（{ind.formula}）计算得出，不接受直接上报。"
            "请删除这一行，上报公式中的分项指标。"
        )
    if code == "unknown_area":
        example = _area_example(ctx)
        if not raw["area"]:
            return f"未填写地区。请填写地区名称或代码（如 {example}）。"
        return (
            f"地区“{raw['area']}”不存在。请填写配置中地区的名称、简称或代码（如 {example}；"
            "代码不分大小写）。"
        )
    if code == "bad_period":
        if not raw["period"]:
            return "未填写报告期。请写成 2024Q1（季度）或 2024（年度），或在表头“报告期”中填写。"
        return (
            f"报告期“{raw['period']}”无法识别。请写成 2024Q1、2024-Q1、2024年第一季度、"
            "2024年1-3月、2024（年度）或 2024-03（月度）。"
        )
    if code == "future_period":
        return f"报告期 {rec.get('period')} 尚未结束（今天是 {ctx.today:%Y-%m-%d}），不能上报。请核对报告期。"
    if code == "outside_plan":
        plan = ctx.plans.get(ind.plan) if ind is not None else None
        span = f"{plan.start_year - 1}（基期）至 {plan.end_year} 年" if plan else "规划期"
        name = f"《{plan.short_name}》" if plan else ""
        return f"报告期 {rec.get('period')} 不在规划{name}的期间 {span} 内。请核对报告期。"
    if code == "frequency" and ind is not None:
        period = str(rec.get("period") or "")
        part = "月份" if "-" in period else "季度"  # 2010-06 (a month or a date), 2010Q2
        return f"“{ind.name}”按年报送，报告期应为年份（如 {period[:4]}），不能是{part} {period}。"
    if code == "no_value":
        if not raw["value"]:
            return "未填写数值（备注已填写）。请填写数字；没有数据的行请整行删除。"
        full = str(rec.get("value_raw") or "")
        if len(full) > 20 and full.strip().lstrip("+-").replace(".", "", 1).isdigit():
            return (
                f"数值是一个 {len(full.strip()):,} 位的数字（{full.strip()[:6]}…），超出可处理的范围。"
                "请核对单位和数值后重新填写。"
            )
        if raw["value"].upper() in EXCEL_ERRORS:
            return (
                f"单元格是 Excel 错误值 {raw['value']}（公式计算出错，如除以零或引用失效），"
                "不是数字。请修正公式或直接填写数值。"
            )
        return (
            f"数值“{raw['value']}”不是数字。请只填写数字（如 41 或 1234.5），"
            "单位写在“单位”列，文字说明写在“备注”列。"
        )
    if code == "out_of_range" and ind is not None:
        r = ind.valid_range
        return _range_message(ind, rec.get("value"), r.min, r.max)
    if code == "duplicate":
        others = meta.get("others") or []
        return duplicate_message(others, len(others))
    return f"未通过检查（{code}）。请核对这一行。"


def duplicate_message(others: list[int], total: int) -> str:
    """One sentence per group of duplicated rows: the first rows listed, the rest counted."""
    shown = "、".join(str(r) for r in others)
    if total > len(others):
        where = f"第 {shown} 行等其他 {total:,} 行"
    else:
        where = f"第 {shown} 行" if others else "其他行"
    return (
        f"与{where}的指标、地区、报告期相同。同一指标同一地区同一报告期只能填一行，请删除重复的行。"
    )


def _range_message(ind: Indicator, v: float | None, lo: float | None, hi: float | None) -> str:
    if ind.unit == "%" and v is not None and hi is not None and v > hi:
        return (
            f"数值 {num(v)} 超过 {num(hi)}%，不是有效的百分比。请填写百分数本身"
            "（如 41% 填 41），并核对分子分母。"
        )
    if lo is not None and v is not None and v < lo:
        what = "不能为负数" if lo == 0 else f"不能小于 {num(lo)}"
        return f"数值 {num(v)} 无效：“{ind.name}”（单位 {ind.unit}）{what}。请核对后修改。"
    span = f"{num(lo) if lo is not None else '不限'}–{num(hi) if hi is not None else '不限'}"
    return f"数值 {num(v)} 超出“{ind.name}”的有效范围 {span}（单位 {ind.unit}）。请核对后修改。"


def _area_example(ctx: Context) -> str:
    """Two configured areas as examples (a sub-area's name and code, the district's name)."""
    codes = [*ctx.subareas[:1], ctx.district]
    names = [ctx.area_name(c) for c in codes]
    return "、".join(dict.fromkeys([names[0], codes[0], names[-1]]))
