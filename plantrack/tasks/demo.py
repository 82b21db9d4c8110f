"""Synthetic progress of tasks and milestones for the demo database (示例数据，非官方)."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

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


def fill_task_demo(ws: Workspace) -> int:
    df = demo_task_updates(ws)
    if df.empty:
        return 0
    return record_updates(ws.store, df, user=DEMO_USER)
