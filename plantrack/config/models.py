"""Typed models of ``indicators.yaml`` (version 1). Unknown keys are errors.

Written for a Chinese gazette first, usable for any place: the gazette-only fields (文号,
印发机关, 印发日期, 出处, 条款, 牵头部门, 约束性/预期性) are optional, every enumerated
value is accepted in English or Chinese (:mod:`plantrack.config.words`), and years or codes
written without quotes (``base_period: 2020``, ``code: 370103``) are read as text.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from plantrack.config.words import (
    as_text,
    attribute_word,
    comparator_word,
    direction_word,
    frequency_word,
    kind_word,
    measure_word,
    method_word,
    percent_number,
)

Text = Annotated[str, BeforeValidator(as_text)]
"""A string that may be written unquoted in YAML (a year such as 2020, a code such as 370103)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Area(Strict):
    code: Text = Field(description="统计用区划代码 Statistical area code, e.g. 370103002000")
    name: str = Field(description="名称 Official name, e.g. 大观园街道")
    name_en: str | None = Field(None, description="英文名称 English name")
    aliases: list[str] = Field(default=[], description="别名 Other names that resolve to it")


class Areas(Strict):
    district: Area = Field(description="区 The district itself (the level plans are set for)")
    subareas: list[Area] = Field(description="街道 The sub-areas the district reports by")
    subarea_label: str = Field(
        "街道",
        min_length=1,
        description="下级地区称谓 What a sub-area is called on screens and in reports "
        "(各街道比较, 20个街道…), e.g. 国家 or 乡镇",
    )
    district_label: str = Field(
        "全区",
        min_length=1,
        description="本级称谓 What the district as a whole is called (与全区之差), e.g. 欧洲 or 全市",
    )


class Assessment(Strict):
    delta: float = Field(
        0.10, ge=0, le=1, description="δ 基本符合预期的容差 Tolerance around the time share"
    )
    delta_red: float = Field(
        0.30, ge=0, le=1, description="δ_red 黄灯/红灯分界 Yellow/red boundary below the time share"
    )


class Plan(Strict):
    id: Text = Field(description="标识 Stable id used by indicators and tasks")
    name: str = Field(description="规划名称 Full name as published")
    name_en: str | None = Field(None, description="英文名称 English name")
    short_name: str = Field("", description="简称 Short name for screens (default: the name)")
    short_name_en: str | None = Field(None, description="英文简称 English short name")
    doc_no: str = Field("", description="文号 Document number, e.g. 市中政办字〔2022〕2号")
    issuer: str = Field("", description="印发机关 Issuing body")
    issued: date = Field(
        date(1900, 1, 1), description="印发日期 Date of issue (default: 1 January of start_year)"
    )
    start_year: int = Field(description="规划期起始年 First year of the plan period")
    end_year: int = Field(description="规划期末年 Last year of the plan period (target year)")
    base_period: Text | None = Field(
        None,
        description="基期 Base period of the targets (e.g. '2020'); null for one-year work plans",
    )
    assessment: Assessment = Field(
        default=Assessment(), description="评估参数 Assessment tolerances (methods.md §1)"
    )
    source: str = Field("", description="出处 Where the plan was published")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """short_name defaults to the name, issued to 1 January of the first year."""
        if isinstance(data, dict):
            data = dict(data)
            if not data.get("short_name") and data.get("name"):
                data["short_name"] = data["name"]
            if data.get("issued") is None and isinstance(data.get("start_year"), int):
                data["issued"] = date(data["start_year"], 1, 1)
        return data


class Value(Strict):
    value: float = Field(description="数值 The value")
    period: Text = Field(description="时期 Period the value refers to: '2025' or '2023Q4'")
    note: str | None = Field(None, description="说明 Where the value comes from")
    span_years: int | None = Field(
        None,
        ge=1,
        description="累计年数 The value is a total over this many years (e.g. 5 for a “十三五” "
        "total); assessment compares annual values with value / span_years",
    )


class AreaTarget(Strict):
    value: float | None = Field(None, description="目标值 This area's own target value")
    base: float | None = Field(
        None,
        description="基期值 This area's base value (default: its observation at the base period)",
    )
    change_pct: Annotated[float | None, BeforeValidator(percent_number)] = Field(
        None,
        description="相对基期变化 Target as a change from this area's own base, in percent "
        "(-20 or '-20%': 20 % below the base)",
    )


class Target(Strict):
    value: float | None = Field(
        None, description="目标值 Target value (null for relative, or when change_pct is given)"
    )
    period: Text = Field(description="目标期 Period by which the target applies, e.g. '2025'")
    comparator: Annotated[Literal[">=", "<=", "=="], BeforeValidator(comparator_word)] = Field(
        description="比较 Comparator: >=, <= or == (also ≥, ≤, at least, at most, 不低于, 不高于)"
    )
    tolerance: float = Field(0.0, ge=0, description="容差 Tolerance for == targets")
    reference: str | None = Field(
        None, description="参照指标 For relative targets: id of the series compared against"
    )
    change_pct: Annotated[float | None, BeforeValidator(percent_number)] = Field(
        None,
        description="相对基期变化 Target as a change from each area's own base, in percent "
        "(-20 or '-20%': 20 % below the base); replaces value",
    )
    by_area: dict[Text, AreaTarget] = Field(
        default={},
        description="分地区目标 Per-area base and target (area code → value / base / change_pct); "
        "areas not listed use the indicator's target",
    )
    text: str = Field("", description="原文表述 The target as the plan words it, e.g. 41%以上")
    each_year: bool = Field(
        False,
        description="逐年要求 The requirement holds in every year of the plan (每年至少一次), "
        "judged year by year rather than once at the target period",
    )


class Range(Strict):
    min: float | None = Field(None, description="下限 Smallest valid value")
    max: float | None = Field(None, description="上限 Largest valid value")


class Rollup(Strict):
    method: Annotated[
        Literal["sum", "weighted_mean", "mean", "median", "formula", "none"],
        BeforeValidator(method_word),
    ] = Field(
        description="汇总方法 How 街道 values make the district value: sum of components, "
        "weighted mean (needs weight), unweighted mean, median, formula over summed "
        "components, or none (district only)"
    )
    weight: str | None = Field(None, description="权重指标 Weight series for weighted_mean")


class Indicator(Strict):
    id: Text = Field(description="指标代码 Stable id, '<plan>.<name>'")
    name: str = Field(description="指标名称 Name (Chinese, or the language of the plan)")
    name_en: str | None = Field(None, description="英文名称 English name")
    plan: Text = Field(description="所属规划 Plan id")
    kind: Annotated[
        Literal["target", "relative", "milestone", "monitor"], BeforeValidator(kind_word)
    ] = Field(
        description="类型 target (numeric target), relative (target is another series), "
        "milestone (done by a deadline), monitor (no target, trend only)"
    )
    unit: str = Field("", description="单位 Unit, e.g. %, 平方米, 人")
    direction: Annotated[Literal["up", "down"], BeforeValidator(direction_word)] = Field(
        description="方向 up: higher is better; down: lower is better (required, no default; "
        "also higher/lower, 正向/逆向)"
    )
    attribute: Annotated[Literal["约束性", "预期性"] | None, BeforeValidator(attribute_word)] = (
        Field(
            None,
            description="属性 约束性 (binding) or 预期性 (expected/indicative); null for "
            "components and where the plan does not say",
        )
    )
    attribute_note: str | None = Field(None, description="属性说明 How the attribute was read")
    target: Target | None = Field(None, description="目标 Target (kinds target and relative)")
    baseline: Value | None = Field(None, description="基期值 Baseline where the plan states it")
    deadline: date | None = Field(None, description="完成时限 Deadline (milestones)")
    lead: list[str] = Field(
        default=[], description="牵头部门 Lead departments as the clause names them"
    )
    participating: list[str] = Field(default=[], description="参与部门 Participating departments")
    clause: str = Field("", description="条款原文 The clause the indicator comes from, quoted")
    section: str | None = Field(None, description="所在章节 Section of the plan")
    valid_range: Range = Field(default=Range(), description="有效范围 Valid range of a value")
    measure: Annotated[Literal["stock", "flow"], BeforeValidator(measure_word)] = Field(
        "stock",
        description="存量/流量 stock read at period end; flow accumulates over the year (年初至今)",
    )
    frequency: Annotated[Literal["month", "quarter", "year"], BeforeValidator(frequency_word)] = (
        Field(description="报送频率 Reporting frequency: month, quarter or year")
    )
    rollup: Rollup = Field(
        default=Rollup(method="none"),
        description="汇总 How sub-areas roll up to the district (default none)",
    )
    formula: str | None = Field(
        None, description="公式 Derived indicators: formula over component ids, e.g. a / b * 10000"
    )
    uploadable: bool = Field(
        True, description="可上报 False for derived and milestone indicators (never uploaded)"
    )
    precision: int = Field(1, ge=0, le=6, description="小数位 Decimal places shown")
    description: str | None = Field(None, description="说明 Notes for readers")


class UploadChecks(Strict):
    jump_ratio: float = Field(
        0.5, gt=0, description="跳变比例 Warn when a value moves more than this share from the last"
    )
    robust_z: float = Field(
        3.5, gt=0, description="稳健Z值 Warn beyond this robust z-score (median/MAD) of the series"
    )
    min_history: int = Field(
        5, ge=2, description="最少历史期数 Stored values needed for the z-score"
    )
    rollup_tolerance: float = Field(
        0.01, ge=0, description="汇总容差 Warn when a district value differs from its 街道 roll-up"
    )


class Registry(Strict):
    version: Literal[1] = Field(description="配置版本 Version of this file's format")
    name: str = Field(description="名称 What this registry covers")
    areas: Areas = Field(description="地区 The district and its sub-areas")
    plans: list[Plan] = Field(description="规划 The plans tracked")
    indicators: list[Indicator] = Field(description="指标 Every indicator, target and milestone")
    validation: UploadChecks = Field(
        default=UploadChecks(), description="上报校验 Thresholds of the upload warnings"
    )
    names_en: dict[str, str] = Field(
        default={},
        description="英文名称表 English names of the departments and units the plans name "
        "(牵头部门, 责任单位), for English screens; a name not listed is shown as written",
    )
    tasks_file: str | None = Field(
        None, description="任务清单 Path (relative to this file) of the task registry"
    )
