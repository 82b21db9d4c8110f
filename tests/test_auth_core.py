"""Accounts, rights, sessions, period locks and the audit chain — on real DuckDB files."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pytest

from plantrack.auth import accounts
from plantrack.auth import periods as approval
from plantrack.auth.actor import Actor, AuthError, PermissionDenied
from plantrack.auth.audit import verify
from plantrack.auth.roles import ADMIN, EVALUATOR, LEADER, STATISTICIAN, Action
from plantrack.store import auth_sql
from plantrack.store.task_updates import count_updates, record_updates
from plantrack.workspace import Workspace
from tests.conftest import PASSWORD, act_as

OWN = "区残联"
OTHER = "区教育体育局"


def audit(ws: Workspace) -> list[dict]:
    with ws.store._connect(read_only=True) as con:
        return auth_sql.audit_rows(con)


def indicator_of(ws: Workspace, dept: str, sole: bool = False) -> str:
    """An uploadable indicator ``dept`` leads (``sole``: as its only lead department)."""
    return next(
        i.id
        for i in ws.registry.indicators
        if i.uploadable
        and dept in i.lead
        and i.kind != "milestone"
        and (not sole or i.lead == [dept])
    )


def figures(
    ws: Workspace, dept: str = OWN, period: str = "2023Q4", value: float = 1.0, sole: bool = False
):
    from plantrack.periods import parse_period

    return pd.DataFrame(
        {
            "indicator": [indicator_of(ws, dept, sole)],
            "area": [ws.district],
            "period": [period],
            "period_end": [parse_period(period).end],
            "value": [value],
            "note": [None],
        }
    )


def task_of(ws: Workspace, dept: str) -> str:
    """A task or milestone indicator (both take progress updates) of ``dept``."""
    ids = [t.id for t in ws.tasks if dept in t.units]
    ids += [i.id for i in ws.registry.indicators if i.kind == "milestone" and i.lead == [dept]]
    return ids[0]


def one_update(task: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"task_id": task, "status": "进行中", "status_date": "2022-09-01", "note": "x",
          "evidence": None}]
    )  # fmt: skip


ROLES = {
    "leader": (LEADER, ()),
    "stat_own": (STATISTICIAN, (OWN,)),
    "stat_other": (STATISTICIAN, (OTHER,)),
    "evaluator": (EVALUATOR, ()),
    "admin": (ADMIN, ()),
}
# which of the writes each role may do on an 区残联 indicator / task / period
ALLOWED = {
    "load": {"stat_own", "admin"},
    "rollback": {"admin"},
    "task_update": {"stat_own", "admin"},
    "submit": {"stat_own", "admin"},
    "approve": {"admin"},
}


def do_write(ws: Workspace, write: str, actor: Actor, batch: int) -> None:
    if write == "load":
        ws.store.load(figures(ws, value=7.0), actor=actor, source="t", scope=ws.scope)
    elif write == "rollback":
        ws.store.rollback(batch, actor=actor, reason="误报", scope=ws.scope)
    elif write == "task_update":
        record_updates(ws.store, one_update(task_of(ws, OWN)), actor=actor, scope=ws.scope)
    elif write == "submit":
        approval.change(ws.store, actor, Action.SUBMIT, OWN, "2023Q4")
    elif write == "approve":
        approval.change(ws.store, act_as(ws), Action.SUBMIT, OWN, "2023Q4")
        approval.change(ws.store, actor, Action.APPROVE, OWN, "2023Q4")


@pytest.mark.parametrize("write", sorted(ALLOWED))
@pytest.mark.parametrize("who", sorted(ROLES))
def test_each_role_against_each_write(empty_ws: Workspace, who: str, write: str) -> None:
    ws = empty_ws
    batch = ws.store.load(figures(ws), actor=act_as(ws), source="t", scope=ws.scope).batch_id
    role, depts = ROLES[who]
    actor = act_as(ws, role, depts)
    before = (ws.store.counts(), count_updates(ws.store), len(approval.statuses(ws.store)))
    n_audit = len(audit(ws))
    if who in ALLOWED[write]:
        do_write(ws, write, actor, batch)
        last = audit(ws)[-1]
        assert (last["outcome"], last["user_name"], last["action"]) == ("ok", actor.name, write)
        return
    with pytest.raises(PermissionDenied) as exc:
        do_write(ws, write, actor, batch)
    assert "拒绝" in str(exc.value)
    if who == "stat_other":
        assert "不属于账号" in str(exc.value) or "无此权限" in str(exc.value)
    rows = audit(ws)
    refused = [r for r in rows[n_audit:] if r["outcome"] == "refused"]
    assert refused and refused[-1]["user_name"] == actor.name and refused[-1]["action"] == write
    after = (ws.store.counts(), count_updates(ws.store), len(approval.statuses(ws.store)))
    if write != "approve":  # approve's setup submitted the period as admin
        assert after == before


def test_stored_name_is_the_accounts_not_the_callers(empty_ws: Workspace) -> None:
    ws = empty_ws
    real = act_as(ws, STATISTICIAN, [OWN], name="王芳")
    claimed = Actor(real.user_id, "<script>", "<script>", ADMIN, (), "password", real.token)
    ws.store.load(figures(ws), actor=claimed, source="t", scope=ws.scope)
    assert set(ws.store.current()["user_name"]) == {"王芳"}
    with pytest.raises(PermissionDenied, match="无此权限"):  # the role comes from the database
        ws.store.rollback(1, actor=claimed, reason="r")


def test_forged_actor_without_a_session_is_refused_and_audited(empty_ws: Workspace) -> None:
    ws = empty_ws
    admin = act_as(ws)
    forged = Actor(admin.user_id, admin.name, admin.name, ADMIN, (), "password", "forged-token")
    with pytest.raises(PermissionDenied, match="未登录"):
        ws.store.load(figures(ws), actor=forged, source="t", scope=ws.scope)
    with pytest.raises(PermissionDenied):
        ws.store.load(figures(ws), actor=Actor.system(), source="t")  # not a demo database
    assert ws.store.counts()["observations"] == 0
    assert [r["outcome"] for r in audit(ws)[-2:]] == ["refused", "refused"]


def test_user_disabled_after_login_is_refused_at_the_write(empty_ws: Workspace) -> None:
    ws = empty_ws
    stat = act_as(ws, STATISTICIAN, [OWN])
    accounts.disable_user(ws.store, stat.name)
    with pytest.raises(PermissionDenied):
        ws.store.load(figures(ws), actor=stat, source="t", scope=ws.scope)
    assert accounts.resolve(ws.store, stat.token) is None
    with pytest.raises(AuthError, match="已停用"):
        accounts.login(ws.store, stat.name, PASSWORD)


def test_session_idle_and_absolute_timeouts_and_logout(empty_ws: Workspace) -> None:
    store = empty_ws.store
    act_as(empty_ws, LEADER)
    t0 = datetime(2026, 1, 5, 9, 0)
    a = accounts.login(store, "tleader", PASSWORD, now=t0)
    assert accounts.resolve(store, a.token, now=t0 + timedelta(minutes=29)) is not None
    assert accounts.resolve(store, a.token, now=t0 + timedelta(minutes=58)) is not None  # idle 29
    assert accounts.resolve(store, a.token, now=t0 + timedelta(minutes=89)) is None  # idle 31
    b = accounts.login(store, "tleader", PASSWORD, now=t0)
    now = t0
    for _ in range(30):  # active every 20 minutes: still ends after 8 hours
        now += timedelta(minutes=20)
        if accounts.resolve(store, b.token, now=now) is None:
            break
    assert timedelta(hours=7, minutes=40) <= now - t0 <= timedelta(hours=8)
    c = accounts.login(store, "tleader", PASSWORD)
    accounts.logout(store, c)
    assert accounts.resolve(store, c.token) is None
    with store._connect(read_only=True) as con:
        hashes = [r[0] for r in con.execute("SELECT token_hash FROM sessions").fetchall()]
    assert all(len(h) == 64 for h in hashes) and c.token not in hashes


def test_lockout_after_five_failures(empty_ws: Workspace) -> None:
    store = empty_ws.store
    act_as(empty_ws, EVALUATOR)
    t0 = datetime(2026, 1, 5, 9, 0)
    for _ in range(5):
        with pytest.raises(AuthError, match="用户名或密码错误"):
            accounts.login(store, "teval", "wrong-password", now=t0)
    with pytest.raises(AuthError, match="已锁定"):
        accounts.login(store, "teval", PASSWORD, now=t0 + timedelta(minutes=1))
    assert accounts.login(store, "teval", PASSWORD, now=t0 + timedelta(minutes=16)).token
    with pytest.raises(AuthError, match="用户名或密码错误"):
        accounts.login(store, "<script>", "x")
    assert sum(r["action"] == "login" and r["outcome"] == "refused" for r in audit(empty_ws)) == 7


def test_approved_period_is_locked_until_reopened_with_a_reason(empty_ws: Workspace) -> None:
    ws = empty_ws
    admin, stat = act_as(ws), act_as(ws, STATISTICIAN, [OWN])
    ws.store.load(figures(ws), actor=stat, source="t", scope=ws.scope)
    assert approval.change(ws.store, stat, Action.SUBMIT, OWN, "2023Q4") == "已提交"
    with pytest.raises(PermissionDenied):
        approval.change(ws.store, stat, Action.APPROVE, OWN, "2023Q4")
    assert approval.change(ws.store, admin, Action.APPROVE, OWN, "2023Q4") == "已审核"
    for actor in (stat, admin):
        with pytest.raises(PermissionDenied, match="已审核锁定"):
            ws.store.load(figures(ws, value=2.0), actor=actor, source="t", scope=ws.scope)
    ws.store.load(figures(ws, period="2024Q1"), actor=stat, source="t", scope=ws.scope)
    with pytest.raises(PermissionDenied, match="已审核锁定"):
        ws.store.rollback(1, actor=admin, reason="误报", scope=ws.scope)
    with pytest.raises(Exception, match="原因"):
        approval.change(ws.store, admin, Action.REOPEN, OWN, "2023Q4")
    approval.change(ws.store, admin, Action.REOPEN, OWN, "2023Q4", reason="统计局反馈更正")
    s = ws.store.load(figures(ws, value=2.0), actor=stat, source="t", scope=ws.scope)
    assert s.revised == 1
    reopen = next(r for r in audit(ws) if r["action"] == "reopen")
    assert reopen["reason"] == "统计局反馈更正" and "已审核" in reopen["before_value"]


def test_audit_chain_verifies_and_detects_tampering(empty_ws: Workspace) -> None:
    ws = empty_ws
    admin = act_as(ws)
    for v in (1.0, 2.0, 3.0):
        ws.store.load(figures(ws, value=v), actor=admin, source="t", scope=ws.scope)
    result = verify(ws.store)
    assert result.ok and result.rows >= 4
    path = str(ws.settings.db_path)
    con = duckdb.connect(path)
    con.execute("UPDATE audit SET user_name = 'someone' WHERE id = 2")
    con.close()
    bad = verify(ws.store)
    assert not bad.ok and any("第 2 条的内容与其哈希不符" in p for p in bad.problems)


def test_audit_chain_detects_deleted_rows(empty_ws: Workspace) -> None:
    ws = empty_ws
    admin = act_as(ws)
    for v in (1.0, 2.0, 3.0):
        ws.store.load(figures(ws, value=v), actor=admin, source="t", scope=ws.scope)
    con = duckdb.connect(str(ws.settings.db_path))
    con.execute("DELETE FROM audit WHERE id = 3")
    con.close()
    assert any("缺失" in p for p in verify(ws.store).problems)
    con = duckdb.connect(str(ws.settings.db_path))
    con.execute("DELETE FROM audit WHERE id >= 3")  # drop the tail: the chain alone looks fine
    con.close()
    assert any("链头" in p for p in verify(ws.store).problems)


def test_current_can_read_approved_figures_only(empty_ws: Workspace) -> None:
    """An indicator led by OWN alone (with two lead departments both must approve: see
    tests/test_auth_overview.py)."""
    ws = empty_ws
    admin, stat = act_as(ws), act_as(ws, STATISTICIAN, [OWN])
    ws.store.load(figures(ws, sole=True, value=1.0), actor=stat, source="t", scope=ws.scope)
    assert ws.store.current(approved_only=ws.scope).empty  # nothing approved yet
    approval.change(ws.store, stat, Action.SUBMIT, OWN, "2023Q4")
    approval.change(ws.store, admin, Action.APPROVE, OWN, "2023Q4")
    approval.change(ws.store, admin, Action.REOPEN, OWN, "2023Q4", reason="更正")
    ws.store.load(figures(ws, sole=True, value=5.0), actor=stat, source="t", scope=ws.scope)
    assert ws.store.current(approved_only=ws.scope).empty  # reopened: not approved now
    approval.change(ws.store, stat, Action.SUBMIT, OWN, "2023Q4")
    approval.change(ws.store, admin, Action.APPROVE, OWN, "2023Q4")
    ws.store.load(
        figures(ws, period="2024Q1", value=9.0, sole=True), actor=stat, source="t", scope=ws.scope
    )
    approved = ws.store.current(approved_only=ws.scope)
    assert approved["value"].tolist() == [5.0] and approved["period"].tolist() == ["2023Q4"]
    assert sorted(ws.store.current()["value"].tolist()) == [5.0, 9.0]


def test_oidc_identity_maps_to_the_users_table(empty_ws: Workspace) -> None:
    """What st.login returns (issuer, subject) only says who; rights come from PlanTrack."""
    store = empty_ws.store
    accounts.create_user(
        store, name="li", role=STATISTICIAN, departments=[OWN],
        provider="https://idp.example", subject="u-123",
    )  # fmt: skip
    actor = accounts.login_identity(store, "https://idp.example", "u-123")
    assert (actor.name, actor.role, actor.departments, actor.method) == (
        "li", STATISTICIAN, (OWN,), "oidc",
    )  # fmt: skip
    with pytest.raises(AuthError, match="尚未在 PlanTrack 开通"):
        accounts.login_identity(store, "https://other.example", "u-123")
    with pytest.raises(AuthError, match="用户名或密码错误"):  # no password: OIDC only
        accounts.login(store, "li", "")
    accounts.disable_user(store, "li")
    with pytest.raises(AuthError, match="已停用"):
        accounts.login_identity(store, "https://idp.example", "u-123")


def test_postgresql_refuses_edits_of_audit_rows(pg_url: str) -> None:
    from plantrack.store import Store

    store = Store(pg_url)
    store.ensure_schema()
    act_as(store)  # creating and logging in an account writes audit rows
    for statement in ("UPDATE audit SET reason = 'x'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="只能追加"), store.transaction() as con:
            con.execute(statement)
    assert verify(store).ok
