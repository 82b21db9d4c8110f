"""三、重点任务推进情况: task, decision and milestone counts from the task board, and one
sub-section per multi-year plan with its key tasks (主要任务) and their yearly progress.

Uses :func:`plantrack.tasks.board.task_table`; where that module is not installed the summary
says the task registry is not available, and the report says so instead of counting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from plantrack.workspace import Workspace

KIND_NAMES = {"task": "重点任务", "decision": "重大行政决策事项", "milestone": "里程碑指标"}
STATUSES = ("已完成", "逾期完成", "进行中", "逾期")


def status_columns(final: bool) -> list[tuple[str, str]]:
    """(status, column heading) of the task table: a 总结评估 has no 进行中 and says 未完成."""
    if final:
        return [("已完成", "已完成"), ("逾期完成", "逾期完成"), ("逾期", "未完成")]
    return [(s, s) for s in STATUSES]


OVERDUE_COLUMNS = ["id", "plan", "kind", "title", "units", "deadline_text", "due", "label"]
PLAN_HEADER = ["序号", "条款", "任务", "牵头部门", "年度", "完成程度", "进展情况"]
PLAN_WIDTHS = [3, 6, 7, 10, 3, 4, 7]  # 牵头部门 often lists many units: the widest
CN_NUMS = "一二三四五六七八九十"


@dataclass
class PlanTaskSection:
    """One sub-section of §三: a plan's key tasks (heading, summary text, table)."""

    plan: str
    heading: str
    text: str
    caption: str  # the table's caption, without its number (表N) and the demo mark
    header: list[str]
    rows: list[list[str]]
    widths: list[int]


@dataclass
class TaskSummary:
    available: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → status → n
    overdue: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OVERDUE_COLUMNS))
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan_sections: list[PlanTaskSection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def by_status(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for c in self.counts.values():
            for s, n in c.items():
                out[s] = out.get(s, 0) + n
        return out


def task_summary(
    ws: Workspace,
    as_of: date,
    known_on: date | None,
    plans: list[str],
    unit: str | None = None,
    final: bool = False,
) -> TaskSummary:
    """Counts by kind and status, and the overdue list, for the chosen plans (and, for a
    街道 report, only the tasks that 街道 owns: its name or 各街道 among the units).

    In a 总结评估 (``final``) nothing is still 进行中: what is not done at the end of the plan
    period is 逾期 (written 未完成), even when due on the as-of date itself."""
    try:
        from plantrack.tasks.board import status_label, task_table
    except ImportError:
        return TaskSummary(available=False)
    table = task_table(ws, as_of, known_on)
    table = table[table["plan"].isin(plans)].reset_index(drop=True)
    if unit is not None:
        owned = table["units"].astype(str).map(lambda u: unit in u or "各街道" in u)
        table = table[owned].reset_index(drop=True)
    if final:  # the status note says the same: 未完成（无进展记录）, not 进行中（无进展记录）
        open_ = table["status"].isin(["进行中", "逾期"])
        table = table.assign(status=table["status"].replace({"进行中": "逾期"}))
        table.loc[open_, "label"] = [
            status_label("未完成", u, r)
            for u, r in zip(
                table.loc[open_, "update_status"], table.loc[open_, "recurring"], strict=True
            )
        ]
    counts: dict[str, dict[str, int]] = {}
    for kind in KIND_NAMES:
        part = table[table["kind"] == kind]
        if not part.empty:
            counts[kind] = {s: int((part["status"] == s).sum()) for s in STATUSES}
    overdue = table[table["status"] == "逾期"]
    overdue = overdue.sort_values(["due", "plan", "seq"], kind="stable")[OVERDUE_COLUMNS]
    sections = plan_sections(ws, as_of, known_on, plans)
    return TaskSummary(True, counts, overdue.reset_index(drop=True), table, sections)


def official_clause(section: str) -> str:
    """A clause number as official documents write it: "三、（六）1." → "三、（六）1．"
    (the full-width point after an Arabic numeral, as in the report's own lists)."""
    return re.sub(r"(\d)\.", r"\1．", section)


def plan_sections(
    ws: Workspace, as_of: date, known_on: date | None, plans: list[str]
) -> list[PlanTaskSection]:
    """One sub-section per plan with key tasks: progress reported for years up to ``as_of``."""
    from plantrack.tasks.plan_tasks import DEGREES, NOT_REPORTED, degree_counts, plan_task_table

    table = plan_task_table(ws, as_of.year, known_on)
    out: list[PlanTaskSection] = []
    for pid in plans:
        part = table[table["plan"] == pid]
        if part.empty:
            continue
        plan = ws.plans[pid]
        n = degree_counts(part)
        heading = f"（{CN_NUMS[len(out)] if len(out) < 10 else len(out) + 1}）《{plan.short_name}》主要任务"
        text = (
            f"《{plan.short_name}》列出主要任务{len(part)}项（{plan.start_year}—{plan.end_year}年）。"
            f"截至{as_of.year}年度各牵头部门报送的最新进展："
            + "，".join(f"{d}{n[d]}项" for d in DEGREES)
            + f"；尚未报送进展{n[NOT_REPORTED]}项。"
        )
        idle = part[part["degree"].isin(["未启动", NOT_REPORTED])]
        if not idle.empty:
            text += "未启动或未报送的任务：" + "、".join(f"“{t}”" for t in idle["title"]) + "。"
        rows = [
            [
                str(i + 1),
                official_clause(str(r["section"])),
                str(r["title"]),
                "、".join(r["lead"]),
                "" if pd.isna(r["year"]) else str(r["year"]),
                str(r["degree"]),
                r["progress"] if isinstance(r["progress"], str) else "",
            ]
            for i, r in enumerate(part.to_dict("records"))
        ]
        caption = f"《{plan.short_name}》主要任务推进情况（截至{as_of.year}年度）"
        out.append(PlanTaskSection(pid, heading, text, caption, PLAN_HEADER, rows, PLAN_WIDTHS))
    return out
