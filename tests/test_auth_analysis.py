"""Causes and measures (报告§四/§五) go through the same write boundary as every other write:
each role against it, a forged or disabled user, the stored name, the CLI as a named user."""

from __future__ import annotations

import pytest

from plantrack.auth import accounts
from plantrack.auth.actor import Actor, PermissionDenied
from plantrack.auth.roles import ADMIN, EVALUATOR, LEADER, STATISTICIAN
from plantrack.cli import main
from plantrack.store.analysis import analysis_history, record_analysis
from plantrack.workspace import Workspace
from tests.conftest import PASSWORD, act_as, add_accounts, cli_env
from tests.test_auth_core import OTHER, OWN, ROLES, audit, indicator_of

ALLOWED = {"stat_own", "evaluator", "admin"}  # 评估人员 edit report narratives, causes included


def write(ws: Workspace, actor: Actor, text: str = "场地改造推迟") -> str:
    return record_analysis(
        ws.store, indicator_of(ws, OWN), ws.district, cause=text, measures="增开培训",
        actor=actor, scope=ws.scope,
    )  # fmt: skip


@pytest.mark.parametrize("who", sorted(ROLES))
def test_each_role_against_causes_and_measures(empty_ws: Workspace, who: str) -> None:
    ws = empty_ws
    role, depts = ROLES[who]
    actor = act_as(ws, role, depts)
    ind = indicator_of(ws, OWN)
    n_audit = len(audit(ws))
    if who in ALLOWED:
        assert write(ws, actor) == actor.name
        hist = analysis_history(ws.store, ind)
        assert hist["user_name"].tolist() == [actor.name]
        last = audit(ws)[-1]
        assert (last["outcome"], last["user_name"], last["action"]) == (
            "ok",
            actor.name,
            "analysis",
        )
        assert "场地改造推迟" in last["after_value"] and last["object"] == f"{ind} {ws.district}"
        return
    with pytest.raises(PermissionDenied) as exc:
        write(ws, actor)
    assert "拒绝填写原因分析和措施" in str(exc.value)
    if who == "stat_other":
        assert "不属于账号" in str(exc.value)
    assert analysis_history(ws.store, ind).empty
    refused = [r for r in audit(ws)[n_audit:] if r["outcome"] == "refused"]
    assert refused and (refused[-1]["user_name"], refused[-1]["action"]) == (actor.name, "analysis")


def test_audit_keeps_the_text_before_and_after(empty_ws: Workspace) -> None:
    ws = empty_ws
    stat = act_as(ws, STATISTICIAN, [OWN])
    write(ws, stat, "第一稿")
    record_analysis(
        ws.store, indicator_of(ws, OWN), ws.district, cause=None, measures="第二稿措施",
        actor=stat, scope=ws.scope,
    )  # fmt: skip
    last = audit(ws)[-1]
    assert "第一稿" in last["before_value"] and "第一稿" in last["after_value"]  # cause kept
    assert "第二稿措施" in last["after_value"] and "第二稿措施" not in last["before_value"]


def test_statistician_without_scope_forged_and_disabled_users_are_refused(
    empty_ws: Workspace,
) -> None:
    ws = empty_ws
    ind = indicator_of(ws, OWN)
    stat = act_as(ws, STATISTICIAN, [OWN], name="王芳")
    with pytest.raises(PermissionDenied, match="无法确定"):  # no scope: a statistician is refused
        record_analysis(ws.store, ind, ws.district, cause="x", measures=None, actor=stat)
    claimed = Actor(stat.user_id, "<script>", "<script>", ADMIN, (), "password", stat.token)
    assert write(ws, claimed) == "王芳"  # name and role come from the users table
    assert set(analysis_history(ws.store, ind)["user_name"]) == {"王芳"}
    admin = act_as(ws)
    forged = Actor(admin.user_id, admin.name, admin.name, ADMIN, (), "password", "forged-token")
    with pytest.raises(PermissionDenied, match="未登录"):
        write(ws, forged)
    accounts.disable_user(ws.store, "王芳")
    with pytest.raises(PermissionDenied):
        write(ws, stat)
    assert len(analysis_history(ws.store, ind)) == 1
    assert [r["outcome"] for r in audit(ws) if r["action"] == "analysis"] == [
        "refused", "ok", "refused", "refused",
    ]  # fmt: skip


def test_cli_acts_as_a_named_user(empty_ws: Workspace, monkeypatch, capsys) -> None:
    ws = empty_ws
    db = str(ws.settings.db_path)
    ind = indicator_of(ws, OWN)
    accounts.create_user(
        ws.store, name="own", role=STATISTICIAN, departments=[OWN], password=PASSWORD
    )
    accounts.create_user(
        ws.store, name="other", role=STATISTICIAN, departments=[OTHER], password=PASSWORD
    )
    add_accounts(ws, "lead", role=LEADER)
    add_accounts(ws, "eva", role=EVALUATOR)
    cli_env(monkeypatch)
    args = ["--db", db, "analysis-set", ind, "--cause", "培训推迟"]
    assert main([*args, "--user", "own"]) == 0
    assert "填报人 own" in capsys.readouterr().out
    assert main([*args, "--user", "eva"]) == 0
    for user, message in (("other", "不属于账号 other"), ("lead", "无此权限")):
        assert main([*args, "--user", user]) == 1
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):  # --user is required (argparse)
        main(args)
    capsys.readouterr()
    cli_env(monkeypatch, "wrong-password")
    assert main([*args, "--user", "own"]) == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    assert analysis_history(ws.store, ind)["user_name"].tolist() == ["own", "eva"]
    rows = [r for r in audit(ws) if r["action"] == "analysis"]
    assert [(r["user_name"], r["outcome"], r["method"]) for r in rows] == [
        ("own", "ok", "cli"), ("eva", "ok", "cli"),
        ("other", "refused", "cli"), ("lead", "refused", "cli"),
    ]  # fmt: skip
