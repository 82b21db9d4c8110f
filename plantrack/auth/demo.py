"""Demo accounts: one per role, created only in the demo database (示例账号). Their
passwords are public on purpose — the login page shows them when, and only when, the
database is the demo. A real database has no account until ``create-admin``."""

from __future__ import annotations

from plantrack.auth.roles import ADMIN, EVALUATOR, LEADER, STATISTICIAN
from plantrack.store import Store

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
