"""Accounts, approval and the audit from the command line.

create-admin, users, user-add, user-disable, user-enable, user-reset, user-role; submit,
approve, reopen, periods; audit, audit-verify. Every command that writes acts as a named
user: ``--user NAME`` plus the password from ``PLANTRACK_PASSWORD`` or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plantrack.auth.actor import Actor
from plantrack.auth.roles import ROLES, parse_role
from plantrack.cli.common import CliError, print_json, workspace
from plantrack.workspace import Workspace

PASSWORD_ENV = "PLANTRACK_PASSWORD"
NEW_PASSWORD_ENV = "PLANTRACK_NEW_PASSWORD"


def _password(prompt: str, env: str = PASSWORD_ENV, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"请设置环境变量 {env}，或在终端中运行以输入密码。")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再输入一次：") != first:
        raise CliError("两次输入的密码不一致。")
    return first


@contextmanager
def acting(args: argparse.Namespace, ws: Workspace) -> Iterator[Actor]:
    """Log in as ``--user`` (password from PLANTRACK_PASSWORD or a prompt) for one command;
    the session ends when the command does."""
    from plantrack.auth.accounts import login, logout

    name = (getattr(args, "user", None) or "").strip()
    if not name:
        raise CliError("写入操作须用 --user 指定账号（并提供密码）。")
    actor = login(ws.store, name, _password(f"{name} 的密码："), method="cli")
    try:
        yield actor
    finally:
        logout(ws.store, actor, audit=False)


def add_user_args(p: argparse.ArgumentParser, help_text: str = "操作人账号") -> None:
    p.add_argument(
        "--user", required=True, help=f"{help_text}（密码取自 {PASSWORD_ENV} 或提示输入）"
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "create-admin", help="创建管理员账号（密码取自 PLANTRACK_PASSWORD 或提示输入）"
    )
    p.add_argument("name", help="用户名，如 admin")
    p.add_argument("--display-name", help="姓名")
    p.set_defaults(func=create_admin)

    p = sub.add_parser("users", help="列出账号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=list_users)

    p = sub.add_parser("user-add", help="新增账号（管理员）")
    p.add_argument("name", help="新账号的用户名")
    p.add_argument("--role", required=True, help=f"角色：{'/'.join(ROLES)}")
    p.add_argument(
        "--department", action="append", default=[], help="所属部门（统计员必填，可多次）"
    )
    p.add_argument("--display-name", help="姓名")
    p.add_argument("--provider", help="统一身份认证（OIDC）提供方（issuer），或 ldap（单位目录）")
    p.add_argument("--subject", help="统一身份认证中的用户标识（sub），或目录中的登录名")
    add_user_args(p, "管理员账号")
    p.set_defaults(func=user_add)

    for cmd, what in (("user-disable", "停用"), ("user-enable", "启用")):
        p = sub.add_parser(cmd, help=f"{what}账号（管理员）")
        p.add_argument("name", help="账号")
        p.add_argument("--reason", help="原因")
        add_user_args(p, "管理员账号")
        p.set_defaults(func=user_disable if cmd == "user-disable" else user_enable)

    p = sub.add_parser(
        "user-reset", help="重设密码并解除锁定（管理员；新密码取自 PLANTRACK_NEW_PASSWORD）"
    )
    p.add_argument("name", help="账号")
    p.add_argument("--reason", help="原因")
    add_user_args(p, "管理员账号")
    p.set_defaults(func=user_reset)

    p = sub.add_parser("user-role", help="修改账号的角色和部门（管理员）")
    p.add_argument("name", help="账号")
    p.add_argument("--role", required=True, help=f"角色：{'/'.join(ROLES)}")
    p.add_argument("--department", action="append", default=[], help="所属部门（可多次）")
    p.add_argument("--reason", help="原因")
    add_user_args(p, "管理员账号")
    p.set_defaults(func=user_role)

    p = sub.add_parser("audit", help="导出审计记录（CSV）")
    p.add_argument("--out", help="保存为 .csv（默认输出到屏幕）")
    p.add_argument("--action", help="只看某操作，如 load / rollback / login")
    p.add_argument("--name", help="只看某账号")
    p.add_argument("--outcome", choices=["ok", "refused"], help="只看成功或被拒绝的")
    add_user_args(p, "管理员账号")
    p.set_defaults(func=audit_export)

    for cmd, what in (("submit", "提交审核"), ("approve", "审核通过并锁定（管理员）"),
                      ("reopen", "重新打开已审核的报告期（管理员，须填原因）")):  # fmt: skip
        p = sub.add_parser(cmd, help=f"部门 × 报告期：{what}")
        p.add_argument("--department", required=True, help="部门，如 区残联")
        p.add_argument("--period", required=True, help="报告期，如 2023Q4")
        p.add_argument("--reason", help="原因（reopen 必填）")
        add_user_args(p)
        p.set_defaults(func=period_step, action=cmd)

    p = sub.add_parser("periods", help="各部门各报告期的审核状态")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=list_periods)

    p = sub.add_parser("audit-verify", help="校验审计记录的哈希链（被改动或删除则退出 1）")
    p.set_defaults(func=audit_verify)


def _departments(ws: Workspace, given: list[str]) -> list[str]:
    from plantrack.auth.scope import all_departments
    from plantrack.departments import normalise_all

    known = all_departments(ws)
    unknown = [d for d in normalise_all(given) if d not in known]
    if unknown:
        raise CliError(
            f"部门 {'、'.join(unknown)} 不在指标或任务的牵头/参与单位中。可用：{'、'.join(known)}"
        )
    return normalise_all(given)


def _role(text: str) -> str:
    role = parse_role(text)
    if role is None:
        raise CliError(f"角色 “{text}” 无效，应为：{'、'.join(ROLES)}。")
    return role


def create_admin(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import create_user
    from plantrack.auth.roles import ADMIN

    ws = workspace(args, create=True)
    password = _password(f"{args.name} 的新密码：", confirm=True)
    create_user(
        ws.store, name=args.name, display_name=args.display_name, role=ADMIN, password=password
    )
    print(f"已创建管理员 {args.name}。")
    return 0


def list_users(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import users

    rows = users(workspace(args).store)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("还没有账号。用 `python -m plantrack create-admin NAME` 创建第一个管理员。")
    for u in rows:
        state = "启用" if u["active"] else "停用"
        depts = "、".join(u["departments"]) or "—"
        print(f"{u['name']:<16} {u['display_name']:<16} {u['role']:<5} {state}  部门：{depts}")
    return 0


def user_add(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import create_user

    ws = workspace(args, create=True)
    role = _role(args.role)
    depts = _departments(ws, args.department)
    with acting(args, ws) as admin:
        password = None
        if not (args.provider and args.subject):
            password = _password(f"{args.name} 的新密码：", NEW_PASSWORD_ENV, confirm=True)
        create_user(
            ws.store, name=args.name, display_name=args.display_name, role=role,
            departments=depts, password=password, provider=args.provider,
            subject=args.subject, by=admin,
        )  # fmt: skip
    print(f"已新增账号 {args.name}（{role}）。")
    return 0


def user_disable(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import disable_user

    ws = workspace(args, create=True)
    with acting(args, ws) as admin:
        disable_user(ws.store, args.name, by=admin, reason=args.reason)
    print(f"已停用账号 {args.name}，其登录已全部失效。")
    return 0


def user_enable(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import enable_user

    ws = workspace(args, create=True)
    with acting(args, ws) as admin:
        enable_user(ws.store, args.name, by=admin, reason=args.reason)
    print(f"已启用账号 {args.name}。")
    return 0


def user_reset(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import reset_password

    ws = workspace(args, create=True)
    with acting(args, ws) as admin:
        password = _password(f"{args.name} 的新密码：", NEW_PASSWORD_ENV, confirm=True)
        reset_password(ws.store, args.name, password, by=admin, reason=args.reason)
    print(f"已重设 {args.name} 的密码并解除锁定。")
    return 0


def user_role(args: argparse.Namespace) -> int:
    from plantrack.auth.accounts import set_role

    ws = workspace(args, create=True)
    role = _role(args.role)
    depts = _departments(ws, args.department)
    with acting(args, ws) as admin:
        set_role(ws.store, args.name, role=role, departments=depts, by=admin, reason=args.reason)
    print(f"已将 {args.name} 设为 {role}。")
    return 0


def audit_export(args: argparse.Namespace) -> int:
    from plantrack.auth.audit import audit_table, to_csv

    ws = workspace(args, create=True)
    with acting(args, ws) as admin:
        table = audit_table(ws.store, admin)
    if args.action:
        table = table[table["action"] == args.action]
    if args.name:
        table = table[table["user_name"] == args.name]
    if args.outcome:
        table = table[table["outcome"] == args.outcome]
    data = to_csv(table)
    if args.out:
        try:
            Path(args.out).write_bytes(data)
        except OSError as exc:
            raise CliError(f"无法写入 {args.out}：{exc.strerror or exc}", 2) from None
        print(f"已导出 {len(table)} 条审计记录：{args.out}")
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0


def audit_verify(args: argparse.Namespace) -> int:
    from plantrack.auth.audit import verify

    result = verify(workspace(args).store)
    if result.ok:
        print(f"审计记录完整：共 {result.rows} 条，哈希链校验通过。")
        return 0
    print(f"审计记录校验失败（共 {result.rows} 条）：", file=sys.stderr)
    for p in result.problems:
        print(f"  {p}", file=sys.stderr)
    return 1


def period_step(args: argparse.Namespace) -> int:
    from plantrack.auth import periods
    from plantrack.auth.roles import Action

    ws = workspace(args, create=True)
    dept = _departments(ws, [args.department])[0]
    with acting(args, ws) as actor:
        status = periods.change(
            ws.store, actor, Action(args.action), dept, args.period, reason=args.reason
        )
    print(f"{dept} {args.period}：{status}。")
    return 0


def list_periods(args: argparse.Namespace) -> int:
    from plantrack.auth import periods

    rows = periods.statuses(workspace(args).store)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("还没有提交或审核过的报告期（均为草稿）。")
    for r in rows:
        reason = f"  原因：{r['reason']}" if r["reason"] else ""
        print(
            f"{r['period']:<8} {r['department']:<14} {r['status']}  {r['changed_by']} {r['changed_at']:%Y-%m-%d %H:%M}{reason}"
        )
    return 0
