"""三、重点任务推进情况: task, decision and milestone counts from the task board.

Uses :func:`plantrack.tasks.board.task_table`; where that module is not installed the summary
says the task registry is not available, and the report says so instead of counting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from plantrack.workspace import Workspace

KIND_NAMES = {"task": "重点任务", "decision": "重大行政决策事项", "milestone": "里程碑指标"}
STATUSES = ("已完成", "逾期完成", "进行中", "逾期")
OVERDUE_COLUMNS = ["id", "plan", "kind", "title", "units", "deadline_text", "due", "label"]


@dataclass
class TaskSummary:
    available: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → status → n
    overdue: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OVERDUE_COLUMNS))
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

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
    ws: Workspace, as_of: date, known_on: date | None, plans: list[str]
) -> TaskSummary:
    """Counts by kind and status, and the overdue list, for the chosen plans."""
    try:
        from plantrack.tasks.board import task_table
    except ImportError:
        return TaskSummary(available=False)
    table = task_table(ws, as_of, known_on)
    table = table[table["plan"].isin(plans)].reset_index(drop=True)
    counts: dict[str, dict[str, int]] = {}
    for kind in KIND_NAMES:
        part = table[table["kind"] == kind]
        if not part.empty:
            counts[kind] = {s: int((part["status"] == s).sum()) for s in STATUSES}
    overdue = table[table["status"] == "逾期"]
    overdue = overdue.sort_values(["due", "plan", "seq"], kind="stable")[OVERDUE_COLUMNS]
    return TaskSummary(True, counts, overdue.reset_index(drop=True), table)
