"""Approval of a department's figures for a period: 草稿 → 已提交 → 已审核.

An approved department × period is locked: every write to an indicator that department
leads, for that period, is refused (inside the write's transaction) until an admin reopens
it with a reason. Each step is audited with the status before and after.
"""

from __future__ import annotations

from datetime import datetime

from plantrack.auth.actor import Actor, PermissionDenied
from plantrack.auth.roles import Action
from plantrack.departments import normalise
from plantrack.periods import parse_period
from plantrack.store import Store, StoreError
from plantrack.store import auth_sql as sql
from plantrack.store.auth_sql import APPROVED, DRAFT, SUBMITTED

STEPS = {
    Action.SUBMIT: ((DRAFT,), SUBMITTED),
    Action.APPROVE: ((SUBMITTED,), APPROVED),
    Action.REOPEN: ((APPROVED,), DRAFT),
}


def change(
    store: Store,
    actor: Actor,
    action: Action,
    department: str,
    period: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> str:
    """Move a department × period one step; returns the new status. Refusals are audited."""
    department = normalise(department)
    parsed = parse_period(period)
    if parsed is None:
        raise StoreError(f"报告期 “{period}” 无法识别，请写成 2024Q1 或 2024。")
    period = str(parsed)
    reason = (reason or "").strip() or None
    if action == Action.REOPEN and not reason:
        raise StoreError("重新打开已审核的报告期须填写原因（--reason）。")
    sources, target = STEPS[action]
    obj = f"{department} {period}"
    now = now or datetime.now()
    with store.guarded(actor, action, obj, reason) as con:
        owners = {department: [department]}
        user = sql.authorize(con, actor, action, owners=owners, now=now)
        row = sql.period_status(con, department, period)
        status = row["status"] if row else DRAFT
        if status not in sources:
            raise PermissionDenied(
                f"{obj} 当前状态为“{status}”，不能{_verb(action)}（须为“{'、'.join(sources)}”）。"
            )
        sql.set_period_status(con, department, period, target, str(user["name"]), reason, now)
        store.bump_data_version(con)  # approved-only views (overview, public site) refresh
        sql.append_audit(
            con, user_id=actor.user_id or None, user_name=str(user["name"]), method=actor.method,
            action=str(action), obj=obj, before={"status": status}, after={"status": target},
            reason=reason, now=now,
        )  # fmt: skip
    return target


def _verb(action: Action) -> str:
    return {Action.SUBMIT: "提交", Action.APPROVE: "审核通过", Action.REOPEN: "重新打开"}[action]


def statuses(store: Store) -> list[dict]:
    with store._connect(read_only=True) as con:
        return sql.period_statuses(con)
