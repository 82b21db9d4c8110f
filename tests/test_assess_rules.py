"""assess_one, rule by rule and edge case by edge case, against hand-computed numbers.

Each case names the methods.md section it checks. Numbers in comments are worked by hand.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date

import pytest

from plantrack.assess import Assessment, Reason, Rule, assess_one, least_squares_line
from plantrack.assess.growth import monitor_class, ratio_class
from plantrack.periods import Period, parse_period

MID = date(2023, 12, 31)  # the mid-term as-of date: τ = 12/20 = 0.6 for base 2020, target 2025
FINAL = date(2025, 12, 31)
BASE_RULE = Rule("fit.rate", "target", 1, Period(2020), None, 41.0, Period(2025), ">=")


def rule(**changes) -> Rule:
    return replace(BASE_RULE, **changes)


def run(r: Rule, obs: list[tuple[str, float]], as_of: date = MID, **kw) -> Assessment:
    return assess_one(r, "A", [(parse_period(p), v) for p, v in obs], as_of, **kw)


def check(a: Assessment, **expected) -> None:
    for name, want in expected.items():
        have = getattr(a, name)
        if isinstance(want, float):
            assert have == pytest.approx(want, abs=1e-4), (name, have, want)
        else:
            assert have == want, (name, have, want)


WORKED = [("2020", 38.0), ("2023Q4", 39.5)]

# (id, rule, observations, as-of, expected fields)
CASES = [
    # §1 worked example: τ = 12/20, ρ = 1.5/3 = 0.5 = τ − δ → 基本符合预期. §2: CAGR_obs =
    # (39.5/38)^(1/3) − 1 = 0.012989, CAGR_req = (41/38)^(1/5) − 1 = 0.015313, R = 0.8482 → 需加快.
    # §3: 39.5 · 1.012989² = 40.5328 < 41.
    ("worked example", BASE_RULE, WORKED, MID,
     dict(time_share=0.6, completion=0.5, verdict="基本符合预期", light="green", cagr_ratio=0.8482,
          cagr_class="需加快", projected_value=40.5328, projected_period="2025",
          projected_meets=False, baseline_period="2020", latest_period="2023Q4", reason=None)),
    # threshold cases: on paper ρ = 0.4/0.8 = 0.5 = τ − δ; in floating point 0.4999999999999978
    ("threshold τ−δ", rule(target_value=30.8), [("2020", 30.0), ("2023Q4", 30.4)], MID,
     dict(completion=0.5, verdict="基本符合预期", light="green")),
    # on paper ρ = 0.49/0.7 = 0.7 = τ + δ; in floating point 0.69999999999999851
    ("threshold τ+δ", rule(target_value=30.7), [("2020", 30.0), ("2023Q4", 30.49)], MID,
     dict(completion=0.7, verdict="快于预期", light="green")),
    # ρ = 0.3/1 = 0.3 = τ − δ_red → 滞后, still yellow; ρ = 0.2 → red
    ("lagging yellow", rule(target_value=31.0), [("2020", 30.0), ("2023Q4", 30.3)], MID,
     dict(completion=0.3, verdict="滞后", light="yellow")),
    ("lagging red", rule(target_value=31.0), [("2020", 30.0), ("2023Q4", 30.2)], MID,
     dict(completion=0.2, verdict="滞后", light="red")),
    ("met early", BASE_RULE, [("2020", 38.0), ("2023Q4", 41.0)], MID,
     dict(completion=1.0, verdict="提前实现", light="green", cagr_class="已实现目标")),
    ("moving away", BASE_RULE, [("2020", 38.0), ("2023Q4", 37.0)], MID,
     dict(completion=-1 / 3, verdict="逆向", light="red", cagr_class="恶化")),
    # decreasing target: ρ = (9−10)/(8−10) = 0.5; R = −(0.9^(1/3)−1)/|0.8^(1/5)−1| = 0.7907
    ("decreasing", rule(direction=-1, comparator="<=", target_value=8.0),
     [("2020", 10.0), ("2023Q4", 9.0)], MID,
     dict(completion=0.5, verdict="基本符合预期", cagr_ratio=0.7907, cagr_class="需加快")),
    ("decreasing away", rule(direction=-1, comparator="<=", target_value=8.0),
     [("2020", 10.0), ("2023Q4", 11.0)], MID,
     dict(completion=-0.5, verdict="逆向", light="red", cagr_ratio=-0.7396, cagr_class="恶化")),
    ("decreasing met", rule(direction=-1, comparator="<=", target_value=8.0),
     [("2020", 10.0), ("2023Q4", 7.9)], MID, dict(verdict="提前实现", cagr_class="已实现目标")),
    ("comparator from direction", rule(direction=-1, comparator=None, target_value=8.0),
     [("2020", 10.0), ("2023Q4", 7.9)], MID, dict(verdict="提前实现", comparator="<=")),
    # equality within tolerance 0.5
    ("equal met", rule(comparator="==", tolerance=0.5, target_value=60.0),
     [("2020", 50.0), ("2023Q4", 59.6)], MID, dict(verdict="提前实现", light="green")),
    ("equal on track", rule(comparator="==", tolerance=0.5, target_value=60.0),
     [("2020", 50.0), ("2023Q4", 55.0)], MID, dict(completion=0.5, verdict="基本符合预期")),
    ("equal overshoot", rule(comparator="==", tolerance=0.5, target_value=60.0),
     [("2020", 50.0), ("2023Q4", 61.0)], MID, dict(completion=1.1, verdict="快于预期")),
    # §1 rule 3: a keep target (x* = x_b)
    ("keep met", rule(target_value=100.0), [("2020", 100.0), ("2023Q4", 100.0)], MID,
     dict(verdict="提前实现", completion=None, cagr_class="已实现目标", cagr_ratio=None)),
    ("keep not met", rule(target_value=100.0), [("2020", 100.0), ("2023Q4", 98.0)], MID,
     dict(verdict="滞后", light="yellow", completion=None, cagr_ratio=None,
          reason="目标值等于基期值，完成进度无定义；目标值等于基期值，增速比无定义")),
    ("keep not met final", rule(target_value=100.0), [("2020", 100.0), ("2025", 98.0)], FINAL,
     dict(verdict="未实现", light="red")),
    # at or after T: 已实现 / 未实现 (逆向 stays)
    ("final met", BASE_RULE, [("2020", 38.0), ("2025", 41.2)], FINAL,
     dict(verdict="已实现", light="green", time_share=1.0)),
    ("final missed", BASE_RULE, [("2020", 38.0), ("2025", 40.7)], FINAL,
     dict(completion=0.9, verdict="未实现", light="red")),
    ("final away", BASE_RULE, [("2020", 38.0), ("2025", 37.0)], FINAL, dict(verdict="逆向")),
    ("as-of inside T's last quarter", BASE_RULE, [("2020", 38.0), ("2025Q3", 40.7)],
     date(2025, 11, 15), dict(verdict="未实现", time_share=1.0)),
    ("data after T", rule(target_period=Period(2023)), [("2020", 38.0), ("2024", 40.0)],
     date(2024, 12, 31),
     dict(verdict="未实现", projected_value=None, reason="最新数据晚于目标期，不作趋势预测")),
    # time share from the as-of date's quarter
    ("τ mid-year", BASE_RULE, [("2020", 38.0), ("2023Q1", 39.0)], date(2023, 6, 30),
     dict(time_share=0.5, completion=1 / 3, verdict="滞后", light="yellow")),
    ("τ inside a quarter", BASE_RULE, [("2020", 38.0), ("2023Q1", 39.0)], date(2023, 5, 10),
     dict(time_share=0.5, latest_period="2023Q1")),
    # §1 rule 1 and incomplete data
    ("no observation", BASE_RULE, [], MID,
     dict(verdict="无法评估", light="grey", reason="截至评估日无观测值", time_share=0.6)),
    ("only later data", BASE_RULE, [("2024Q1", 40.0)], MID,
     dict(verdict="无法评估", reason="截至评估日无观测值", latest_value=None)),
    ("before the base", BASE_RULE, [("2020", 38.0)], date(2019, 6, 30),
     dict(verdict="无法评估", reason=Reason.AS_OF_IN_BASE, time_share=0.0)),
    ("as-of inside the base year", BASE_RULE, [("2020Q2", 37.0), ("2020", 38.0)],
     date(2020, 9, 30), dict(verdict="无法评估", light="grey", reason=Reason.AS_OF_IN_BASE)),
    ("as-of at the base's end", BASE_RULE, [("2020", 38.0)], date(2020, 12, 31),
     dict(verdict="无法评估", reason=Reason.AS_OF_IN_BASE, time_share=0.0)),
    # a base already past the target: keep the target (README, how plantrack reads methods.md)
    ("base past target, holds", rule(target_value=1.5), [("2020", 1.55), ("2023Q4", 1.52)],
     MID, dict(verdict="已实现", light="green", completion=None,
               reason=Reason.BASE_PAST_TARGET)),
    ("base past target, no longer", rule(target_value=1.5), [("2020", 1.55), ("2023Q4", 1.35)],
     MID, dict(verdict="未保持", light="red", completion=None, cagr_class="恶化")),
    ("base past target, after T", rule(target_value=1.5), [("2020", 1.55), ("2025", 1.35)],
     date(2025, 12, 31), dict(verdict="未保持", light="red")),
    # target relative to the area's own base: −20 %
    ("change −20 %, on track", rule(target_value=None, target_change_pct=-20.0, direction=-1,
                                     comparator="<="),
     [("2020", 50.0), ("2023Q4", 44.0)], MID,
     dict(target_value=40.0, completion=0.6, verdict="基本符合预期", light="green")),
    ("change −20 %, met", rule(target_value=None, target_change_pct=-20.0, direction=-1,
                                comparator="<="),
     [("2020", 50.0), ("2023Q4", 39.0)], MID, dict(target_value=40.0, verdict="提前实现")),
    ("change, no base", rule(target_value=None, target_change_pct=-20.0, direction=-1,
                              comparator="<="),
     [("2023Q4", 39.0)], MID, dict(target_value=None, verdict="无法评估", reason="无基期值")),
    ("no baseline", BASE_RULE, [("2023Q4", 39.5)], MID,
     dict(verdict="无法评估", reason="无基期值", latest_value=39.5, baseline_value=None)),
    ("latest is the base", BASE_RULE, [("2020", 38.0)], MID,
     dict(verdict="无法评估", reason="最新数据不晚于基期", baseline_value=38.0)),
    ("no target value", rule(target_value=None), WORKED, MID,
     dict(verdict="无法评估", reason="未设定目标值")),
    ("no target period", rule(target_period=None), WORKED, MID,
     dict(verdict="无法评估", reason="未设定目标期", time_share=None)),
    ("no base period", rule(base_period=None, base_value=38.0), WORKED, MID,
     dict(verdict="无法评估", reason="未设定基期", baseline_value=38.0, baseline_period=None)),
    ("target not after base", rule(target_period=Period(2020)), WORKED, MID,
     dict(verdict="无法评估", reason="目标期不晚于基期", time_share=None)),
    # baseline: config wins; else the base year, or its Q4; a year wins over its Q4
    ("config baseline", rule(base_value=37.0), WORKED, MID,
     dict(baseline_value=37.0, baseline_period="2020", completion=0.625)),
    ("baseline from Q4", BASE_RULE, [("2020Q4", 38.0), ("2023Q4", 39.5)], MID,
     dict(baseline_period="2020Q4", completion=0.5)),
    ("year wins over Q4", BASE_RULE,
     [("2020Q4", 37.5), ("2020", 38.0), ("2023", 39.5), ("2023Q4", 39.0)], MID,
     dict(baseline_value=38.0, baseline_period="2020", latest_value=39.5, latest_period="2023")),
    ("non-finite ignored", BASE_RULE, [("2020", 38.0), ("2023Q3", 39.5), ("2023Q4", math.nan)],
     MID, dict(latest_period="2023Q3", completion=0.5)),
    # §2 not defined
    ("base zero", rule(target_value=10.0), [("2020", 0.0), ("2023Q4", 6.0)], MID,
     dict(completion=0.6, verdict="基本符合预期", cagr_ratio=None, cagr_class=None,
          projected_value=None, reason="基期值≤0，增速比无定义")),
    ("latest zero", rule(target_value=10.0), [("2020", 5.0), ("2023Q4", 0.0)], MID,
     dict(verdict="逆向", cagr_ratio=None, reason="最新值≤0，增速比无定义")),
    ("negative target", rule(target_value=-2.0, direction=-1, comparator="<="),
     [("2020", 5.0), ("2023Q4", 1.0)], MID,
     dict(completion=4 / 7, cagr_ratio=None, reason="目标值<0，增速比无定义",
          projected_value=0.3420)),  # 1 · (0.2^(1/3))² = 0.341995
    # a zero target: CAGR_req = −1; x_t 5 after 2 years: CAGR_obs = 0.5^(1/2) − 1 = −0.29289,
    # R = 0.29289 → 进展有限; ρ = 0.5 = τ + δ (τ = 8/20) → 快于预期; x̂ = 5 · 0.70711³ = 1.76777
    ("zero target", rule(direction=-1, comparator="<=", target_value=0.0),
     [("2020", 10.0), ("2022", 5.0)], date(2022, 12, 31),
     dict(time_share=0.4, completion=0.5, verdict="快于预期", cagr_ratio=0.29289,
          cagr_class="进展有限", projected_value=1.76777, projected_meets=False)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "r", "obs", "as_of", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_target_rules(name, r, obs, as_of, expected):
    check(run(r, obs, as_of), **expected)


# §6 flows: year-to-date in quarter q against the pro-rated base and target (x·q/4)
FLOW = Rule("gov.jobs", "target", 1, Period(2021), 80.0, 100.0, Period(2022), ">=", measure="flow")
FLOW_CASES = [
    # τ = 2/4; 45 by Q2 is 90 a year: ρ = (90 − 80)/(100 − 80) = 0.5 → 基本符合预期
    ("flow on track", FLOW, [("2022Q2", 45.0)], date(2022, 6, 30),
     dict(time_share=0.5, completion=0.5, verdict="基本符合预期", latest_value=45.0)),
    # 55 ≥ 100 · 2/4 → met ahead of the year end
    ("flow met", FLOW, [("2022Q2", 55.0)], date(2022, 6, 30), dict(verdict="提前实现")),
    # base 0: completion = x_t / (x* · q/4) = 1 / (4 · 2/4) = 0.5
    ("flow from zero", replace(FLOW, base_value=0.0, target_value=4.0), [("2022Q2", 1.0)],
     date(2022, 6, 30), dict(completion=0.5, verdict="基本符合预期", cagr_ratio=None)),
    ("flow Q1", replace(FLOW, base_value=0.0, target_value=4.0), [("2022Q1", 1.0)],
     date(2022, 3, 31), dict(completion=1.0, verdict="提前实现")),
    # a full year is used as it is: Q4 3 of 4 at the end of the target year → 未实现
    ("flow Q4", replace(FLOW, base_value=0.0, target_value=4.0), [("2022Q4", 3.0)],
     date(2022, 12, 31), dict(completion=0.75, verdict="未实现")),
    ("flow annual", FLOW, [("2022", 90.0)], date(2022, 12, 31), dict(completion=0.5)),
    # a stock in Q2 is not annualised
    ("stock Q2", replace(FLOW, measure="stock"), [("2022Q2", 45.0)], date(2022, 6, 30),
     dict(verdict="逆向")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "r", "obs", "as_of", "expected"), FLOW_CASES,
                         ids=[c[0] for c in FLOW_CASES])  # fmt: skip
def test_flows(name, r, obs, as_of, expected):
    check(run(r, obs, as_of), **expected)


REL = Rule("fit.pass", "relative", 1, None, None, None, None, ">=", reference="city.pass")


@pytest.mark.parametrize(
    ("r", "ref", "expected"),
    [
        (REL, [("2023Q4", 90.0)], dict(verdict="已达标", light="green", gap=2.0)),
        (REL, [("2023Q4", 93.0)], dict(verdict="未达标", light="red", gap=-1.0)),
        (REL, [("2023", 90.0)], dict(verdict="已达标", gap=2.0)),  # same period end
        (REL, [("2023Q3", 90.0)], dict(verdict="无法评估", light="grey", reason="参照序列无同期值")),
        (replace(REL, direction=-1, comparator=None), [("2023Q4", 95.0)],
         dict(verdict="已达标", comparator="<=", gap=-3.0)),
        (replace(REL, reference=None), [], dict(verdict="无法评估", reason="未设定参照指标")),
    ],
)  # fmt: skip
def test_relative(r, ref, expected):
    a = run(r, [("2023Q4", 92.0)], reference=[(parse_period(p), v) for p, v in ref])
    check(a, completion=None, time_share=None, **expected)


IPV6 = Rule("gov.ipv6", "milestone", 1, None, None, None, None, None, deadline=date(2022, 9, 30))


@pytest.mark.parametrize(
    ("done", "as_of", "verdict", "light"),
    [
        (date(2022, 9, 1), date(2022, 12, 31), "已完成", "green"),
        (date(2022, 10, 15), date(2022, 12, 31), "逾期完成", "yellow"),
        (None, date(2022, 12, 31), "逾期", "red"),
        (None, date(2022, 6, 30), "进行中", "grey"),
        (date(2022, 8, 1), date(2022, 6, 30), "进行中", "grey"),  # done after the as-of date
        (None, date(2022, 9, 30), "进行中", "grey"),  # due today, not yet overdue
    ],
)
def test_milestones(done, as_of, verdict, light):
    check(run(IPV6, [], as_of, milestone_done=done), verdict=verdict, light=light)
    no_deadline = replace(IPV6, deadline=None)
    assert run(no_deadline, [], date(2030, 1, 1)).verdict == "进行中"


MON = Rule("pop.total", "monitor", 1, None, None, None, None, None)


@pytest.mark.parametrize(
    ("r", "obs", "expected"),
    [
        # v = (1040.4/1000)^(1/2) − 1 = 0.02 → 进展顺利; lower is better → −0.02 → 恶化
        (MON, [("2021", 1000.0), ("2023", 1040.4)], dict(cagr_ratio=0.02, cagr_class="进展顺利")),
        (replace(MON, direction=-1), [("2021", 1000.0), ("2023", 1040.4)],
         dict(cagr_ratio=-0.02, cagr_class="恶化")),
        # exactly on the thresholds 1.5 % and 0.5 % (1000 · 1.015², 1000 · 1.005²)
        (MON, [("2021", 1000.0), ("2023", 1030.225)], dict(cagr_ratio=0.015, cagr_class="进展顺利")),
        (MON, [("2021", 1000.0), ("2023", 1010.025)], dict(cagr_ratio=0.005, cagr_class="需加快")),
        (MON, [("2021", 1000.0), ("2023", 1000.0)], dict(cagr_ratio=0.0, cagr_class="进展有限")),
        (MON, [("2023", 1000.0)], dict(cagr_ratio=None, reason="最新数据不晚于基期")),
        (replace(MON, base_period=Period(2020)), [("2023", 1000.0)],
         dict(cagr_ratio=None, reason="无基期值")),
        # projection 1040.4 · 1.02² (no target value: meets is None)
        (replace(MON, target_period=Period(2025)), [("2021", 1000.0), ("2023", 1040.4)],
         dict(projected_value=1082.43216, projected_period="2025", projected_meets=None)),
        (MON, [], dict(verdict="无法评估", reason="截至评估日无观测值")),
    ],
)  # fmt: skip
def test_monitor(r, obs, expected):
    a = run(r, obs)
    assert a.light == "grey" and a.completion is None
    check(a, **({"verdict": "监测"} | expected))


def test_ratio_and_monitor_classes_at_thresholds():
    assert ratio_class(0.95 - 1e-12, met=False) == "进展顺利"
    assert ratio_class(0.9499, met=False) == "需加快"
    assert ratio_class(0.6 - 1e-12, met=False) == "需加快"
    assert ratio_class(0.5999, met=False) == "进展有限"
    assert ratio_class(-1e-12, met=False) == "进展有限"
    assert ratio_class(-0.001, met=False) == "恶化"
    assert ratio_class(None, met=True) == "已实现目标"
    assert ratio_class(None, met=False) is None
    assert monitor_class(0.0149999999999) == "进展顺利"
    assert monitor_class(0.0049) == "进展有限"


def test_to_json_shape_rounding_and_no_nan():
    doc = run(BASE_RULE, WORKED).to_json()
    assert set(doc) == {"id", "area", "kind", "direction", "baseline", "latest", "target",
                        "completion", "time_share", "verdict", "light", "cagr_ratio",
                        "cagr_class", "projected", "gap", "reason"}  # fmt: skip
    assert doc["target"] == {"value": 41.0, "period": "2025", "comparator": ">="}
    assert doc["projected"]["meets_target"] is False
    assert doc["cagr_ratio"] == round(doc["cagr_ratio"], 6)
    assert doc["baseline"] == {"value": 38.0, "period": "2020"}
    json.dumps(doc, allow_nan=False, ensure_ascii=False)
    empty = run(BASE_RULE, []).to_json()
    assert empty["completion"] is None and empty["latest"] == {"value": None, "period": None}


def test_rule_rejects_unknown_words():
    with pytest.raises(ValueError, match="类型"):
        rule(kind="goal")
    with pytest.raises(ValueError, match="方向"):
        rule(direction=0)
    with pytest.raises(ValueError, match="比较符"):
        rule(comparator=">")
    with pytest.raises(ValueError, match="计量方式"):
        rule(measure="rate")


def test_trend_line_for_charts():
    assert least_squares_line([(0, 1.0), (1, 3.0), (2, 5.0)]) == pytest.approx((2.0, 1.0))
    assert least_squares_line([(0, 1.0), (2, 2.0)]) == pytest.approx((0.5, 1.0))
    assert least_squares_line([(1, 1.0)]) is None
