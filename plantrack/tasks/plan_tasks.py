"""The key tasks (主要任务 / 重点任务) of multi-year plans and their yearly progress.

Clauses come from the ``plan_tasks`` section of ``registry/tasks.yaml`` (models in
:mod:`plantrack.tasks.plan_models`). Each year the lead department (牵头部门; for a plan that
writes only 责任单位, any of them) records 进展情况, 完成程度 and 佐证材料 per clause. Rules
(every one an error; nothing is stored while any remains):

- 任务编号 is a key task of the registry;
- 年度 is a year of the task's period (2021—2025 unless the clause says otherwise), not
  after the current year;
- 完成程度 is 未启动 / 推进中 / 基本完成 / 已完成;
- 进展情况 is required unless 未启动, at most 500 characters;
- 佐证材料 is a link or a stored file, and required when 已完成;
- 填报部门 is a lead department of the task;
- one task and year appear once per file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.config.loader import ConfigError, read_yaml
from plantrack.departments import normalise, normalise_all
from plantrack.store.plan_progress import current_progress, record_progress
from plantrack.tasks.registry import TaskConfigError, TaskRegistry, _Locator, _with_fix
from plantrack.tasks.updates import _FILE_REF, Problem, _blank, _is_url

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.workspace import Workspace

DEGREES = ("未启动", "推进中", "基本完成", "已完成")
DEGREE_ALIASES = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "mostly_done": "基本完成",
    "done": "已完成",
    "未开始": "未启动",
    "进行中": "推进中",
} | {d: d for d in DEGREES}
NOTE_MAX = 500
NOT_REPORTED = "未报送"
TABLE_COLUMNS = [
    "id", "plan", "seq", "section", "category", "title", "text", "lead", "participating",
    "indicators", "start_year", "end_year", "year", "degree", "progress", "evidence",
    "department", "user_name", "recorded_at",
]  # fmt: skip


@dataclass(frozen=True)
class PlanKeyTask:
    id: str
    plan: str
    seq: int
    section: str
    category: str
    title: str
    text: str
    lead: tuple[str, ...]
    participating: tuple[str, ...]
    units_note: str | None
    start_year: int
    end_year: int
    indicators: tuple[str, ...]


def load_plan_tasks(
    path: Path, plans: Mapping[str, tuple[int, int]], indicators: Mapping[str, str]
) -> list[PlanKeyTask]:
    """The key tasks of ``path`` (``plans``: id → (start, end year); ``indicators``: id → plan).

    Raises :class:`TaskConfigError` with every problem as ``tasks.yaml:LINE: … — fix``.
    """
    try:
        data, positions = read_yaml(Path(path))
    except ConfigError as exc:
        raise TaskConfigError([_with_fix(str(i)) for i in exc.issues]) from None
    where = _Locator(Path(path).name, positions)
    registry = TaskRegistry.model_validate(data)  # load_tasks reports this file's form errors
    problems: list[str] = []
    out: list[PlanKeyTask] = []
    seen: set[str] = set()
    for i, tl in enumerate(registry.plan_tasks):
        base = ("plan_tasks", i)
        if tl.plan not in plans:
            known = "、".join(sorted(plans))
            problems.append(where.problem(base + ("plan",), f"计划「{tl.plan}」未定义", known))
            continue
        start, end = plans[tl.plan]
        for j, t in enumerate(tl.tasks):
            loc = base + ("tasks", j)
            if not t.id.startswith(f"{tl.plan}.") or t.id in seen:
                what = f"任务编号「{t.id}」重复或不以「{tl.plan}.」开头"
                problems.append(where.problem(loc + ("id",), what, "改用唯一编号 <plan>.kNN"))
            seen.add(t.id)
            first, last = t.start_year or start, t.end_year or end
            if not start <= first <= last <= end:
                what = f"任务期限 {first}—{last} 超出规划期 {start}—{end}"
                problems.append(where.problem(loc + ("start_year",), what, "核对条款的期限"))
            for k, ind in enumerate(t.indicators):
                if indicators.get(ind) != tl.plan:
                    what = f"指标「{ind}」不是计划 {tl.plan} 的指标"
                    fix = "填写 indicators.yaml 中本计划的指标编号"
                    problems.append(where.problem(loc + ("indicators", k), what, fix))
            out.append(
                PlanKeyTask(
                    t.id,
                    tl.plan,
                    t.seq,
                    t.section,
                    t.category,
                    t.title,
                    t.text,
                    tuple(normalise_all(t.lead)),
                    tuple(normalise_all(t.participating)),
                    t.units_note,
                    first,
                    last,
                    tuple(t.indicators),
                )  # fmt: skip
            )
    if problems:
        raise TaskConfigError(problems)
    return out


def parse_degree(value: object) -> str | None:
    if _blank(value):
        return None
    return DEGREE_ALIASES.get(str(value).strip().lower().replace("-", "_"))


def _year(value: object) -> int | None:
    if isinstance(value, bool) or _blank(value):
        return None
    text = str(value).strip().removesuffix("年").removesuffix(".0")
    return int(text) if text.isdigit() and len(text) == 4 else None


def validate_progress(
    ws: Workspace,
    rows: Sequence[Mapping[str, object]],
    source: str,
    labels: Mapping[str, str],
    today: date | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check raw progress rows (keys task_id, year, degree, progress, evidence, department;
    ``row`` for the row shown). Returns the clean rows and every problem found."""
    today = today or date.today()
    tasks = {t.id: t for t in ws.plan_tasks}
    problems: list[Problem] = []
    clean: list[tuple] = []
    seen: dict[tuple[str, int], object] = {}
    for raw in rows:
        row = raw.get("row")
        found: list[tuple[str, object, str]] = []
        task_id = str(raw.get("task_id") or "").strip()
        task = tasks.get(task_id)
        year, degree = _year(raw.get("year")), parse_degree(raw.get("degree"))
        note = "" if _blank(raw.get("progress")) else str(raw.get("progress")).strip()
        evidence = "" if _blank(raw.get("evidence")) else str(raw.get("evidence")).strip()
        dept = "" if _blank(raw.get("department")) else normalise(str(raw.get("department")))
        if task is None:
            what = "缺少任务编号" if not task_id else "没有这个规划主要任务，可用 plan-tasks 查看"
            found.append(("task_id", raw.get("task_id"), what))
        if year is None:
            found.append(("year", raw.get("year"), "年度应为四位年份，如 2023"))
        elif task and not task.start_year <= year <= min(task.end_year, today.year):
            end = min(task.end_year, today.year)
            found.append(("year", raw.get("year"), f"年度应在 {task.start_year}—{end} 之间"))
        if degree is None:
            found.append(("degree", raw.get("degree"), "完成程度应为 " + "、".join(DEGREES)))
        if degree not in (None, "未启动") and not note:
            found.append(("progress", raw.get("progress"), "请填写进展情况（做了什么）"))
        if len(note) > NOTE_MAX:
            found.append(("progress", f"{note[:20]}…", f"进展情况超过 {NOTE_MAX} 字，请精简"))
        if evidence and not (_is_url(evidence) or _FILE_REF.match(evidence)):
            found.append(("evidence", evidence, "佐证材料应为以 http:// 或 https:// 开头的链接"))
        if degree == "已完成" and not evidence:
            found.append(("evidence", raw.get("evidence"), "完成程度为“已完成”时须提供佐证材料"))
        if task and dept not in task.lead:
            what = "填报部门须为该任务的牵头部门：" + "、".join(task.lead)
            found.append(("department", raw.get("department"), what))
        if task and year is not None:
            if (task_id, year) in seen:
                what = f"与第{seen[(task_id, year)]}行重复：同一任务同一年度只能有一条"
                found.append(("task_id", task_id, what))
            seen[(task_id, year)] = row
        rownum = row if isinstance(row, int) else None
        problems += [Problem(source, rownum, labels[f], v, m) for f, v, m in found]
        clean.append((task_id, year, degree, note, evidence or None, dept))
    columns = ["task_id", "year", "degree", "progress", "evidence", "department"]
    return pd.DataFrame(clean, columns=columns), problems


def store_progress(
    ws: Workspace,
    rows: Sequence[Mapping[str, object]],
    *,
    actor: Actor,
    source: str,
    labels: Mapping[str, str],
    today: date | None = None,
) -> int:
    """Validate and store progress rows in one transaction; raise UpdateError on any problem."""
    from plantrack.tasks.updates import UpdateError

    problems: list[Problem] = []
    clean, found = validate_progress(ws, rows, source, labels, today)
    problems += found
    if problems:
        raise UpdateError(problems)
    return record_progress(ws.store, clean, actor=actor, source=source)


def plan_task_table(
    ws: Workspace, year: int | None = None, known_on: date | None = None
) -> pd.DataFrame:
    """Every key task with its latest progress up to ``year`` (all years when None), as
    recorded by the end of ``known_on`` (everything when None)."""
    rows = [
        (t.id, t.plan, t.seq, t.section, t.category, t.title, t.text, t.lead, t.participating,
         t.indicators, t.start_year, t.end_year)
        for t in ws.plan_tasks
    ]  # fmt: skip
    base = pd.DataFrame(rows, columns=TABLE_COLUMNS[:12])
    before = None if known_on is None else datetime.combine(known_on + timedelta(days=1), time())
    prog = current_progress(ws.store, before)
    if year is not None:
        prog = prog[prog["year"] <= year]
    prog = prog.sort_values(["task_id", "year"]).drop_duplicates("task_id", keep="last")
    prog = prog.rename(columns={"task_id": "id"})
    cols = ["id", "year", "degree", "progress", "evidence", "department", "user_name"]
    out = base.merge(prog[[*cols, "recorded_at"]], on="id", how="left")
    out["degree"] = out["degree"].fillna(NOT_REPORTED)
    out["year"] = out["year"].astype("Int64")
    return out[TABLE_COLUMNS]


def degree_counts(table: pd.DataFrame) -> dict[str, int]:
    """Tasks per 完成程度 (未报送 last)."""
    counts = table["degree"].value_counts()
    return {d: int(counts.get(d, 0)) for d in (*DEGREES, NOT_REPORTED)}
