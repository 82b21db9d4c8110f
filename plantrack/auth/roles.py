"""Roles and what each may do. Statisticians are further limited to their departments.

| action | 领导 | 统计员 | 评估人员 | 管理员 |
|---|---|---|---|---|
| read dashboards, tasks, reports | ✓ | ✓ | ✓ | ✓ |
| load / correct figures (own departments) | | ✓ | | ✓ |
| record task progress, bulk task load (own units) | | ✓ | | ✓ |
| submit a department × period | | ✓ | | ✓ |
| causes and measures of an indicator (报告§四/§五) | | ✓ own | ✓ | ✓ |
| edit report narratives, export reports | | | ✓ | ✓ |
| roll back a batch, approve / reopen a period, manage users, read the audit | | | | ✓ |

Causes and measures (:data:`Action.ANALYSIS`) are filled by the lead department, so a
statistician may write them for indicators whose lead or participating department is one of
theirs; an evaluator may write them for any indicator, since they are part of the report's
narrative (§四 problems, §五 next steps) that evaluators edit; a leader only reads.
"""

from __future__ import annotations

from enum import StrEnum

LEADER = "领导"
STATISTICIAN = "统计员"
EVALUATOR = "评估人员"
ADMIN = "管理员"
ROLES = (LEADER, STATISTICIAN, EVALUATOR, ADMIN)
ROLE_ALIASES = {"leader": LEADER, "statistician": STATISTICIAN, "evaluator": EVALUATOR}
ROLE_ALIASES |= {"admin": ADMIN} | {r: r for r in ROLES}


class Action(StrEnum):
    LOAD = "load"
    ROLLBACK = "rollback"
    TASK_UPDATE = "task_update"
    SUBMIT = "submit"
    APPROVE = "approve"
    REOPEN = "reopen"
    EDIT_REPORT = "edit_report"
    ANALYSIS = "analysis"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"


ACTION_NAMES = {
    Action.LOAD: "上报或更正数据",
    Action.ROLLBACK: "回滚批次",
    Action.TASK_UPDATE: "记录任务进展",
    Action.SUBMIT: "提交审核",
    Action.APPROVE: "审核通过",
    Action.REOPEN: "重新打开已审核期",
    Action.EDIT_REPORT: "编辑报告文字",
    Action.ANALYSIS: "填写原因分析和措施",
    Action.MANAGE_USERS: "管理用户",
    Action.READ_AUDIT: "查看审计记录",
}

ALLOWED: dict[str, frozenset[Action]] = {
    LEADER: frozenset(),
    STATISTICIAN: frozenset({Action.LOAD, Action.TASK_UPDATE, Action.SUBMIT, Action.ANALYSIS}),
    EVALUATOR: frozenset({Action.EDIT_REPORT, Action.ANALYSIS}),
    ADMIN: frozenset(Action),
}
# actions a statistician may take only on objects of one of their departments
SCOPED = frozenset({Action.LOAD, Action.TASK_UPDATE, Action.SUBMIT, Action.ANALYSIS})


def parse_role(text: str) -> str | None:
    return ROLE_ALIASES.get(str(text).strip().lower()) or ROLE_ALIASES.get(str(text).strip())


def allows(role: str, action: Action | str) -> bool:
    return Action(action) in ALLOWED.get(role, frozenset())


def in_scope(role: str, departments: tuple[str, ...] | list[str], owners: list[str]) -> bool:
    """May a user of ``role`` with ``departments`` act on an object owned by ``owners``
    (its lead and participating departments, normalised)? Only statisticians are scoped."""
    if role != STATISTICIAN:
        return True
    return bool(set(departments) & set(owners))
