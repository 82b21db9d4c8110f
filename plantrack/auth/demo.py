"""Demo accounts: one per role, created only in the demo database (示例账号). Their
passwords are public on purpose — the login page shows them when, and only when, the
database is the demo. A real database has no account until ``create-admin``."""

from __future__ import annotations

from plantrack.auth.roles import ADMIN, EVALUATOR, LEADER, STATISTICIAN
from plantrack.store import Store

DEMO_APPROVED_THROUGH = 2022  # the demo approves its synthetic periods of these past years

# name, display name, role, departments, password
DEMO_ACCOUNTS: list[tuple[str, str, str, list[str], str]] = [
    ("leader", "示例领导", LEADER, [], "demo-leader-1"),
    ("stat", "示例统计员（区残联）", STATISTICIAN, ["区残联"], "demo-stat-1"),
    ("stat2", "示例统计员（区教育体育局）", STATISTICIAN, ["区教育体育局"], "demo-stat-2"),
    ("evaluator", "示例评估人员", EVALUATOR, [], "demo-eval-1"),
    ("admin", "示例管理员", ADMIN, [], "demo-admin-1"),
]


def create_demo_accounts(store: Store) -> None:
    from plantrack.auth.accounts import create_user, users

    have = {u["name"] for u in users(store)}
    for name, display, role, depts, password in DEMO_ACCOUNTS:
        if name not in have:
            create_user(
                store, name=name, display_name=display, role=role, departments=depts,
                password=password,
            )  # fmt: skip


def approve_demo_periods(store: Store, pairs: set[tuple[str, str]]) -> int:
    """Approve each (department, period) as the demo generator (示例库 only), in one audited
    transaction, so the demo public site has approved figures. Returns how many."""
    from datetime import datetime

    from plantrack.auth.actor import Actor
    from plantrack.auth.roles import Action
    from plantrack.store import auth_sql as sql

    system = Actor.system()
    now = datetime.now()
    with store.guarded(system, Action.APPROVE, "示例数据 审核") as con:
        sql.authorize(con, system, Action.APPROVE, now=now)
        for department, period in sorted(pairs):
            sql.set_period_status(con, department, period, sql.APPROVED, system.name, None, now)
            sql.append_audit(
                con, user_id=None, user_name=system.name, method=system.method,
                action=str(Action.APPROVE), obj=f"{department} {period}",
                before={"status": sql.DRAFT}, after={"status": sql.APPROVED},
                reason="示例数据：模拟的往期数据视为已审核", now=now,
            )  # fmt: skip
    return len(pairs)
