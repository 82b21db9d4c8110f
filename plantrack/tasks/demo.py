"""Synthetic progress of tasks and milestones for the demo database (示例数据，非官方)."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.store.plan_progress import record_progress
from plantrack.store.task_updates import record_updates

if TYPE_CHECKING:
    from plantrack.workspace import Workspace

DEMO_USER = "示例数据生成器"


def _roll(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % 100


def demo_task_updates(ws: Workspace) -> pd.DataFrame:
    """Most tasks done on time, some late, a few still open (overdue)."""
    rows = []
    for t in ws.tasks:
        r = _roll(t.id)
        start = max(t.due - timedelta(days=120), ws.plans[t.plan].issued)
        rows.append((t.id, "进行中", start, "示例：已部署推进", None))
        if r < 75:
            done = t.due - timedelta(days=5 + r % 40)
            rows.append((t.id, "已完成", max(done, start), "示例：按期完成", None))
        elif r < 88:
            rows.append(
                (t.id, "已完成", t.due + timedelta(days=10 + r % 30), "示例：逾期完成", None)
            )
    milestones = [i for i in ws.registry.indicators if i.kind == "milestone" and i.deadline]
    for i, m in enumerate(milestones):
        assert m.deadline is not None
        if i % 3 == 0:
            rows.append((m.id, "已完成", m.deadline - timedelta(days=400), "示例：已完成", None))
        else:
            rows.append((m.id, "进行中", m.deadline - timedelta(days=700), "示例：推进中", None))
    df = pd.DataFrame(rows, columns=["task_id", "status", "status_date", "note", "evidence"])
    df["recorded_at"] = [
        datetime.combine(d, datetime.min.time()) + timedelta(days=3, hours=9)
        for d in df["status_date"]
    ]
    return df


DEMO_DEGREES = ("推进中", "推进中", "基本完成", "已完成")


def demo_plan_progress(ws: Workspace, last_year: int = 2023) -> pd.DataFrame:
    """Yearly key-task progress 2022..last_year by the first lead department; some missing."""
    rows = []
    for t in ws.plan_tasks:
        r = _roll(t.id)
        for year in range(max(t.start_year, 2022), min(t.end_year, last_year) + 1):
            if (r + year) % 7 == 0:
                continue  # not reported that year
            step = min(len(DEMO_DEGREES) - 1, (r % 3) + (year - 2022))
            degree = DEMO_DEGREES[step]
            evidence = "https://example.org/demo/evidence" if degree == "已完成" else None
            rows.append(
                (t.id, year, degree, f"示例：{year}年度推进情况（模拟）", evidence, t.lead[0])
            )
    columns = ["task_id", "year", "degree", "progress", "evidence", "department"]
    return pd.DataFrame(rows, columns=columns)


def fill_task_demo(ws: Workspace) -> int:
    df = demo_task_updates(ws)
    from plantrack.auth.actor import Actor

    system = Actor.system()
    n = 0 if df.empty else record_updates(ws.store, df, actor=system)
    progress = demo_plan_progress(ws)
    if not progress.empty:
        when = datetime(2024, 1, 20, 9)
        n += record_progress(ws.store, progress, actor=system, source="demo", recorded_at=when)
    return n
