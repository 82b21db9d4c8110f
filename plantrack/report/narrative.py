"""Prefilled text of each report section, generated from the numbers (editable afterwards).

Conventions the writers rely on: one paragraph per line; a line starting with （一）（二）…
is a second-level heading (one per plan); items are numbered 1．2．… within it. §四 gives each
lagging target its cause and §五 its measures as the lead department filled them
(``analysis-set`` / the report page), or 待牵头部门补充 where they have not yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from plantrack.periods import parse_period, years_between
from plantrack.present import fmt_share
from plantrack.report.rows import clean_reason, num, text
from plantrack.report.wording import (
    DEMO_MARK,
    amount,
    change,
    moved,
    period_text,
    quote,
    reference_label,
    relative,
)

if TYPE_CHECKING:
    from plantrack.report.content import PlanPace, ReportContent
    from plantrack.workspace import Workspace

VERDICT_ORDER = (
    "提前实现", "已实现", "快于预期", "基本符合预期", "已达标", "滞后", "逆向", "未实现", "未保持",
    "未达标", "已完成", "逾期完成", "进行中", "逾期", "监测", "无法评估",
)  # fmt: skip
CN_ORDINALS = "一二三四五六七八九十"
GAP = "待牵头部门补充"
PACE_RULE = (
    "“时间过半、任务过半”的判断：在能够评估的目标类指标中，统计已实现目标或完成进度不低于"
    "时序进度的指标所占比例，该比例不低于规划的时序进度，即认为任务进度与时间进度相匹配。"
)


def ordinal(i: int) -> str:
    """（一）（二）… for the i-th (0-based) second-level heading."""
    return f"（{CN_ORDINALS[i] if i < 10 else i + 1}）"


def _d(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def counts_sentence(counts: dict[str, int], final: bool = False) -> str:
    """“提前实现3个、…”; in a 总结评估 an overdue milestone is 未完成, as in 表1."""
    word = {"逾期": "未完成"} if final else {}
    parts = [f"{word.get(v, v)}{counts[v]}个" for v in VERDICT_ORDER if counts.get(v)]
    parts += [f"{v}{n}个" for v, n in counts.items() if v not in VERDICT_ORDER and n]
    return "、".join(parts)


def pace_sentence(p: PlanPace) -> str:
    label = "时间过半、任务过半" if 0.5 <= p.time_share < 1 else "任务进度与时序进度相匹配"
    verdict = "成立" if p.holds else "不成立"
    return (
        f"《{p.name}》时序进度{fmt_share(p.time_share)}，能够评估的目标类指标{p.assessed}个，"
        f"其中{p.on_pace}个已实现目标或完成进度不低于时序进度，占{fmt_share(p.share)}，"
        f"“{label}”{verdict}。"
    )


def _by_plan(c: ReportContent, rows: list[dict], item: Callable[[dict], str]) -> list[str]:
    """Lines grouped under （一）《plan》 headings, items numbered 1．2．… within a plan."""
    lines: list[str] = []
    plans = [p for p in c.plans if any(r["plan"] == p for r in rows)]
    for k, plan in enumerate(plans):
        lines.append(f"{ordinal(k)}《{c.plan_names.get(plan, plan)}》")
        mine = [r for r in rows if r["plan"] == plan]
        lines += [f"{j + 1}．{item(r)}" for j, r in enumerate(mine)]
    return lines


def overview(c: ReportContent) -> str:
    n = len(c.table)
    binding = int((c.table["attribute"] == "约束性").sum())
    lines = [
        f"本次评估以{_d(c.as_of)}为评估基准日，采用截至{_d(c.known_on)}已入库的数据，"
        f"评估范围为{c.area_name}，评估对象为{'、'.join(c.plan_labels)}。",
        f"纳入评估的主要指标共{n}个（约束性{binding}个、预期性{n - binding}个），"
        f"评价结果为：{counts_sentence(c.counts, c.final) or '暂无'}。",
    ]
    if c.final:
        targets = c.table[c.table["kind"] == "target"]
        met = int(targets["verdict"].isin(["已实现", "提前实现"]).sum())
        missed = int((targets["verdict"] == "未实现").sum())
        miles = c.table[c.table["kind"] == "milestone"]
        done = int(miles["verdict"].isin(["已完成", "逾期完成"]).sum())
        lines.append(
            f"规划期已经结束：目标类指标{len(targets)}个中已实现{met}个、未实现{missed}个；"
            f"里程碑事项{len(miles)}个中已完成{done}个、未完成{len(miles) - done}个。"
        )
    else:
        lines += [pace_sentence(p) for p in c.pace]
    if c.is_demo:
        lines.append(
            f"注：本报告使用系统自动生成的{DEMO_MARK}，仅供试用，不得作为正式统计数据引用。"
        )
    return "\n".join(lines)


def indicators(c: ReportContent) -> str:
    lines = [
        "主要指标完成情况见表1（按规划分组），各指标的数据序列、目标值、时序进度路径和趋势外推见其后各图。"
    ]
    met_words = ("已实现", "已达标") if c.final else ("提前实现", "已实现", "已达标")
    rows = c.table.to_dict(orient="records")
    for k, plan in enumerate(p for p in c.plans if any(r["plan"] == p for r in rows)):
        mine = [r for r in rows if r["plan"] == plan]
        counts: dict[str, int] = {}
        for r in mine:
            v = text(r["verdict"]) or "无法评估"
            counts[v] = counts.get(v, 0) + 1
        lines.append(f"{ordinal(k)}《{c.plan_names.get(plan, plan)}》")
        sentence = (
            f"纳入评估的主要指标{len(mine)}个，评价结果为：{counts_sentence(counts, c.final)}。"
        )
        good = [quote(r["name"]) for r in mine if r["verdict"] in met_words]
        if good:
            word = "已实现目标或达到要求" if c.final else "已提前实现目标或达到要求"
            sentence += f"{word}的有{'、'.join(good)}。"
        bad = [quote(r["name"]) for r in mine if r["verdict"] in _problem_verdicts()]
        if bad:
            sentence += f"{'、'.join(bad)}需要重点关注，详见第四部分。"
        lines.append(sentence)
    return "\n".join(lines)


def _problem_verdicts() -> tuple[str, ...]:
    from plantrack.report.content import PROBLEM_VERDICTS

    return PROBLEM_VERDICTS


def tasks(c: ReportContent) -> str:
    s = c.tasks
    if not s.available:
        return "任务台账模块暂不可用，本节未统计重点任务和里程碑的推进情况。"
    if not s.total:
        return "所选规划没有登记重点任务或里程碑事项。"
    st = s.by_status()
    done = st["已完成"] + st["逾期完成"]
    overdue = "未完成" if c.final else "逾期未完成"
    pending = "" if c.final else f"进行中{st['进行中']}项，"
    lines = [
        f"纳入评估的重点任务、重大行政决策事项和里程碑共{s.total}项：已完成{done}项"
        f"（其中逾期完成{st['逾期完成']}项），{pending}{overdue}{st['逾期']}项。"
    ]
    if not s.overdue.empty:
        items = "；".join(
            f"{quote(str(r.title))}（{r.units}，{r.deadline_text}）" for r in s.overdue.itertuples()
        )
        lines.append(f"{overdue}的事项：{items}。")
    return "\n".join(lines)


def _cause(c: ReportContent, indicator: str) -> str:
    cause = c.analysis.get(indicator, (None, None))[0]
    return f"原因：{cause.rstrip('。')}。" if cause else f"原因：{GAP}。"


def _facts(c: ReportContent, r: dict) -> str:
    """What the numbers say about one problem indicator, in words."""
    p, unit = int(r["precision"]), r["unit"]
    latest, base = num(r["latest_value"]), num(r["baseline_value"])
    verdict = r["verdict"]
    if r["kind"] == "milestone":
        word = "未完成" if c.final or verdict == "逾期" else verdict
        deadline = text(r.get("deadline_text")) or ""
        return f"{word}{f'（完成时限{deadline}）' if deadline else ''}"
    if latest is None:
        return f"{verdict}"
    at = f"{amount(latest, p, unit)}（{period_text(r['latest_period'])}）"
    if r["kind"] == "relative":
        gap = num(r.get("gap"))
        ref = reference_label(c.indicator_names.get(c.references.get(r["indicator"], ""), "参照值"))
        where = f"，{relative(gap, p, unit, ref)}" if gap is not None else ""
        return f"{verdict}：现状值{at}{where}"
    reason = text(r.get("reason")) or ""
    if reason.startswith("逐年要求"):
        return f"{verdict}：{reason.removeprefix('逐年要求：')}"
    parts = [f"现状值{at}"]
    if base is not None:
        parts.append(f"比基期{moved(latest - base, p, unit)}")
    target, share = num(r["target_value"]), num(r["completion"])
    if c.final and target is not None:
        parts.append(
            f"距目标值{amount(target, p, unit)}还差{change(abs(target - latest), p, unit)}"
        )
    elif share is not None and share < 0:
        # a negative completion in words: moved away from the target, by this share of the
        # change the target asks for (never a bare "完成进度-26.5%")
        parts.append(
            f"向目标的相反方向变化，倒退幅度相当于目标变化量的{fmt_share(-share)}"
            f"（时序进度{fmt_share(num(r['time_share']))}）"
        )
    elif share is not None:
        ts = num(r["time_share"])
        low = "低于" if ts is not None and share < ts else "对比"
        parts.append(f"完成进度{fmt_share(share)}，{low}时序进度{fmt_share(ts)}")
    if verdict == "逆向" and (c.final or share is None or share >= 0):
        parts.append("与目标方向相反")
    return f"{verdict}：{'，'.join(parts)}"


def problems(c: ReportContent) -> str:
    rows = c.problems.to_dict(orient="records")
    deadlines = _deadlines(c)
    for r in rows:
        r["deadline_text"] = deadlines.get(r["indicator"])

    def item(r: dict) -> str:
        attr = text(r["attribute"]) or ""
        head = f"{attr}指标{quote(r['name'])}{_facts(c, r)}（牵头部门：{r['lead']}）。"
        return head + _cause(c, r["indicator"])

    lines = _by_plan(c, rows, item)
    if not lines:
        lines.append("主要指标均未出现滞后、逆向或未完成的情况。")
    binding = [r for r in rows if r["attribute"] == "约束性"]
    if binding:
        short = "未完成目标" if c.final else "未达到时序要求"
        lines.append(f"以上约束性指标{len(binding)}个{short}，须作为问题重点研究。")
    if c.final and c.tasks.available and not c.tasks.overdue.empty:
        names = "、".join(quote(str(t)) for t in c.tasks.overdue["title"])
        lines.append(f"规划期内未完成的重点任务{len(c.tasks.overdue)}项：{names}。")
    missing = c.table[c.table["verdict"] == "无法评估"]
    if not missing.empty:
        names = "、".join(
            f"{quote(str(r.name))}（{clean_reason(r.reason) or '数据不足'}）"
            for r in missing.itertuples()
        )
        lines.append(f"另有{len(missing)}个指标数据不足、无法评估：{names}。")
    return "\n".join(lines)


def _deadlines(c: ReportContent) -> dict[str, str]:
    out = {}
    for r in c.rows:
        target = r.get("目标值", "")
        if r.get("_kind") == "milestone" and target.endswith("前完成"):
            out[r["_indicator"]] = target.removesuffix("前完成")
    return out


def _need(c: ReportContent, r: dict) -> str:
    """到2025年还需提高…（年均提高…）: what remains, from the latest value, in the target's direction."""
    latest, target = num(r["latest_value"]), num(r["target_value"])
    lp, tp = parse_period(r["latest_period"]), parse_period(r["target_period"])
    if c.final or r["kind"] != "target" or latest is None or target is None or not lp or not tp:
        return ""
    if (text(r.get("reason")) or "").startswith("逐年要求"):
        return "今后每年均须达到要求。"
    years = years_between(lp, tp)
    if years <= 0:
        return ""
    p, unit = int(r["precision"]), r["unit"]
    total = moved(target - latest, p, unit)
    yearly = moved((target - latest) / years, p + 1, unit)
    return f"到{tp.year}年还需{total}（剩余{years:g}年，年均{yearly}）。"


def next_steps(c: ReportContent) -> str:
    rows = c.problems.to_dict(orient="records")

    def item(r: dict) -> str:
        measures = c.analysis.get(r["indicator"], (None, None))[1]
        what = measures.rstrip("。") + "。" if measures else f"措施{GAP}。"
        return f"{quote(r['name'])}（{r['lead']}）：{what}{_need(c, r)}"

    lines = _by_plan(c, rows, item)
    general = []
    if c.tasks.available and not c.tasks.overdue.empty:
        word = "未完成" if c.final else "逾期未完成"
        general.append(f"对{word}的{len(c.tasks.overdue)}项任务逐项督办，明确责任单位和完成时限。")
    if (c.table["verdict"] == "无法评估").any():
        general.append("完善统计报送，补齐无法评估指标的基期和现状数据。")
    if c.final:
        general.append("总结规划实施经验，未实现的目标在下一阶段规划中研究接续目标和措施。")
    else:
        general.append("对已实现目标的指标巩固成果，继续按季度监测，防止回落。")
    if general:
        lines.append(f"{ordinal(len({r['plan'] for r in rows}))}共性工作")
        lines += [f"{j + 1}．{x}" for j, x in enumerate(general)]
    return "\n".join(lines)


def defaults(c: ReportContent) -> dict[str, str]:
    return {
        "overview": overview(c),
        "indicators": indicators(c),
        "tasks": tasks(c),
        "problems": problems(c),
        "next_steps": next_steps(c),
    }


def methods_text(ws: Workspace, c: ReportContent) -> list[str]:
    """How the numbers are computed, in plain Chinese (no symbols), with the data sources."""
    tolerances = {(ws.plans[p].assessment.delta, ws.plans[p].assessment.delta_red) for p in c.plans}
    tol = "；".join(
        f"基本符合预期的容差为{d * 100:g}个百分点，黄灯与红灯的分界为低于时序进度{r * 100:g}个百分点"
        for d, r in sorted(tolerances)
    )
    sub, whole = ws.registry.areas.subarea_label, ws.registry.areas.district_label
    return [
        "一、时间。各期按期末计算：季度以季末、年度以年末为准；两期之间的年数按相隔季度数除以4计算。",
        "二、时序进度。从基期到评估基准日所在季度已经过去的时间，占从基期到目标年整个规划期的比例，"
        "最小为0，最大为100%。",
        "三、完成进度。现状值比基期值的变化量，占目标值比基期值的变化量的比例。目标值与基期值相同"
        "（保持型目标）时不计算完成进度，只看是否保持在目标水平。",
        f"四、评价。缺少基期值或现状值的，为“无法评估”；现状值已达到目标的，目标年之前为“提前实现”，"
        f"目标年及以后为“已实现”；现状值向目标相反方向变化的，为“逆向”；完成进度高于时序进度较多的为"
        f"“快于预期”，与时序进度大体相当的为“基本符合预期”，明显低于时序进度的为“滞后”；目标年结束后"
        f"仍未达到目标的，为“未实现”（{tol or '容差按规划配置'}）。",
        "五、指示灯。提前实现、已实现、快于预期、基本符合预期为绿灯；滞后但差距不大的为黄灯；差距较大的"
        "滞后、逆向、未实现为红灯；无法评估为灰色。",
        "六、增速比较（辅助判断）。用基期到现状的年均增长率，与实现目标所需的年均增长率相比较：不低于所需"
        "增速的95%为进展顺利，60%～95%为需加快，0～60%为进展有限，负增长为恶化。",
        "七、趋势外推。按基期到现状的年均增长率推算目标年的数值，达到目标的为“可实现目标”；推算值不超过"
        f"指标本身的上限（比率不超过100%，{sub}个数不超过{sub}总数）。规划期结束后不再外推。",
        "八、以其他序列为目标的指标（如“达到全市平均水平”），将现状值与同期参照值比较，评价为已达标或"
        "未达标，并写明高于或低于参照值多少。",
        "九、逐年要求（如“每年至少研究一次”），按规划期内每个完整年度分别判断：每年都达到要求的为已达标"
        "（规划期结束后为已实现），有一年未达到的为未达标（规划期结束后为未实现）。",
        "十、里程碑事项。按期完成为已完成，超过期限后完成为逾期完成，期限已过仍未完成为逾期（总结评估中"
        "称未完成），其余为进行中。",
        f"十一、{whole}数值。直接上报的优先；按公式计算的指标，由各{sub}分项合计后计算；比率类指标按配置的权重"
        "加权平均，或按配置取简单平均、中位数。年初至今累计的指标，年内按季度折算年度目标（第一季度末应完成四分之一，依此类推）。",
        "十二、数值修约。各指标按其规定的小数位数四舍五入；基期值或目标值的小数位数更多的，按其位数显示。",
        *([] if c.final else [PACE_RULE]),
        f"数据来源：截至{_d(c.known_on)}已入库的数据（之后上报或修订的数据不影响本报告），"
        f"共使用{len(c.batches)}个上报批次、{len(c.values)}个数值（批次见附表1）；"
        f"指标配置编码{c.config_hash[:16]}，数据指纹{c.fingerprint}。"
        "以相同的评估基准日和数据截至日重新生成，数值不变。",
    ]
