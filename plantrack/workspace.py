"""A workspace: the registry, its tasks and the database, opened together.

The CLI, the dashboard and the tests all start here. Opening the demo workspace generates
the demo database on first use; a real database starts empty (read-only commands of the CLI
refuse a missing one instead of creating it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from plantrack import demo
from plantrack.config import Indicator, Plan, Registry, config_hash, load_config
from plantrack.settings import Settings, resolve
from plantrack.store import Store
from plantrack.store.auth_sql import Scope
from plantrack.tasks.plan_tasks import PlanKeyTask, load_plan_tasks
from plantrack.tasks.registry import ResolvedTask, load_tasks


@dataclass
class Workspace:
    settings: Settings
    registry: Registry
    store: Store
    config_hash: str
    _tasks: list[ResolvedTask] | None = field(default=None, repr=False)

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.registry.indicators}

    @cached_property
    def plans(self) -> dict[str, Plan]:
        return {p.id: p for p in self.registry.plans}

    @cached_property
    def area_names(self) -> dict[str, str]:
        areas = [self.registry.areas.district, *self.registry.areas.subareas]
        return {a.code: a.name for a in areas}

    @cached_property
    def scope(self) -> Scope:
        """Which departments own each indicator and task (for rights and period locks)."""
        from plantrack.auth.scope import workspace_scope

        return workspace_scope(self)

    @property
    def district(self) -> str:
        return self.registry.areas.district.code

    @property
    def is_demo(self) -> bool:
        return self.settings.demo or self.store.is_demo

    @property
    def tasks(self) -> list[ResolvedTask]:
        if self._tasks is None:
            path = self.settings.config_path.parent / (self.registry.tasks_file or "")
            if not self.registry.tasks_file or not path.exists():
                self._tasks = []
            else:
                plans = {p.id: (p.issued, p.end_year) for p in self.registry.plans}
                self._tasks = load_tasks(path, plans)
        return self._tasks

    @cached_property
    def plan_tasks(self) -> list[PlanKeyTask]:
        """The key tasks (主要任务) of multi-year plans, from the same task file."""
        if not self.tasks:  # loads and checks the task file first
            return []
        path = self.settings.config_path.parent / (self.registry.tasks_file or "")
        plans = {p.id: (p.start_year, p.end_year) for p in self.registry.plans}
        return load_plan_tasks(path, plans, {i.id: i.plan for i in self.registry.indicators})


def open_workspace(
    db: str | Path | None = None,
    config: str | Path | None = None,
    settings: Settings | None = None,
    *,
    create: bool = True,
) -> Workspace:
    """Load the registry and open the database it goes with.

    A missing demo database is generated. A missing real database is created empty when
    ``create`` (the dashboard, commands that write); otherwise it is an error, so a mistyped
    ``--db`` on a read command does not leave a new empty file behind.
    """
    settings = settings or resolve(db, config)
    registry = load_config(settings.config_path)
    store = Store(settings.database)
    ws = Workspace(
        settings, registry, store, config_hash(settings.config_path, registry.tasks_file)
    )
    if settings.demo and not store.exists():
        fill_demo(ws)
    elif not create and not store.exists():
        raise store.engine.missing()
    else:
        store.ensure_schema()
    return ws


def open_registry(db: str | Path | None = None, config: str | Path | None = None) -> Workspace:
    """The workspace without touching its database: nothing is opened, created or generated
    (a template needs only the registry; stored values are read only if the file exists)."""
    settings = resolve(db, config)
    registry = load_config(settings.config_path)
    return Workspace(
        settings,
        registry,
        Store(settings.database),
        config_hash(settings.config_path, registry.tasks_file),
    )


def fill_demo(ws: Workspace) -> int:
    """Load the synthetic demo into the workspace's database, batch by batch."""
    ws.store.ensure_schema(kind="demo")
    ws.store.mark_demo()
    from plantrack.auth.actor import Actor
    from plantrack.auth.demo import (
        DEMO_APPROVED_THROUGH,
        approve_demo_periods,
        create_demo_accounts,
    )

    system = Actor.system()
    df = demo.generate(ws.registry)
    n = 0
    for when, part in demo.demo_batches(df):
        period = part["period"].iloc[0]
        ws.store.load(
            part,
            actor=system,
            source="demo",
            file_name=f"示例数据 {period}",
            config_hash=ws.config_hash,
            recorded_at=when,
        )
        n += len(part)
    fix = demo.demo_revision(df, ws.district)
    if fix is not None:
        ws.store.load(
            fix,
            actor=system,
            source="demo",
            file_name="示例数据 更正",
            reason="示例：补录抽样调查后更正",
            config_hash=ws.config_hash,
            recorded_at=demo.demo_revision_time(),
        )
    demo_tasks(ws)
    past = df[[end.year <= DEMO_APPROVED_THROUGH for end in df["period_end"]]]
    leads = ws.scope.leads
    pairs = {
        (d, p)
        for i, p in set(zip(past["indicator"], past["period"], strict=True))
        for d in leads.get(i, [])
    }
    approve_demo_periods(ws.store, pairs)
    create_demo_accounts(ws.store)
    return n


def demo_tasks(ws: Workspace) -> None:
    """Synthetic task and milestone progress (filled in by the task module when present)."""
    from plantrack.tasks.demo import fill_task_demo

    fill_task_demo(ws)
