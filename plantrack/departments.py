"""Departments (牵头部门 / 责任单位): one name per department, and what each one owns.

Plans spell the same bureau in more than one way (the gazette writes both 区人力资源和社会保障局
and 区人力资源社会保障局). :func:`normalise` maps the obvious variants to one name, so that a
leader asking one department about everything it owns sees all of it. The mapping is small
and explicit: a name not listed is kept as written (spaces removed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

# variant → the name used on screen (as the bureau's own documents write it)
ALIASES: dict[str, str] = {
    "区人力资源和社会保障局": "区人力资源社会保障局",
    "区人社局": "区人力资源社会保障局",
    "区卫健局": "区卫生健康局",
    "区行政审批局": "区行政审批服务局",
    "区发改局": "区发展改革局",
    "区教体局": "区教育体育局",
}
ROLE_LEAD = "lead"
ROLE_PARTICIPATING = "participating"


def normalise(name: str, aliases: Mapping[str, str] = ALIASES) -> str:
    """One spelling per department: whitespace dropped, known variants mapped."""
    compact = "".join(str(name).split())
    return aliases.get(compact, compact)


def normalise_all(names: Iterable[str], aliases: Mapping[str, str] = ALIASES) -> list[str]:
    """Normalised names, each once, in order of first appearance."""
    return list(dict.fromkeys(normalise(n, aliases) for n in names if str(n).strip()))


def indicator_roles(indicators: Sequence) -> pd.DataFrame:
    """One row per (department, indicator) with ``role`` lead / participating.

    ``indicators`` are registry indicators (``id``, ``lead``, ``participating``). A
    department that both leads and takes part is listed once, as lead.
    """
    rows: dict[tuple[str, str], str] = {}
    for ind in indicators:
        for name in normalise_all(ind.participating):
            rows[(name, ind.id)] = ROLE_PARTICIPATING
        for name in normalise_all(ind.lead):
            rows[(name, ind.id)] = ROLE_LEAD
    return pd.DataFrame(
        [(d, i, r) for (d, i), r in rows.items()], columns=["department", "indicator", "role"]
    )


def task_units(tasks: pd.DataFrame) -> pd.DataFrame:
    """One row per (department, task) from a task table's ``unit_list``."""
    if tasks.empty:
        return pd.DataFrame(columns=["department", "id"])
    rows = tasks[["id", "unit_list"]].explode("unit_list").dropna(subset=["unit_list"])
    rows = rows.assign(department=[normalise(u) for u in rows["unit_list"]])
    return rows[["department", "id"]].drop_duplicates(ignore_index=True)


def summary(
    roles: pd.DataFrame,
    assessment: pd.DataFrame,
    units: pd.DataFrame,
    tasks: pd.DataFrame,
) -> pd.DataFrame:
    """Per department: indicators it leads by light, and its tasks by status.

    ``assessment`` is the scorecard (``indicator``, ``kind``, ``light``); monitoring
    indicators are counted apart (``monitor``). ``tasks`` is the task table (``id``,
    ``status``, ``overdue``). Sorted by red lights, then overdue tasks, most first.
    """
    lead = roles[roles["role"] == ROLE_LEAD].merge(
        assessment[["indicator", "kind", "light"]], on="indicator", how="inner"
    )
    monitor = lead["kind"] == "monitor"
    ind = pd.DataFrame(
        {
            "department": lead["department"],
            "indicators": (~monitor).astype(int),
            "red": (~monitor & (lead["light"] == "red")).astype(int),
            "yellow": (~monitor & (lead["light"] == "yellow")).astype(int),
            "green": (~monitor & (lead["light"] == "green")).astype(int),
            "monitor": monitor.astype(int),
        }
    )
    by_dept = ind.groupby("department", sort=False).sum()
    if not units.empty and not tasks.empty:
        tk = units.merge(tasks[["id", "status", "overdue"]], on="id", how="inner")
        counts = (
            pd.DataFrame(
                {
                    "department": tk["department"],
                    "tasks": 1,
                    "overdue": tk["overdue"].astype(bool).astype(int),
                    "done": tk["status"].isin(["已完成", "逾期完成"]).astype(int),
                }
            )
            .groupby("department", sort=False)
            .sum()
        )
        by_dept = by_dept.join(counts, how="outer")
    cols = ["indicators", "red", "yellow", "green", "monitor", "tasks", "overdue", "done"]
    by_dept = by_dept.reindex(columns=cols).fillna(0).astype(int)
    by_dept = by_dept.sort_values(["red", "overdue", "yellow"], ascending=False, kind="stable")
    return by_dept.rename_axis("department").reset_index()
