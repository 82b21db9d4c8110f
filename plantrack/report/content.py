"""What a 中期评估 / 总结评估 report says, computed from a workspace (no file I/O).

:func:`build_content` reads the values known on ``known_on`` for periods ending by ``as_of``,
assesses the indicators (the same :func:`plantrack.scorecard.assessment_table` as the overview
and the CLI), and gathers everything the writers need: the table, the verdict counts, the
"时间过半、任务过半" test, tasks, problems, narrative defaults and the batches used. The
writers (docx, xlsx, pdf) only lay this out, so every format carries the same numbers.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from plantrack.assess import time_share
from plantrack.formula import formula_names
from plantrack.periods import Period, parse_period
from plantrack.report import narrative
from plantrack.report.rows import display_rows, num
from plantrack.report.tasks import TaskSummary, task_summary
from plantrack.report.wording import DEMO_MARK, fit_precision, title_names
from plantrack.scorecard import assessment_table, observations
from plantrack.workspace import Workspace

MAIN_KINDS = ("target", "relative", "milestone")
PROBLEM_VERDICTS = ("逆向", "未实现", "未达标", "逾期", "滞后")
MET = ("提前实现", "已实现")
EPS = 1e-9
DEFAULT_ORG = ""  # empty: the issuer from plantrack.toml [report] issuer, else the plans' issuer

SECTIONS: list[tuple[str, str]] = [
    ("overview", "一、总体情况"),
    ("indicators", "二、主要指标完成情况"),
    ("tasks", "三、重点任务推进情况"),
    ("problems", "四、存在的主要问题"),
    ("next_steps", "五、下一步工作建议"),
    ("methods", "附件：测算方法与数据来源"),
]
NARRATIVE_KEYS = ("overview", "indicators", "tasks", "problems", "next_steps")


@dataclass(frozen=True)
class PlanPace:
    """The "时间过半、任务过半" test for one plan."""

    plan: str
    name: str
    time_share: float
    assessed: int
    on_pace: int

    @property
    def share(self) -> float | None:
        return self.on_pace / self.assessed if self.assessed else None

    @property
    def holds(self) -> bool | None:
        share = self.share
        return None if share is None else share >= self.time_share - EPS


@dataclass
class ReportContent:
    title: str
    evaluation: str  # 中期评估 / 总结评估 / 实施情况评估
    plans: list[str]
    plan_labels: list[str]
    as_of: date
    known_on: date
    area: str
    area_name: str
    org: str
    issued: date
    config_hash: str
    is_demo: bool
    full_table: pd.DataFrame
    table: pd.DataFrame
    rows: list[dict]
    values: pd.DataFrame
    batches: pd.DataFrame
    fingerprint: str
    counts: dict[str, int]
    pace: list[PlanPace]
    tasks: TaskSummary
    problems: pd.DataFrame
    indicator_names: dict[str, str] = field(default_factory=dict)
    area_names: dict[str, str] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)  # relative indicator → its reference
    narrative: dict[str, str] = field(default_factory=dict)
    methods: list[str] = field(default_factory=list)
    analysis: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    plan_names: dict[str, str] = field(default_factory=dict)  # plan id → short name
    rollup_sources: dict[str, str] = field(default_factory=dict)  # indicator → its components

    @property
    def final(self) -> bool:
        """A 总结评估: the as-of date is at or after the end of every plan period."""
        return self.evaluation == "总结评估"

    @property
    def title_lines(self) -> list[str]:
        """The lines under the title on the title page (Word and PDF alike)."""
        lines = [
            *self.plan_labels,
            "",
            f"评估基准日：{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日",
            f"数据截至：{self.known_on.year}年{self.known_on.month}月{self.known_on.day}日",
            f"评估范围：{self.area_name}",
            "",
            f"编制单位：{self.org}",
            f"{self.issued.year}年{self.issued.month}月{self.issued.day}日",
        ]
        if self.is_demo:
            lines.append(DEMO_MARK)
        return lines

    @property
    def batch_ids(self) -> list[int]:
        return [int(b) for b in self.batches["id"]] if not self.batches.empty else []

    def with_edits(
        self, org: str | None = None, title: str | None = None, **texts: str
    ) -> ReportContent:
        """A copy with edited narrative sections (unknown keys ignored), organisation, title."""
        merged = dict(self.narrative)
        merged.update({k: v for k, v in texts.items() if k in NARRATIVE_KEYS and v is not None})
        return dataclasses.replace(
            self, narrative=merged, org=org or self.org, title=title or self.title
        )


def evaluation_kind(ws: Workspace, plans: list[str], as_of: date) -> str:
    """总结评估 at or after the plan period's end, 中期评估 in its middle year, else 实施情况评估."""
    ps = [ws.plans[p] for p in plans]
    if all(as_of >= date(p.end_year, 12, 31) for p in ps):
        return "总结评估"
    if any(as_of.year == (p.start_year + p.end_year) // 2 for p in ps):
        return "中期评估"
    return "实施情况评估"


def related_indicators(ws: Workspace, ids: list[str]) -> list[str]:
    """The indicators and every series they depend on (formula components, references, weights)."""
    seen: list[str] = []
    todo = list(ids)
    while todo:
        i = todo.pop(0)
        if i in seen or i not in ws.indicators:
            continue
        seen.append(i)
        ind = ws.indicators[i]
        if ind.formula:
            todo += formula_names(ind.formula)
        if ind.target and ind.target.reference:
            todo.append(ind.target.reference)
        if ind.rollup.weight:
            todo.append(ind.rollup.weight)
    return seen


def plan_pace(ws: Workspace, table: pd.DataFrame, as_of: date) -> list[PlanPace]:
    """Per plan: target indicators that can be assessed, and those on pace (met, or ρ ≥ τ)."""
    out = []
    for pid in dict.fromkeys(table["plan"]):
        plan = ws.plans[pid]
        base = parse_period(plan.base_period)
        part = table[(table["plan"] == pid) & (table["kind"] == "target")]
        part = part[part["verdict"].notna() & (part["verdict"] != "无法评估")]
        if base is None or part.empty:
            continue
        tau = time_share(base, Period(plan.end_year), as_of)
        met = part["verdict"].isin(MET)
        ahead = part["completion"].notna() & (
            part["completion"].astype(float) >= part["time_share"].astype(float) - EPS
        )
        out.append(PlanPace(pid, plan.short_name, tau, len(part), int((met | ahead).sum())))
    return out


def problem_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Lagging, moving-away, missed and overdue indicators: 约束性 first, then by severity."""
    order = {v: i for i, v in enumerate(PROBLEM_VERDICTS)}
    hit = table[table["verdict"].isin(PROBLEM_VERDICTS)].copy()
    hit["_binding"] = (hit["attribute"] != "约束性").astype(int)
    hit["_rank"] = hit["verdict"].map(order)
    hit = hit.sort_values(["_binding", "_rank", "order"], kind="stable")
    return hit.drop(columns=["_binding", "_rank"]).reset_index(drop=True)


def close_milestones(table: pd.DataFrame) -> pd.DataFrame:
    """总结评估: a milestone not done at the end of the plan period is overdue (red), even when
    its deadline is the as-of date itself (the assessment still says 进行中 on that day)."""
    out = table.copy()
    open_ = (out["kind"] == "milestone") & (out["verdict"] == "进行中")
    out.loc[open_, "verdict"] = "逾期"
    out.loc[open_, "light"] = "red"
    return out


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """Indicators per verdict, in the order of narrative.VERDICT_ORDER (zero counts left out)."""
    counts = table["verdict"].fillna("无法评估").value_counts()
    order = [v for v in narrative.VERDICT_ORDER if v in counts.index]
    order += [v for v in counts.index if v not in order]
    return {v: int(counts[v]) for v in order}


def fingerprint(values: pd.DataFrame) -> str:
    """A short hash of every value used (indicator, area, period, value, batch, revision)."""
    cols = ["indicator", "area", "period", "value", "batch_id", "revision"]
    text = values[cols].sort_values(cols[:3]).to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def used_batches(ws: Workspace, values: pd.DataFrame) -> pd.DataFrame:
    ids = sorted({int(b) for b in values["batch_id"].dropna()})
    b = ws.store.batches()
    cols = ["id", "created_at", "file_name", "user_name", "source", "status", "config_hash"]
    return b[b["id"].isin(ids)].sort_values("id")[cols].reset_index(drop=True)


def default_org(ws: Workspace) -> str:
    """编制单位: ``[report] issuer`` in plantrack.toml, else the issuer most of the plans name
    (without 办公室: the government itself), never a placeholder."""
    from plantrack.settings import report_settings

    issuer = report_settings().get("issuer")
    if issuer:
        return str(issuer)
    issuers = [p.issuer.removesuffix("办公室") for p in ws.plans.values() if p.issuer]
    return max(dict.fromkeys(issuers), key=issuers.count) if issuers else ws.area_names[ws.district]


def district_only(ws: Workspace, indicator: str) -> bool:
    """An indicator only the district reports (no 街道 values: roll-up method none)."""
    return ws.indicators[indicator].rollup.method == "none"


def _precision(ws: Workspace, r: dict) -> int:
    """The indicator's decimals, widened where its values need it (wording.fit_precision)."""
    ind = ws.indicators[r["indicator"]]
    met = None if pd.isna(r.get("verdict")) else r["verdict"] in (*MET, "已达标")
    return fit_precision(
        int(r["precision"]),
        ind.baseline.value if ind.baseline else None,
        ind.target.value if ind.target else None,
        observed=(num(r.get("baseline_value")), num(r.get("latest_value"))),
        target=num(r.get("target_value")),
        met=met,
    )


def rollup_sources(ws: Workspace, ids: list[str]) -> dict[str, str]:
    """How each district roll-up is made, in words naming its components (Excel 汇总自)."""
    n = len(ws.registry.areas.subareas)
    sub = ws.registry.areas.subarea_label
    out = {}
    for i in ids:
        ind = ws.indicators[i]
        method = ind.rollup.method
        if method == "sum":
            out[i] = f"{n}个{sub}“{ind.name}”合计"
        elif method == "weighted_mean" and ind.rollup.weight in ws.indicators:
            out[i] = f"{n}个{sub}按“{ws.indicators[ind.rollup.weight].name}”加权平均"
        elif method in ("mean", "median"):  # no weight series: each area counts once
            how = "简单平均" if method == "mean" else "中位数"
            out[i] = f"{n}个{sub}“{ind.name}”{how}"
        elif method == "formula" and ind.formula:
            parts = "、".join(
                f"“{ws.indicators[x].name}”（{x}）"
                for x in formula_names(ind.formula)
                if x in ws.indicators
            )
            out[i] = f"按公式 {ind.formula} 计算，分项{parts}为{n}个{sub}合计"
    return out


def _analysis(ws: Workspace, area: str, issued: date) -> dict:
    """The latest cause and measures per indicator recorded by the report's issue date. Unlike
    the figures they do not follow 数据截至日: they are the lead departments' account written
    for this report (a cause entered today for a report on 2023 data belongs in it), and the
    issue date keeps a report reproducible as issued."""
    from plantrack.store.analysis import latest_analysis

    df = latest_analysis(ws.store, issued)
    df = df[df["area"] == area]
    return {
        r.indicator: (r.cause if isinstance(r.cause, str) else None,
                      r.measures if isinstance(r.measures, str) else None)
        for r in df.itertuples()
    }  # fmt: skip


def build_content(
    ws: Workspace,
    as_of: date,
    known_on: date | None = None,
    plans: list[str] | tuple[str, ...] | None = None,
    area: str | None = None,
    org: str = DEFAULT_ORG,
    issued: date | None = None,
) -> ReportContent:
    """Everything the report says, as of ``as_of`` with the data known on ``known_on``.

    ``known_on`` defaults to today and is printed in the report, so generating it again with
    the same two dates reproduces every number, whatever was uploaded since.
    """
    known_on = known_on or date.today()
    area = area or ws.district
    plans = [p for p in ws.plans if not plans or p in plans]
    obs = observations(ws, as_of=as_of, known_on=known_on)
    full = assessment_table(ws, as_of, known_on=known_on, area=area, obs=obs)
    full = full[full["plan"].isin(plans)].reset_index(drop=True)
    if area != ws.district:  # a 街道 report leaves out what only the district reports
        full = full[~full["indicator"].map(lambda i: district_only(ws, i))]
        full = full.reset_index(drop=True)
    full["precision"] = [_precision(ws, r) for r in full.to_dict(orient="records")]
    table = full[full["kind"].isin(MAIN_KINDS) & full["attribute"].notna()].reset_index(drop=True)
    table.insert(0, "seq", range(1, len(table) + 1))
    plans = [p for p in plans if (full["plan"] == p).any() or _has_tasks(ws, p)]
    related = related_indicators(ws, list(full["indicator"]))
    values = obs[obs["indicator"].isin(related)]
    if area != ws.district:
        values = values[values["area"] == area]
    values = values.sort_values(["indicator", "area", "period"]).reset_index(drop=True)
    kind = evaluation_kind(ws, plans, as_of) if plans else "实施情况评估"
    if kind == "总结评估":
        full, table = close_milestones(full), close_milestones(table)
    doc_nos = {p: f"（{ws.plans[p].doc_no}）" if ws.plans[p].doc_no else "" for p in plans}
    labels = [ws.plans[p].name + doc_nos[p] for p in plans]
    names = title_names([ws.plans[p].short_name for p in plans])
    area_name = ws.area_names.get(area, area)
    content = ReportContent(
        title=f"{area_name}{names}{kind}报告",
        evaluation=kind,
        plans=plans,
        plan_labels=labels,
        as_of=as_of,
        known_on=known_on,
        area=area,
        area_name=area_name,
        org=org or default_org(ws),
        issued=issued or date.today(),
        config_hash=ws.config_hash,
        is_demo=ws.is_demo,
        full_table=full,
        table=table,
        rows=display_rows(ws, table, final=kind == "总结评估"),
        values=values,
        batches=used_batches(ws, values),
        fingerprint=fingerprint(values),
        counts=verdict_counts(table),
        pace=plan_pace(ws, table, as_of),
        tasks=task_summary(
            ws,
            as_of,
            known_on,
            plans,
            unit=None if area == ws.district else area_name,
            final=kind == "总结评估",
        ),  # fmt: skip
        problems=problem_rows(table),
        indicator_names={i: ws.indicators[i].name for i in related},
        area_names=dict(ws.area_names),
        references={
            i: ws.indicators[i].target.reference  # type: ignore[union-attr,misc]
            for i in table["indicator"]
            if ws.indicators[i].target and ws.indicators[i].target.reference  # type: ignore[union-attr]
        },
        analysis=_analysis(ws, area, issued or date.today()),
        plan_names={p: ws.plans[p].short_name for p in plans},
        rollup_sources=rollup_sources(ws, related),
    )
    content.narrative = narrative.defaults(content)
    content.methods = narrative.methods_text(ws, content)
    return content


def _has_tasks(ws: Workspace, plan: str) -> bool:
    return any(t.plan == plan for t in ws.tasks)
