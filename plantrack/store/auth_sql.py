"""SQL of accounts, sessions, period status and the audit trail.

Everything here takes an open connection, so callers put it in the same transaction as the
write it guards. SQL is kept to the subset DuckDB and PostgreSQL share (no lists, no
DuckDB-only functions; JSON is stored as text).

:func:`authorize` is the real boundary of every write: inside the write's transaction it
re-reads the session and the user row (active? role? departments?) and the period locks, and
raises :class:`PermissionDenied` with a Chinese message otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from plantrack.auth.chain import GENESIS, row_hash, token_hash
from plantrack.auth.roles import ACTION_NAMES, SCOPED, STATISTICIAN, Action, allows
from plantrack.store.errors import StoreError

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor

APPROVED = "已审核"
SUBMITTED = "已提交"
DRAFT = "草稿"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
USER_COLUMNS = (
    "id", "name", "display_name", "role", "departments", "active", "password_hash",
    "provider", "subject", "failed_logins", "locked_until", "created_at",
)  # fmt: skip


class AuthError(StoreError):
    """Login refused (unknown user, wrong password, locked, disabled, expired session)."""


class PermissionDenied(StoreError):
    """A write refused because of the user's rights or a period lock (audited)."""


@dataclass(frozen=True)
class Scope:
    """Who owns what, from the registry: object id (indicator, task) → departments (lead
    and participating, normalised) for statisticians' rights, and indicator → lead
    departments for period locks."""

    owners: Mapping[str, Sequence[str]] = field(default_factory=dict)
    leads: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def owners_of(self, ids: Iterable[str]) -> dict[str, Sequence[str]]:
        return {i: self.owners.get(i, ()) for i in ids}

    def locks_of(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """(lead department, period) for (indicator, period) pairs."""
        return {(d, p) for i, p in pairs for d in self.leads.get(i, ())}


def _one(con: Any, sql: str, params: Sequence[object] = ()) -> tuple | None:
    rows = con.execute(sql, list(params)).fetchall()
    return rows[0] if rows else None


# -- users ------------------------------------------------------------------------------
def _user(row: tuple | None) -> dict | None:
    if row is None:
        return None
    user = dict(zip(USER_COLUMNS, row, strict=True))
    user["departments"] = tuple(json.loads(user["departments"] or "[]"))
    return user


def user_by_name(con: Any, name: str) -> dict | None:
    cols = ", ".join(USER_COLUMNS)
    return _user(_one(con, f"SELECT {cols} FROM users WHERE name = ?", [name]))


def user_by_id(con: Any, user_id: int) -> dict | None:
    cols = ", ".join(USER_COLUMNS)
    return _user(_one(con, f"SELECT {cols} FROM users WHERE id = ?", [user_id]))


def user_by_identity(con: Any, provider: str, subject: str) -> dict | None:
    cols = ", ".join(USER_COLUMNS)
    row = _one(
        con, f"SELECT {cols} FROM users WHERE provider = ? AND subject = ?", [provider, subject]
    )
    return _user(row)


def _serialise(con: Any) -> None:
    """On PostgreSQL, wait for any other transaction numbering users or audit rows (a
    transaction-scoped advisory lock, re-entrant; a DuckDB file has one writer at a time)."""
    if getattr(con, "dialect", "duckdb") == "postgresql":
        con.execute("SELECT pg_advisory_xact_lock(72627)")  # 72627: PlanTrack's numbering lock


def insert_user(
    con: Any,
    *,
    name: str,
    display_name: str,
    role: str,
    departments: Sequence[str],
    password_hash: str | None,
    provider: str | None = None,
    subject: str | None = None,
    now: datetime,
) -> int:
    _serialise(con)  # two first logins of directory accounts at once would take one id
    (last,) = _one(con, "SELECT coalesce(max(id), 0) FROM users")  # type: ignore[misc]
    user_id = int(last) + 1
    con.execute(
        "INSERT INTO users VALUES (?, ?, ?, ?, ?, TRUE, ?, ?, ?, 0, NULL, ?)",
        [
            user_id,
            name,
            display_name,
            role,
            json.dumps(list(departments), ensure_ascii=False),
            password_hash,
            provider,
            subject,
            now,
        ],
    )
    return user_id


def set_user_fields(con: Any, user_id: int, **fields: object) -> None:
    """Update some of: display_name, role, departments, active, password_hash, provider,
    subject, failed_logins, locked_until."""
    allowed = set(USER_COLUMNS) - {"id", "name", "created_at"}
    bad = set(fields) - allowed
    if bad:
        raise StoreError(f"内部错误：不能修改用户字段 {sorted(bad)}")
    if "departments" in fields:
        fields["departments"] = json.dumps(list(fields["departments"]), ensure_ascii=False)  # type: ignore[call-overload]
    sets = ", ".join(f"{k} = ?" for k in fields)
    con.execute(f"UPDATE users SET {sets} WHERE id = ?", [*fields.values(), user_id])


def list_users(con: Any) -> list[dict]:
    cols = ", ".join(USER_COLUMNS)
    rows = con.execute(f"SELECT {cols} FROM users ORDER BY id").fetchall()
    return [u for u in (_user(r) for r in rows) if u is not None]


def count_users(con: Any) -> int:
    row = _one(con, "SELECT count(*) FROM users")
    return int(row[0]) if row else 0


# -- sessions ---------------------------------------------------------------------------
def insert_session(con: Any, token: str, user_id: int, method: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
        [token_hash(token), user_id, method, now, now, now + ABSOLUTE_TIMEOUT],
    )


def session_row(con: Any, token: str) -> dict | None:
    row = _one(
        con,
        "SELECT user_id, method, created_at, last_seen, expires_at FROM sessions WHERE token_hash = ?",
        [token_hash(token)],
    )
    if row is None:
        return None
    return dict(
        zip(("user_id", "method", "created_at", "last_seen", "expires_at"), row, strict=True)
    )


def session_expired(session: Mapping[str, Any], now: datetime) -> bool:
    return now >= session["expires_at"] or now - session["last_seen"] >= IDLE_TIMEOUT


def touch_session(con: Any, token: str, now: datetime) -> None:
    con.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, token_hash(token)])


def delete_session(con: Any, token: str) -> None:
    con.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash(token)])


def delete_user_sessions(con: Any, user_id: int) -> None:
    con.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])


def delete_expired_sessions(con: Any, now: datetime) -> None:
    con.execute(
        "DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?", [now, now - IDLE_TIMEOUT]
    )


# -- period status ----------------------------------------------------------------------
def period_status(con: Any, department: str, period: str) -> dict | None:
    row = _one(
        con,
        """SELECT status, changed_at, changed_by, reason, approved_at FROM period_status
           WHERE department = ? AND period = ?""",
        [department, period],
    )
    if row is None:
        return None
    keys = ("status", "changed_at", "changed_by", "reason", "approved_at")
    return dict(zip(keys, row, strict=True))


def set_period_status(
    con: Any,
    department: str,
    period: str,
    status: str,
    by: str,
    reason: str | None,
    now: datetime,
) -> None:
    approved_at = now if status == APPROVED else None
    con.execute(
        """INSERT INTO period_status VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (department, period) DO UPDATE SET status = EXCLUDED.status,
               changed_at = EXCLUDED.changed_at, changed_by = EXCLUDED.changed_by,
               reason = EXCLUDED.reason, approved_at = EXCLUDED.approved_at""",
        [department, period, status, now, by, reason, approved_at],
    )


def period_statuses(con: Any) -> list[dict]:
    rows = con.execute(
        """SELECT department, period, status, changed_at, changed_by, reason, approved_at
           FROM period_status ORDER BY period DESC, department"""
    ).fetchall()
    keys = ("department", "period", "status", "changed_at", "changed_by", "reason", "approved_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def approved_periods(con: Any) -> list[tuple[str, str, datetime]]:
    """(department, period, approved_at) of every approved department × period."""
    rows = con.execute(
        "SELECT department, period, approved_at FROM period_status WHERE status = ?", [APPROVED]
    ).fetchall()
    return [(str(d), str(p), a) for d, p, a in rows]


def locked(con: Any, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Which of the (department, period) pairs are approved, hence locked."""
    wanted = set(pairs)
    if not wanted:
        return []
    approved = {(d, p) for d, p, _a in approved_periods(con)}
    return sorted(wanted & approved)


# -- audit ------------------------------------------------------------------------------
def _dump(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def append_audit(
    con: Any,
    *,
    user_id: int | None,
    user_name: str,
    method: str,
    action: str,
    obj: str,
    before: object = None,
    after: object = None,
    reason: str | None = None,
    outcome: str = "ok",
    now: datetime | None = None,
) -> int:
    """Append one audit row chained to the last one; returns its id.

    Two PostgreSQL transactions (two logins at once) would both read the same last row and
    write the same id; a transaction-scoped advisory lock makes the second wait for the
    first's commit. (A DuckDB file has one writer at a time.)"""
    _serialise(con)
    last = _one(con, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
    last_id, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
    row: dict[str, object] = {
        "id": last_id + 1,
        "occurred_at": now or datetime.now(),
        "user_id": user_id,
        "user_name": user_name,
        "method": method,
        "action": str(action),
        "object": obj,
        "before_value": _dump(before),
        "after_value": _dump(after),
        "reason": reason,
        "outcome": outcome,
        "prev_hash": prev,
    }
    row["hash"] = row_hash(row)
    con.execute(
        f"INSERT INTO audit ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    con.execute(
        "INSERT INTO meta VALUES ('audit_head', ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [f"{row['id']}:{row['hash']}"],
    )
    return int(row["id"])  # type: ignore[call-overload]


AUDIT_COLUMNS = (
    "id", "occurred_at", "user_id", "user_name", "method", "action", "object", "before_value",
    "after_value", "reason", "outcome", "prev_hash", "hash",
)  # fmt: skip


def audit_rows(con: Any) -> list[dict]:
    rows = con.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY id").fetchall()
    return [dict(zip(AUDIT_COLUMNS, r, strict=True)) for r in rows]


def audit_head(con: Any) -> str | None:
    row = _one(con, "SELECT value FROM meta WHERE key = 'audit_head'")
    return str(row[0]) if row else None


# -- the boundary -----------------------------------------------------------------------
def authorize(
    con: Any,
    actor: Actor,
    action: Action,
    *,
    owners: Mapping[str, Sequence[str]] | None = None,
    locks: Iterable[tuple[str, str]] = (),
    now: datetime | None = None,
) -> dict:
    """Check, inside the caller's transaction, that ``actor`` may do ``action``.

    ``owners`` maps each object touched (indicator, task …) to its departments (lead and
    participating, normalised); a statistician must belong to one of each object's
    departments. ``locks`` are the (department, period) pairs the write changes; any
    approved one refuses the write. Returns the user row as stored (the name to record).
    """
    now = now or datetime.now()
    what = ACTION_NAMES[Action(action)]
    if actor.method == "system":
        kind = _one(con, "SELECT value FROM meta WHERE key = 'kind'")
        if not kind or kind[0] != "demo":
            raise PermissionDenied(f"拒绝{what}：系统写入只用于示例库，请以用户身份登录后操作。")
        user: dict = {"id": None, "name": actor.name, "role": "system", "departments": ()}
    else:
        session = session_row(con, actor.token or "")
        if session is None or int(session["user_id"]) != actor.user_id:
            raise PermissionDenied(f"拒绝{what}：未登录或登录已退出，请重新登录。")
        if session_expired(session, now):
            raise PermissionDenied(f"拒绝{what}：登录已超时，请重新登录。")
        found = user_by_id(con, actor.user_id)
        if found is None:
            raise PermissionDenied(f"拒绝{what}：账号不存在。")
        user = found
        if not user["active"]:
            raise PermissionDenied(f"拒绝{what}：账号 {user['name']} 已停用，请联系管理员。")
        if not allows(user["role"], action):
            raise PermissionDenied(
                f"拒绝{what}：账号 {user['name']} 的角色“{user['role']}”无此权限。"
            )
        if user["role"] == STATISTICIAN and Action(action) in SCOPED and owners is None:
            raise PermissionDenied(f"拒绝{what}：无法确定所涉对象的牵头部门。")
        if user["role"] == STATISTICIAN and owners:
            mine = set(user["departments"])
            outside = sorted(k for k, depts in owners.items() if not mine & set(depts))
            if outside:
                shown = "、".join(outside[:5]) + ("等" if len(outside) > 5 else "")
                raise PermissionDenied(
                    f"拒绝{what}：{shown}（共 {len(outside)} 项）不属于账号 {user['name']} "
                    f"所在部门（{'、'.join(user['departments']) or '未设部门'}）的牵头或参与范围。"
                )
        touch_session(con, actor.token or "", now)
    closed = locked(con, locks)
    if closed:
        shown = "、".join(f"{d} {p}" for d, p in closed[:5])
        raise PermissionDenied(
            f"拒绝{what}：{shown} 的数据已审核锁定（共 {len(closed)} 个部门·报告期）。"
            "如需修改，请管理员先重新打开（须填写原因）。"
        )
    return user


def approved_current(columns: Sequence[str], as_of: bool) -> str:
    """Current values within approved department × periods, as of each approval; params:
    the approved status, then ``as_of`` if given. Needs ``approved_leads`` (indicator,
    department) registered on the connection.

    A revision counts only when **every** lead department of its indicator has approved its
    period, and was recorded before each of those approvals (one lead's approval is not
    another's); an indicator without a lead department has no approved figure."""
    cols = ", ".join(columns)
    inner = ", ".join(dict.fromkeys([*columns, "period_end", "deleted"]))
    cut = " AND period_end <= ?" if as_of else ""
    return f"""SELECT {cols} FROM (
            SELECT {inner}, row_number() OVER (
                PARTITION BY indicator, area, period ORDER BY revision DESC) AS rn
            FROM observations o
            WHERE EXISTS (SELECT 1 FROM approved_leads l0 WHERE l0.indicator = o.indicator)
              AND NOT EXISTS (
                SELECT 1 FROM approved_leads l WHERE l.indicator = o.indicator
                  AND NOT EXISTS (
                    SELECT 1 FROM period_status s
                    WHERE s.department = l.department AND s.period = o.period
                      AND s.status = ? AND o.recorded_at <= s.approved_at))) AS r
        WHERE rn = 1 AND NOT deleted{cut}
        ORDER BY indicator, area, period_end"""
