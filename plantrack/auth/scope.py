"""Who owns what, from the registry: the :class:`~plantrack.store.auth_sql.Scope` a write
is checked against (a statistician acts only on indicators and tasks whose lead or
participating department — or responsible unit — is one of theirs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantrack.departments import normalise_all
from plantrack.store.auth_sql import Scope

if TYPE_CHECKING:
    from plantrack.workspace import Workspace


def workspace_scope(ws: Workspace) -> Scope:
    owners: dict[str, list[str]] = {}
    leads: dict[str, list[str]] = {}
    for ind in ws.registry.indicators:
        owners[ind.id] = normalise_all([*ind.lead, *ind.participating])
        leads[ind.id] = normalise_all(ind.lead)
    for task in ws.tasks:
        owners[task.id] = normalise_all(task.units)
    return Scope(owners=owners, leads=leads)


def all_departments(ws: Workspace) -> list[str]:
    """Every department named by an indicator or a task, normalised, sorted."""
    names: set[str] = set()
    for depts in workspace_scope(ws).owners.values():
        names.update(depts)
    return sorted(names)
