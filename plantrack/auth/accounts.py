"""Users, logins and server-side sessions.

A login (password, OIDC identity or CLI credentials) creates a session: a random token the
client keeps and of which only the sha256 is stored, with an idle and an absolute time-out.
:func:`resolve` turns a token back into an :class:`Actor` on every page run; :func:`logout`
deletes the session. Five wrong passwords in a row lock the account for 15 minutes. Every
login, refusal and change of an account is audited.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from plantrack.auth import ldap
from plantrack.auth.actor import Actor, AuthError, PermissionDenied
from plantrack.auth.passwords import hash_password, password_problem, verify_password
from plantrack.auth.roles import ADMIN, ROLES, STATISTICIAN, Action
from plantrack.departments import normalise_all
from plantrack.store import Store, StoreError
from plantrack.store import auth_sql as sql

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)
NAME_RE = re.compile(r"^[\w.@-]{1,64}$")
CLI_OPERATOR = "系统管理命令"


@cache
def _dummy() -> str:
    """A hash to check unknown names against (same time as a real check); made on first
    use, not at import (an argon2 hash costs ~0.1 s of every server's cold start)."""
    return hash_password("not-a-real-password")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise StoreError(
            f"用户名 “{name[:40]}” 不可用：须为 1–64 个字母、数字、汉字或 . _ - @，不含空格。"
        )
    return name


def _actor(user: dict, method: str, token: str | None) -> Actor:
    return Actor(
        int(user["id"]),
        str(user["name"]),
        str(user["display_name"]),
        str(user["role"]),
        tuple(user["departments"]),
        method,
        token,
    )


def _public(user: dict | None) -> dict | None:
    if user is None:
        return None
    keep = ("name", "display_name", "role", "departments", "active", "provider", "subject")
    return {k: list(user[k]) if k == "departments" else user[k] for k in keep}


def _check_admin(con, by: Actor | None) -> tuple[int | None, str, str]:
    """The audit identity of an account change: an admin's session, or the local operator
    (``by=None``: ``create-admin`` and ``init-demo`` run with access to the database file)."""
    if by is None:
        return None, CLI_OPERATOR, "cli"
    user = sql.authorize(con, by, Action.MANAGE_USERS)
    return by.user_id, str(user["name"]), by.method


def create_user(
    store: Store,
    *,
    name: str,
    role: str,
    display_name: str | None = None,
    departments: Sequence[str] = (),
    password: str | None = None,
    provider: str | None = None,
    subject: str | None = None,
    by: Actor | None = None,
    check_password: bool = True,
    now: datetime | None = None,
) -> int:
    """Add an account; ``by`` is the admin doing it (None: the local operator)."""
    name = check_name(name)
    if role not in ROLES:
        raise StoreError(f"角色 “{role}” 无效，应为：{'、'.join(ROLES)}。")
    depts = normalise_all(departments)
    if role == STATISTICIAN and not depts:
        raise StoreError("统计员须至少属于一个部门（--department）。")
    if password is None and not (provider and subject):
        raise StoreError("请设置密码，或指定统一身份认证的 provider 和 subject。")
    if password is not None and check_password:
        problem = password_problem(password)
        if problem:
            raise StoreError(problem)
    now = now or datetime.now()
    pw_hash = hash_password(password) if password is not None else None
    obj = f"用户 {name}"
    store.ensure_schema()
    try:
        with store._transaction() as con:
            uid, who, method = _check_admin(con, by)
            if sql.user_by_name(con, name) is not None:
                raise StoreError(f"用户名 {name} 已存在。")
            if provider and subject and sql.user_by_identity(con, provider, subject):
                raise StoreError(f"身份 {provider}/{subject} 已绑定其他账号。")
            user_id = sql.insert_user(
                con,
                name=name,
                display_name=(display_name or name).strip(),
                role=role,
                departments=depts,
                password_hash=pw_hash,
                provider=provider,
                subject=subject,
                now=now,
            )
            after = _public(sql.user_by_id(con, user_id))
            sql.append_audit(
                con, user_id=uid, user_name=who, method=method, action="user_add", obj=obj,
                after=after, now=now,
            )  # fmt: skip
    except PermissionDenied as exc:
        _refuse(store, by, "user_add", obj, exc)
        raise
    return user_id


def _refuse(store: Store, by: Actor | None, action: str, obj: str, exc: Exception) -> None:
    if by is not None:
        store.audit_refusal(by, action, obj, str(exc))


def _change_user(
    store: Store,
    name: str,
    action: str,
    by: Actor | None,
    reason: str | None = None,
    **fields: object,
) -> None:
    obj = f"用户 {name}"
    store.ensure_schema()
    try:
        with store._transaction() as con:
            uid, who, method = _check_admin(con, by)
            user = sql.user_by_name(con, name)
            if user is None:
                raise StoreError(f"没有用户 {name}。用 `python -m plantrack users` 查看。")
            if by is not None and user["id"] == by.user_id and fields.get("active") is False:
                raise StoreError("不能停用自己的账号。")
            sql.set_user_fields(con, int(user["id"]), **fields)
            sql.delete_user_sessions(con, int(user["id"]))  # changed rights: log in again
            sql.append_audit(
                con, user_id=uid, user_name=who, method=method, action=action, obj=obj,
                before=_public(user), after=_public(sql.user_by_id(con, int(user["id"]))),
                reason=reason,
            )  # fmt: skip
    except PermissionDenied as exc:
        _refuse(store, by, action, obj, exc)
        raise


def disable_user(store: Store, name: str, *, by: Actor | None = None, reason: str | None = None):
    _change_user(store, name, "user_disable", by, reason, active=False)


def enable_user(store: Store, name: str, *, by: Actor | None = None, reason: str | None = None):
    _change_user(store, name, "user_enable", by, reason, active=True)


def reset_password(
    store: Store, name: str, password: str, *, by: Actor | None = None, reason: str | None = None
) -> None:
    problem = password_problem(password)
    if problem:
        raise StoreError(problem)
    _change_user(
        store, name, "user_reset", by, reason,
        password_hash=hash_password(password), failed_logins=0, locked_until=None,
    )  # fmt: skip


def set_role(
    store: Store,
    name: str,
    *,
    role: str,
    departments: Sequence[str],
    by: Actor | None = None,
    reason: str | None = None,
) -> None:
    if role not in ROLES:
        raise StoreError(f"角色 “{role}” 无效，应为：{'、'.join(ROLES)}。")
    depts = normalise_all(departments)
    if role == STATISTICIAN and not depts:
        raise StoreError("统计员须至少属于一个部门。")
    _change_user(store, name, "user_role", by, reason, role=role, departments=depts)


def users(store: Store) -> list[dict]:
    """Every account (password hashes left out)."""
    with store._connect(read_only=True) as con:
        rows = sql.list_users(con)
    for u in rows:
        u.pop("password_hash", None)
    return rows


def has_admin(store: Store) -> bool:
    return any(u["role"] == ADMIN and u["active"] for u in users(store))


# -- logging in -------------------------------------------------------------------------
def login(
    store: Store, name: str, password: str, *, method: str = "password", now: datetime | None = None
) -> Actor:
    """Check a password and open a session; raise :class:`AuthError` (audited) otherwise."""
    now = now or datetime.now()
    name = (name or "").strip()
    store.ensure_schema()
    with store._transaction() as con:
        user = sql.user_by_name(con, name)
        error = None
        directory = ldap.config() if user is not None and _is_ldap(user) else None
        if directory is not None and method == "password":
            method = "ldap"
        if user is None or not (user["password_hash"] or directory):
            verify_password(_dummy(), password or "x")  # same time as a real check
            error = "用户名或密码错误。"
        elif user["locked_until"] is not None and user["locked_until"] > now:
            error = (
                f"账号 {name} 因连续 {MAX_FAILURES} 次密码错误已锁定至 "
                f"{user['locked_until']:%H:%M}，请稍后再试或请管理员重置密码。"
            )
        elif (right := _password_ok(user, directory, password)) is None:
            error = "单位目录服务器（LDAP）暂时无法连接，请稍后再试或联系管理员。"
        elif not right:
            failures = int(user["failed_logins"]) + 1
            error = "用户名或密码错误。"
            if failures >= MAX_FAILURES:
                sql.set_user_fields(
                    con, int(user["id"]), failed_logins=0, locked_until=now + LOCK_FOR
                )
                error += f"连续 {MAX_FAILURES} 次错误，账号已锁定 {LOCK_FOR.seconds // 60} 分钟。"
            else:
                sql.set_user_fields(con, int(user["id"]), failed_logins=failures)
        elif not user["active"]:
            error = f"账号 {name} 已停用，请联系管理员。"
        uid = int(user["id"]) if user else None
        if error is not None:
            sql.append_audit(
                con, user_id=uid, user_name=name[:64] or "（空）", method=method, action="login",
                obj=f"用户 {name[:64]}", after={"message": error}, outcome="refused", now=now,
            )  # fmt: skip
        else:
            assert user is not None
            sql.set_user_fields(con, int(user["id"]), failed_logins=0, locked_until=None)
            token = secrets.token_urlsafe(32)
            sql.delete_expired_sessions(con, now)
            sql.insert_session(con, token, int(user["id"]), method, now)
            sql.append_audit(
                con, user_id=uid, user_name=name, method=method, action="login",
                obj=f"用户 {name}", now=now,
            )  # fmt: skip
    if error is not None:
        raise AuthError(error)
    assert user is not None
    return _actor(user, method, token)


def _is_ldap(user: dict) -> bool:
    return user["provider"] == ldap.PROVIDER and bool(user["subject"])


def _password_ok(user: dict, directory: ldap.LdapConfig | None, password: str) -> bool | None:
    """The local argon2id hash, or for a directory account the directory's answer (None:
    the directory cannot be reached — not counted as a wrong password)."""
    if directory is None:
        return verify_password(user["password_hash"], password or "")
    try:
        return ldap.check_password(directory, str(user["subject"]), password or "")
    except ldap.DirectoryUnavailable:
        return None


def login_identity(
    store: Store, provider: str, subject: str, *, now: datetime | None = None
) -> Actor:
    """Open a session for an identity the OIDC provider vouched for; role, departments and
    active status come from PlanTrack's users table (matched on provider and subject)."""
    now = now or datetime.now()
    store.ensure_schema()
    with store._transaction() as con:
        user = sql.user_by_identity(con, provider, subject)
        error = None
        if user is None:
            error = f"统一身份认证账号（{subject}）尚未在 PlanTrack 开通，请联系管理员。"
        elif not user["active"]:
            error = f"账号 {user['name']} 已停用，请联系管理员。"
        name = str(user["name"]) if user else f"{provider}:{subject}"[:64]
        uid = int(user["id"]) if user else None
        if error is not None:
            sql.append_audit(
                con, user_id=uid, user_name=name, method="oidc", action="login",
                obj=f"用户 {name}", after={"message": error}, outcome="refused", now=now,
            )  # fmt: skip
        else:
            token = secrets.token_urlsafe(32)
            sql.insert_session(con, token, int(uid or 0), "oidc", now)
            sql.append_audit(
                con, user_id=uid, user_name=name, method="oidc", action="login",
                obj=f"用户 {name}", now=now,
            )  # fmt: skip
    if error is not None:
        raise AuthError(error)
    assert user is not None
    return _actor(user, "oidc", token)


def resolve(store: Store, token: str | None, *, now: datetime | None = None) -> Actor | None:
    """The user of a live session, read from the database (None: no, expired or ended
    session, or a disabled account). Refreshes the idle time-out."""
    if not token or not isinstance(token, str) or not store.exists():
        return None
    now = now or datetime.now()
    # every run of every page asks: read first, write only to refresh or end the session
    # (a write costs a read-write connection and, for DuckDB, closes the shared reader)
    with store.connect(read_only=True) as con:
        session = sql.session_row(con, token)
        user = sql.user_by_id(con, int(session["user_id"])) if session is not None else None
    if session is None:
        return None
    if (
        user is not None
        and user["active"]
        and not sql.session_expired(session, now)
        and now - session["last_seen"] < TOUCH_EVERY
    ):
        return _actor(user, str(session["method"]), token)
    with store._transaction() as con:
        session = sql.session_row(con, token)
        if session is None:
            return None
        if sql.session_expired(session, now):
            sql.delete_session(con, token)
            return None
        user = sql.user_by_id(con, int(session["user_id"]))
        if user is None or not user["active"]:
            sql.delete_session(con, token)
            return None
        if now - session["last_seen"] >= TOUCH_EVERY:
            sql.touch_session(con, token, now)
    return _actor(user, str(session["method"]), token)


def logout(store: Store, actor: Actor | None, *, audit: bool = True) -> None:
    """End the session for good (the token no longer resolves)."""
    if actor is None or not actor.token or not store.exists():
        return
    with store._transaction() as con:
        found = sql.session_row(con, actor.token) is not None
        sql.delete_session(con, actor.token)
        if found and audit:
            sql.append_audit(
                con, user_id=actor.user_id, user_name=actor.name, method=actor.method,
                action="logout", obj=f"用户 {actor.name}",
            )  # fmt: skip


def script_actor(store: Store, name: str, password: str, role: str = ADMIN) -> Actor:
    """For benchmarks and scripts run by the operator: the account ``name`` (created with
    ``role`` by the local operator if missing), logged in."""
    if name not in {u["name"] for u in users(store)}:
        create_user(store, name=name, role=role, password=password)
    return login(store, name, password, method="cli")
