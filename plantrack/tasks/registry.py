"""Task registry: ``registry/tasks.yaml`` → validated, deadline-resolved tasks.

``load_tasks`` reads the YAML with :func:`plantrack.config.loader.read_yaml` (which keeps the
line of every key and item, like ``indicators.yaml``), validates it with the pydantic models below, resolves every 完成时限 with
:func:`plantrack.tasks.deadlines.resolve_deadline`, and raises :class:`TaskConfigError` listing
every problem as ``tasks.yaml:LINE: what is wrong — how to fix it``.

Status of a task (methods.md §4, milestone): :func:`task_status_at`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plantrack.config.loader import ConfigError, Loc, line_of, read_yaml
from plantrack.tasks.deadlines import Deadline, resolve_deadline
from plantrack.tasks.plan_models import PlanTask, PlanTaskList

TITLE_MAX = 30

STATUS_DONE = "已完成"
STATUS_DONE_LATE = "逾期完成"
STATUS_OVERDUE = "逾期"
STATUS_IN_PROGRESS = "进行中"


class Task(BaseModel):
    """One row of a task table (重点工作任务分解表 / 重大行政决策事项目录)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1,
        description="任务编号，形如 <plan>.<code> / task id, '<plan id>.<code>'",
    )
    seq: int = Field(ge=1, description="序号 / row number in the source table")
    category: str = Field(min_length=1, description="一级工作任务 / first-level category")
    subcategory: str | None = Field(
        default=None, description="二级工作任务，可为 null / second-level category, or null"
    )
    title: str = Field(
        min_length=1,
        max_length=TITLE_MAX,
        description=f"简短标题（≤{TITLE_MAX}字）/ short title, at most {TITLE_MAX} characters",
    )
    requirement: str = Field(min_length=1, description="具体要求全文 / full requirement text")
    units: list[str] = Field(
        min_length=1, description="责任单位列表，至少一个 / responsible units, at least one"
    )
    units_note: str | None = Field(
        default=None,
        description="责任单位原文（含牵头、配合等）/ the units cell as written, if the list "
        "loses information",
    )
    deadline_text: str = Field(
        min_length=1, description="完成时限原文 / deadline as written in the source"
    )


class TaskList(BaseModel):
    """The tasks of one plan."""

    model_config = ConfigDict(extra="forbid")

    plan: str = Field(min_length=1, description="计划编号（indicators.yaml 中的 id）/ plan id")
    source: str = Field(min_length=1, description="出处（表名）/ source table in the plan")
    tasks: list[Task] = Field(min_length=1, description="任务列表 / the tasks")


class TaskRegistry(BaseModel):
    """The whole ``tasks.yaml``."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = Field(description="文件格式版本，目前为 1 / file format version (1)")
    task_lists: list[TaskList] = Field(description="各计划的任务表 / task lists, one per plan")
    plan_tasks: list[PlanTaskList] = Field(
        default_factory=list, description="规划的主要任务条款 / key tasks of multi-year plans"
    )


@dataclass(frozen=True)
class ResolvedTask:
    """A task with its deadline resolved."""

    id: str
    plan: str
    seq: int
    category: str
    subcategory: str | None
    title: str
    requirement: str
    units: tuple[str, ...]
    deadline_text: str
    due: date
    recurring: bool
    deadline_rule: str
    units_note: str | None = None
    source: str = ""

    @property
    def kind(self) -> str:
        """``decision`` for a 重大行政决策事项目录, else ``task``."""
        return "decision" if "重大行政决策" in self.source else "task"


class TaskConfigError(Exception):
    """``tasks.yaml`` is invalid; the message lists every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("任务配置有误 / invalid task registry:\n" + "\n".join(problems))


def task_status_at(due: date, done_on: date | None, as_of: date) -> str:
    """Status of a task at ``as_of`` (methods.md §4, milestone).

    Done on or before ``as_of``: 已完成 if done by ``due``, else 逾期完成. Not done yet (or done
    only after ``as_of``): 逾期 if ``as_of`` is past ``due``, else 进行中.
    """
    if done_on is not None and done_on <= as_of:
        return STATUS_DONE if done_on <= due else STATUS_DONE_LATE
    return STATUS_OVERDUE if as_of > due else STATUS_IN_PROGRESS


def is_due_soon(due: date, as_of: date, days: int = 30) -> bool:
    """True when ``due`` falls within the next ``days`` days (as_of ≤ due ≤ as_of + days)."""
    return 0 <= (due - as_of).days <= days


def load_tasks(path: Path, plans: Mapping[str, tuple[date, int]]) -> list[ResolvedTask]:
    """Load, validate and resolve ``tasks.yaml``.

    ``plans`` maps plan id → (issue date, plan year). Raises :class:`TaskConfigError` listing
    every problem found.
    """
    path = Path(path)
    try:
        data, positions = read_yaml(path)
    except ConfigError as exc:
        raise TaskConfigError([_with_fix(str(i)) for i in exc.issues]) from None
    where = _Locator(path.name, positions)
    if not isinstance(data, dict):
        raise TaskConfigError(
            [where.problem((), "文件顶层应为映射（version、task_lists）", "按 tasks.yaml 格式书写")]
        )
    try:
        registry = TaskRegistry.model_validate(data)
    except ValidationError as exc:
        raise TaskConfigError([where.pydantic(err) for err in exc.errors()]) from None
    problems, resolved = _resolve(registry, plans, where)
    if problems:
        raise TaskConfigError(problems)
    return resolved


def _with_fix(message: str) -> str:
    """Loader messages (unreadable file, YAML syntax) in this module's ``what — fix`` form."""
    return message if " — " in message else f"{message} — 检查文件路径和格式"


_FIELDS: dict[int, type[BaseModel]] = {0: TaskRegistry, 2: TaskList, 4: Task}
_PLAN_FIELDS: dict[int, type[BaseModel]] = {0: TaskRegistry, 2: PlanTaskList, 4: PlanTask}


def _model(loc: Loc, depth: int) -> type[BaseModel] | None:
    """The model whose fields are allowed at ``depth`` of ``loc`` (task_lists or plan_tasks)."""
    table = _PLAN_FIELDS if loc and loc[0] == "plan_tasks" else _FIELDS
    return table.get(depth)


class _Locator:
    """Maps a location in the data (pydantic ``loc``) to a line of the YAML file."""

    def __init__(self, filename: str, positions: Mapping[Loc, int]) -> None:
        self.filename = filename
        self.positions = positions

    def line(self, loc: Iterable[str | int]) -> int:
        return line_of(self.positions, tuple(loc))

    def problem(self, loc: Iterable[str | int], what: str, fix: str) -> str:
        return f"{self.filename}:{self.line(loc)}: {what} — {fix}"

    def pydantic(self, err: Mapping[str, Any]) -> str:
        loc = tuple(err["loc"])
        name = _dotted(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            model = _model(loc, len(loc) - 1)
            allowed = "、".join(model.model_fields) if model else ""
            return self.problem(
                loc, f"未知字段「{loc[-1]}」（{name}）", f"检查拼写；允许的字段：{allowed}"
            )
        if kind == "missing":
            return self.problem(
                loc, f"缺少必填字段「{loc[-1]}」（{name}）", _hint(loc, "请补上该字段")
            )
        value = err.get("input")
        what = f"字段 {name} 的值 {value!r} 不合要求：{err['msg']}"
        return self.problem(loc, what, _hint(loc, "请按字段说明修改"))


def _dotted(loc: Loc) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _hint(loc: Loc, default: str) -> str:
    """The field's description as the fix ("应为：…"), when the field is known."""
    field = None
    for depth in range(len(loc) - 1, -1, -1):
        key = loc[depth]
        if isinstance(key, str):
            model = _model(loc, depth)
            field = model.model_fields.get(key) if model else None
            break
    if field is None or not field.description:
        return default
    return f"{default}，应为：{field.description}"


def _resolve(
    registry: TaskRegistry, plans: Mapping[str, tuple[date, int]], where: _Locator
) -> tuple[list[str], list[ResolvedTask]]:
    problems: list[str] = []
    resolved: list[ResolvedTask] = []
    seen_ids: set[str] = set()
    seen_plans: set[str] = set()
    for i, task_list in enumerate(registry.task_lists):
        base: Loc = ("task_lists", i)
        problems += _check_plan(task_list.plan, plans, seen_plans, base + ("plan",), where)
        seen_seq: set[int] = set()
        for j, task in enumerate(task_list.tasks):
            loc = base + ("tasks", j)
            problems += _check_task(task, task_list.plan, seen_ids, seen_seq, loc, where)
            if task_list.plan not in plans:
                continue
            issued, year = plans[task_list.plan]
            try:
                deadline = resolve_deadline(task.deadline_text, issued, year)
            except ValueError as exc:
                problems.append(
                    where.problem(loc + ("deadline_text",), str(exc), "改用可识别的完成时限写法")
                )
                continue
            resolved.append(_resolved(task, task_list, deadline))
    return problems, resolved


def _check_plan(
    plan: str, plans: Mapping[str, tuple[date, int]], seen: set[str], loc: Loc, where: _Locator
) -> list[str]:
    problems = []
    if plan not in plans:
        known = "、".join(sorted(plans)) or "（无）"
        fix = f"使用 indicators.yaml 中的计划编号：{known}"
        problems.append(where.problem(loc, f"计划「{plan}」未定义", fix))
    if plan in seen:
        fix = "把同一计划的任务合并到一个列表"
        problems.append(where.problem(loc, f"计划「{plan}」重复出现", fix))
    seen.add(plan)
    return problems


def _check_task(
    task: Task, plan: str, seen_ids: set[str], seen_seq: set[int], loc: Loc, where: _Locator
) -> list[str]:
    problems = []

    def add(key: Loc, what: str, fix: str) -> None:
        problems.append(where.problem(loc + key, what, fix))

    if not task.id.startswith(f"{plan}."):
        add(("id",), f"任务编号「{task.id}」不以「{plan}.」开头", f"改为 {plan}.<编号>")
    if task.id in seen_ids:
        add(("id",), f"任务编号「{task.id}」重复", "改用唯一编号")
    if task.seq in seen_seq:
        add(("seq",), f"序号 {task.seq} 在本计划中重复", "核对原表序号")
    seen_ids.add(task.id)
    seen_seq.add(task.seq)
    for k, unit in enumerate(task.units):
        if not unit.strip():
            add(("units", k), "责任单位为空", "填写单位名称或删除该项")
    if len(set(task.units)) != len(task.units):
        add(("units",), "责任单位重复", "删除重复的单位")
    return problems


def _resolved(task: Task, task_list: TaskList, deadline: Deadline) -> ResolvedTask:
    return ResolvedTask(
        **task.model_dump(exclude={"units"}),
        units=tuple(task.units),
        plan=task_list.plan,
        source=task_list.source,
        due=deadline.due,
        recurring=deadline.recurring,
        deadline_rule=deadline.rule,
    )
