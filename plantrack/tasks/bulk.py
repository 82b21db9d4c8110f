"""Bulk progress updates of tasks and milestones through Excel: the template and the loader.

The template lists every task and milestone (optionally of one plan or one unit) with the
columns 任务编号, 任务, 责任单位, 完成时限, 状态, 日期, 进展说明, 佐证材料; 状态 is a dropdown.
A department fills 状态, 日期 and 进展说明 for the rows it reports on and leaves the others
blank. :func:`load_bulk` checks every filled row (rules in :mod:`plantrack.tasks.updates`) and
stores all of them as one batch, or none; reading, keeping and batching are shared with the key
tasks' template (:mod:`plantrack.tasks.intake`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

import pandas as pd

from plantrack.store.task_updates import record_updates
from plantrack.tasks.board import board_items, filter_table
from plantrack.tasks.intake import (
    BulkResult,
    Dropdown,
    Layout,
    UnreadableError,
    load_file,
    outside_rows,
)
from plantrack.tasks.intake import template_workbook as _workbook
from plantrack.tasks.updates import STATUSES, validate_updates

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.store.task_updates import FileBatch
    from plantrack.tasks.updates import Problem
    from plantrack.workspace import Workspace

__all__ = ["HEADERS", "LAYOUT", "BulkResult", "UnreadableError", "load_bulk", "template_bytes"]

SHEET = "任务进展"
HEADERS = ["任务编号", "任务", "责任单位", "完成时限", "状态", "日期", "进展说明", "佐证材料"]
LAYOUT = Layout(
    sheet=SHEET,
    headers=HEADERS,
    fields={
        "任务编号": "task_id",
        "状态": "status",
        "日期": "status_date",
        "进展说明": "note",
        "佐证材料": "evidence",
    },
    required=("任务编号", "状态", "日期"),
    reported=("status", "status_date", "note", "evidence"),
    source="task-load",
    widths=[24, 40, 30, 22, 10, 13, 50, 40],
    help=[
        "填写说明",
        "1. 每行一项任务或里程碑指标；只填写本次报告进展的行，其余行的“状态”“日期”“进展说明”留空。",
        "2. 状态：从下拉列表选择 未开始 / 进行中 / 已完成。",
        "3. 日期：进展发生的日期，如 2022-09-30；不得晚于今天，也不得早于该计划的印发日期。",
        "4. 进展说明：简述做了什么；状态为“已完成”时必填，不超过 500 字。",
        "5. 佐证材料：填写链接（http:// 或 https:// 开头）；文件请在页面或命令行逐条上传。",
        "6. 请勿修改第一行的列名。文件中任何一行有误时，整个文件都不会导入，请按提示修改后重新上传。",
    ],
)
EXTRA_ROWS = 50  # blank rows below the listed tasks that still have the dropdown


def template_bytes(ws: Workspace, plan: str | None = None, unit: str | None = None) -> bytes:
    """The .xlsx template, prefilled with the tasks (of ``plan`` / ``unit`` if given)."""
    items = filter_table(board_items(ws), plan=plan, unit=unit)
    rows = [
        [r.id, r.title, "、".join(cast(list[str], r.unit_list)), r.deadline_text, None, None, None]
        for r in items.itertuples()
    ]
    status = Dropdown("E", STATUSES, "状态")
    return _workbook(LAYOUT, rows, [status], extra_rows=EXTRA_ROWS, freeze="B2", date_column="F")


def load_bulk(
    ws: Workspace, data: bytes, file_name: str, *, actor: Actor, today: date | None = None
) -> BulkResult:
    """Validate every filled row and store them all as one batch, or store nothing.

    Raises :class:`UnreadableError` when the file cannot be read as the template.
    """

    def check(raws: list[dict[str, object]]) -> tuple[pd.DataFrame, list[Problem]]:
        clean, found = validate_updates(ws, raws, file_name, LAYOUT.labels, today)
        owners = ws.scope.owners
        rows = [(r.get("row"), i, owners[i]) for r, i in zip(raws, clean["task_id"], strict=True)
                if i in owners]  # fmt: skip
        found += outside_rows(actor, rows, file_name, LAYOUT.labels["task_id"], "责任单位")
        return clean, sorted(found, key=lambda p: p.row or 0)

    def save(clean: pd.DataFrame, batch: FileBatch) -> int:
        return record_updates(
            ws.store, clean, actor=actor, scope=ws.scope, source=file_name, batch=batch
        )

    return load_file(ws, LAYOUT, data, file_name, actor=actor, check=check, save=save)
