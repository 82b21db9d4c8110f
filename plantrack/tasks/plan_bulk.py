"""Bulk yearly progress of the plans' key tasks through Excel: template and loader.

The template lists the key tasks (of one plan / one lead department if asked) with the columns
任务编号, 条款, 任务, 牵头部门, 年度, 完成程度, 进展情况, 佐证材料, 填报部门; 完成程度 is a dropdown.
A department fills the rows it reports on; :func:`load_plan_bulk` checks every filled row
(rules in :mod:`plantrack.tasks.plan_tasks`) and stores all of them as one batch, or none.
Reading, keeping the file and batching are shared with the task template
(:mod:`plantrack.tasks.intake`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.auth.roles import STATISTICIAN
from plantrack.departments import normalise_all
from plantrack.store.plan_progress import record_progress
from plantrack.tasks.intake import BulkResult, Dropdown, Layout, load_file, outside_rows
from plantrack.tasks.intake import template_workbook as _workbook
from plantrack.tasks.plan_tasks import DEGREES, validate_progress
from plantrack.tasks.updates import Problem

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.store.task_updates import FileBatch
    from plantrack.workspace import Workspace

SHEET = "主要任务进展"
HEADERS = ["任务编号", "条款", "任务", "牵头部门", "年度", "完成程度", "进展情况", "佐证材料", "填报部门"]  # fmt: skip
LAYOUT = Layout(
    sheet=SHEET,
    headers=HEADERS,
    fields={
        "任务编号": "task_id",
        "年度": "year",
        "完成程度": "degree",
        "进展情况": "progress",
        "佐证材料": "evidence",
        "填报部门": "department",
    },
    required=("任务编号", "年度", "完成程度"),
    reported=("degree", "progress", "evidence"),
    source="plan-task-load",
    widths=[16, 14, 34, 30, 8, 12, 60, 40, 20],
    help=[
        "填写说明",
        "1. 每行一项规划主要任务；只填写本次报送的行，其余行的“完成程度”“进展情况”留空。",
        "2. 年度：报送哪一年的进展，如 2023。",
        "3. 完成程度：从下拉列表选择 " + " / ".join(DEGREES) + "。",
        "4. 进展情况：简述当年做了什么（未启动可不填），不超过 500 字。",
        "5. 佐证材料：链接（http:// 或 https:// 开头）；“已完成”必须提供。",
        "6. 填报部门：须为该任务的牵头部门之一（已预填第一个牵头部门，可改）。",
        "7. 文件中任何一行有误时，整个文件都不会导入，请按提示修改后重新上传。",
    ],
)
LABELS = LAYOUT.labels


def template_bytes(
    ws: Workspace, plan: str | None = None, dept: str | None = None, year: int | None = None
) -> bytes:
    """The .xlsx template, one row per key task (of ``plan`` / led by ``dept``)."""
    tasks = [t for t in ws.plan_tasks if (not plan or t.plan == plan)]
    tasks = [t for t in tasks if not dept or dept in t.lead]
    rows = [
        [t.id, t.section, t.title, "、".join(t.lead), year, None, None, None, dept or t.lead[0]]
        for t in tasks
    ]
    degree = Dropdown("F", DEGREES, "完成程度")
    return _workbook(LAYOUT, rows, [degree], extra_rows=20, freeze="C2")


def _other_lead(
    actor: Actor,
    raws: list[dict[str, object]],
    clean: pd.DataFrame,
    leads: dict[str, tuple[str, ...]],
    file_name: str,
) -> list[Problem]:
    """Rows of a task the statistician's department co-leads, filled in for another lead."""
    if actor.role != STATISTICIAN:
        return []
    mine = set(normalise_all(actor.departments))
    out = []
    for raw, task, dept in zip(raws, clean["task_id"], clean["department"], strict=True):
        own = mine & set(leads.get(task, ()))
        if own and dept in leads[task] and dept not in mine:
            message = (f"填报部门「{dept}」不是账号 {actor.name} 所在部门 — "
                       f"请改为{'、'.join(sorted(own))}，或由{dept}填报")  # fmt: skip
            row = raw.get("row")
            out.append(Problem(file_name, row if isinstance(row, int) else None,
                               LABELS["department"], raw.get("department"), message))  # fmt: skip
    return out


def load_plan_bulk(
    ws: Workspace, data: bytes, file_name: str, *, actor: Actor, today: date | None = None
) -> BulkResult:
    """Check every filled row and store them all as one batch, or nothing.
    Raises :class:`plantrack.tasks.intake.UnreadableError`."""

    def check(raws: list[dict[str, object]]) -> tuple[pd.DataFrame, list[Problem]]:
        clean, found = validate_progress(ws, raws, file_name, LABELS, today)
        leads = {t.id: t.lead for t in ws.plan_tasks}
        rows = [(r.get("row"), i, leads[i]) for r, i in zip(raws, clean["task_id"], strict=True)
                if i in leads]  # fmt: skip
        found += outside_rows(actor, rows, file_name, LABELS["task_id"], "牵头部门")
        found += _other_lead(actor, raws, clean, leads, file_name)
        return clean, sorted(found, key=lambda p: p.row or 0)

    def save(clean: pd.DataFrame, batch: FileBatch) -> int:
        return record_progress(ws.store, clean, actor=actor, source=file_name, batch=batch)

    return load_file(ws, LAYOUT, data, file_name, actor=actor, check=check, save=save)
