"""The ``plan_tasks`` section of ``registry/tasks.yaml``: the key tasks (主要任务 / 重点任务) of
a multi-year plan, clause by clause, with lead and participating departments and the
indicators each clause serves. Validated here; loaded by :mod:`plantrack.tasks.plan_tasks`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

TITLE_MAX = 30


class PlanTask(BaseModel):
    """One clause of a plan's 主要任务 / 重点任务 section."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="任务编号，形如 <plan>.k01 / task id")
    seq: int = Field(ge=1, description="序号 / order in the plan")
    section: str = Field(min_length=1, description="条款编号，如 三、（一）1. / clause number")
    category: str = Field(min_length=1, description="所属（一）（二）标题 / heading of the group")
    title: str = Field(
        min_length=1, max_length=TITLE_MAX, description=f"条款标题（≤{TITLE_MAX}字）/ title"
    )
    text: str = Field(min_length=1, description="条款全文 / clause text")
    lead: list[str] = Field(min_length=1, description="牵头部门（至少一个）/ lead departments")
    participating: list[str] = Field(
        default_factory=list, description="参与部门 / participating departments"
    )
    units_note: str | None = Field(default=None, description="部门原文 / units as printed")
    start_year: int | None = Field(default=None, description="起始年，默认为规划起始年")
    end_year: int | None = Field(default=None, description="结束年，默认为规划结束年")
    indicators: list[str] = Field(
        default_factory=list, description="服务的指标编号 / indicators the clause serves"
    )


class PlanTaskList(BaseModel):
    """The key tasks of one plan."""

    model_config = ConfigDict(extra="forbid")

    plan: str = Field(min_length=1, description="计划编号（indicators.yaml 中的 id）/ plan id")
    source: str = Field(min_length=1, description="出处（章节）/ section of the plan")
    tasks: list[PlanTask] = Field(min_length=1, description="任务列表 / the tasks")
