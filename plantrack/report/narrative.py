"""Prefilled text of each report section, generated from the numbers (editable afterwards)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantrack.periods import parse_period, years_between
from plantrack.present import fmt_change, fmt_number, fmt_share
from plantrack.report.rows import num, text

if TYPE_CHECKING:
    from plantrack.report.content import PlanPace, ReportContent
    from plantrack.workspace import Workspace

VERDICT_ORDER = (
    "提前实现", "已实现", "快于预期", "基本符合预期", "已达标", "滞后", "逆向", "未实现", "未保持",
    "未达标", "已完成", "逾期完成", "进行中", "逾期", "监测", "无法评估",
)  # fmt: skip
CN_ORDINALS = "一二三四五六七八九十"
PACE_RULE = (
    "判断规则：在可评估的目标类指标中，统计已实现目标或完成进度不低于时序进度的指标个数占比，"
    "该占比不低于规划时序进度即视为“时间过半、任务过半”（进度匹配）成立。"
)


def _d(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def counts_sentence(counts: dict[str, int]) -> str:
    parts = [f"{v}{counts[v]}个" for v in VERDICT_ORDER if counts.get(v)]
    parts += [f"{v}{n}个" for v, n in counts.items() if v not in VERDICT_ORDER and n]
    return "、".join(parts)


def pace_sentence(p: PlanPace) -> str:
    label = "时间过半、任务过半" if 0.5 <= p.time_share < 1 else "任务进度与时序进度相匹配"
    verdict = "成立" if p.holds else "不成立"
    return (
        f"《{p.name}》时序进度{fmt_share(p.time_share)}，可评估的目标类指标{p.assessed}个，"
        f"其中{p.on_pace}个已实现目标或完成进度不低于时序进度，占{fmt_share(p.share)}，"
        f"“{label}”{verdict}。"
    )


def overview(c: ReportContent) -> str:
    n = len(c.table)
    binding = int((c.table["attribute"] == "约束性").sum())
    lines = [
        f"本次评估以{_d(c.as_of)}为评估基准日，采用截至{_d(c.known_on)}已入库的数据，"
        f"评估地区为{c.area_name}，评估对象为{'、'.join(c.plan_labels)}。",
        f"纳入评估的主要指标共{n}个（约束性{binding}个、预期性{n - binding}个），"
        f"评价结果为：{counts_sentence(c.counts) or '暂无'}。",
    ]
    lines += [pace_sentence(p) for p in c.pace]
    if c.pace:
        lines.append(PACE_RULE)
    if c.is_demo:
        lines.append("注：本报告使用系统自动生成的示例数据（模拟，非官方统计），仅供试用。")
    return "\n".join(lines)


def indicators(c: ReportContent) -> str:
    early = c.table[c.table["verdict"].isin(["提前实现", "已实现", "已达标"])]
    lines = [
        "主要指标完成情况见下表，各指标的数据序列、目标值、序时进度路径和趋势外推见其后各图。",
        "完成进度 =（现状值 − 基期值）÷（目标值 − 基期值）；时序进度 = 基期至评估基准日已过时间 ÷ "
        "基期至目标年规划期时间。",
    ]
    if not early.empty:
        names = "、".join(f"“{x}”" for x in early["name"])
        lines.append(f"已提前实现或达到目标的指标有：{names}。")
    return "\n".join(lines)


def tasks(c: ReportContent) -> str:
    s = c.tasks
    if not s.available:
        return "任务台账模块暂不可用，本节未统计重点任务和里程碑的推进情况。"
    if not s.total:
        return "所选规划没有登记重点任务或里程碑事项。"
    st = s.by_status()
    done = st["已完成"] + st["逾期完成"]
    lines = [
        f"纳入评估的重点任务、重大行政决策事项和里程碑共{s.total}项：已完成{done}项"
        f"（其中逾期完成{st['逾期完成']}项），进行中{st['进行中']}项，逾期未完成{st['逾期']}项。"
    ]
    if not s.overdue.empty:
        items = "；".join(
            f"“{r.title}”（{r.units}，{r.deadline_text}）" for r in s.overdue.itertuples()
        )
        lines.append(f"逾期未完成的事项：{items}。")
    return "\n".join(lines)


def _problem_line(i: int, r: dict) -> str:
    p = int(r["precision"])
    head = f"{CN_ORDINALS[i] if i < 10 else i + 1}是{text(r['attribute']) or ''}指标“{r['name']}”{r['verdict']}"
    if r["kind"] == "milestone":
        return f"{head}，尚未完成。牵头部门：{r['lead']}。"
    facts = []
    if num(r["latest_value"]) is not None:
        facts.append(
            f"现状值{fmt_number(num(r['latest_value']), p, r['unit'])}（{r['latest_period']}）"
        )
    if num(r["baseline_value"]) is not None:
        facts.append(f"基期值{fmt_number(num(r['baseline_value']), p, r['unit'])}")
    if num(r["completion"]) is not None:
        facts.append(
            f"完成进度{fmt_share(num(r['completion']))}，时序进度{fmt_share(num(r['time_share']))}"
        )
    if r["verdict"] == "逆向":
        facts.append("与目标方向相反")
    return f"{head}：{'，'.join(facts)}。牵头部门：{r['lead']}。"


def problems(c: ReportContent) -> str:
    rows = c.problems.to_dict(orient="records")
    lines = [_problem_line(i, r) for i, r in enumerate(rows)]
    if not lines:
        lines.append("主要指标均未出现滞后或逆向变化。")
    binding = [r["name"] for r in rows if r["attribute"] == "约束性"]
    if binding:
        short = "未完成目标" if c.evaluation == "总结评估" else "未达到序时要求"
        lines.append(f"其中约束性指标{len(binding)}个{short}，须作为问题重点研究。")
    missing = c.table[c.table["verdict"] == "无法评估"]
    if not missing.empty:
        names = "、".join(f"“{r.name}”（{r.reason or '数据不足'}）" for r in missing.itertuples())  # type: ignore[str-bytes-safe]
        lines.append(f"另有{len(missing)}个指标数据不足、无法评估：{names}。")
    return "\n".join(lines)


def _remaining(r: dict, c: ReportContent) -> str:
    """Yearly change still needed to reach the target (linear, from the latest value)."""
    latest, target = num(r["latest_value"]), num(r["target_value"])
    lp, tp = parse_period(r["latest_period"]), parse_period(r["target_period"])
    if latest is None or target is None or lp is None or tp is None:
        return ""
    years = years_between(lp, tp)
    if years <= 0:
        return ""
    step = (target - latest) / years
    return f"，剩余{years:g}年需年均变动{fmt_change(step, int(r['precision']) + 1, r['unit'])}"


def next_steps(c: ReportContent) -> str:
    lines = []
    for r in c.problems.to_dict(orient="records"):
        if r["kind"] == "milestone":
            lines.append(f"督促{r['lead']}倒排工期，尽快完成“{r['name']}”。")
            continue
        extra = _remaining(r, c)
        if c.evaluation == "总结评估":
            lines.append(
                f"{r['lead']}总结“{r['name']}”{r['verdict']}的原因，在下一阶段规划中研究接续目标和措施。"
            )
        elif r["attribute"] == "约束性":
            lines.append(
                f"{r['lead']}针对约束性指标“{r['name']}”分析原因、制定整改措施{extra}，确保按期完成。"
            )
        elif r["light"] == "red":
            lines.append(
                f"{r['lead']}分析预期性指标“{r['name']}”{r['verdict']}的原因{extra}；"
                "确因客观条件变化难以实现的，按程序研究提出调整建议。"
            )
        else:
            lines.append(f"{r['lead']}加快推进“{r['name']}”{extra}。")
    if c.tasks.available and not c.tasks.overdue.empty:
        lines.append(f"对逾期未完成的{len(c.tasks.overdue)}项任务逐项督办，明确完成时限。")
    if (c.table["verdict"] == "无法评估").any():
        lines.append("完善统计报送，补齐无法评估指标的基期和现状数据。")
    lines.append("对已实现目标的指标巩固成果，继续按季度监测，防止回落。")
    return "\n".join(f"（{CN_ORDINALS[i] if i < 10 else i + 1}）{x}" for i, x in enumerate(lines))


def defaults(c: ReportContent) -> dict[str, str]:
    return {
        "overview": overview(c),
        "indicators": indicators(c),
        "tasks": tasks(c),
        "problems": problems(c),
        "next_steps": next_steps(c),
    }


def methods_text(ws: Workspace, c: ReportContent) -> list[str]:
    """The formulas of reference/methods.md, with this report's tolerances and data sources."""
    deltas = {
        f"δ = {ws.plans[p].assessment.delta:g}，δ_red = {ws.plans[p].assessment.delta_red:g}"
        for p in c.plans
    }
    return [
        "时间按报告期末计算：季度以季末、年度以年末为准，两期之间的年数 = 相隔季度数 ÷ 4。",
        "时序进度 τ = 已过时间（基期至评估基准日所在季度）÷ 规划期（基期至目标年），取值限定在 0～1。",
        "完成进度 ρ =（现状值 − 基期值）÷（目标值 − 基期值），目标值等于基期值时无定义。",
        f"评价（{'；'.join(sorted(deltas))}，比较容差 1e-9）：缺基期值或现状值为“无法评估”；"
        "现状值已达到目标，目标年之前为“提前实现”，之后为“已实现”；保持型目标未达到为“滞后”；"
        "ρ < 0 为“逆向”；ρ ≥ τ + δ 为“快于预期”；ρ ≥ τ − δ 为“基本符合预期”；否则为“滞后”；"
        "目标年结束后未达到为“未实现”。",
        "指示灯：提前实现、已实现、快于预期、基本符合预期为绿灯；滞后且 ρ ≥ τ − δ_red 为黄灯；"
        "滞后且 ρ < τ − δ_red、逆向、未实现为红灯；无法评估为灰色。",
        "增速比（辅助判断）：CAGR_obs =（x_t ÷ x_b）^(1 ÷ 已过年数) − 1，"
        "CAGR_req =（x* ÷ x_b）^(1 ÷ 规划期年数) − 1，R = d × CAGR_obs ÷ |CAGR_req|；"
        "R ≥ 0.95 进展顺利，0.60～0.95 需加快，0～0.60 进展有限，< 0 恶化。",
        "趋势外推：目标年预计值 = x_t ×（1 + CAGR_obs）^(现状期至目标年的年数)，达到目标即“可实现目标”。",
        "以其他序列为目标的指标（如全市平均水平）：现状值与同期参照值比较，评价为已达标或未达标。",
        "里程碑：按期完成为已完成，逾期后完成为逾期完成，期限已过未完成为逾期，其余为进行中。",
        "全区数值：直接上报的优先；公式类指标按各街道分项合计后计算，比率类按配置的权重加权平均。",
        "年初至今累计的流量指标，年内按季度折算年度目标（第 q 季度末应完成 q ÷ 4）。",
        f"数据来源：截至{_d(c.known_on)}已入库的数据（之后上报或修订的数据不影响本报告），"
        f"共使用 {len(c.batches)} 个上报批次、{len(c.values)} 个数值；"
        f"指标配置哈希 {c.config_hash[:16]}，数据指纹 {c.fingerprint}。"
        "以相同的评估基准日和数据截至日重新生成，数值不变。",
    ]
