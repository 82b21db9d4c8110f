"""The audit trail: reading, exporting and verifying the hash chain.

Every row's hash covers its fields and the previous row's hash, and the head (last id and
hash) is kept in ``meta``. :func:`verify` recomputes the chain: an edited row, a deleted or
inserted row, or removed rows at the end (head mismatch) are reported. Limitation: DuckDB
has no triggers, so the database cannot itself refuse an UPDATE or DELETE of audit rows;
someone with write access to the file could rewrite the whole chain and the head
consistently. Keep a copy of ``audit-verify``'s last hash (or the exported CSV) elsewhere to
detect that too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from plantrack.auth.actor import Actor
from plantrack.auth.chain import GENESIS, row_hash
from plantrack.auth.roles import Action
from plantrack.export import csv_bytes
from plantrack.store import Store
from plantrack.store import auth_sql as sql

LABELS = {
    "id": "序号", "occurred_at": "时间", "user_id": "用户编号", "user_name": "账号",
    "method": "登录方式", "action": "操作", "object": "对象", "before_value": "修改前",
    "after_value": "修改后", "reason": "原因", "outcome": "结果", "prev_hash": "前一哈希",
    "hash": "哈希",
}  # fmt: skip


@dataclass
class VerifyResult:
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    head: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(store: Store) -> VerifyResult:
    with store._connect(read_only=True) as con:
        rows = sql.audit_rows(con)
        head = sql.audit_head(con)
    out = VerifyResult(rows=len(rows))
    prev, expected_id = GENESIS, 1
    for r in rows:
        if r["id"] != expected_id:
            out.problems.append(
                f"第 {expected_id} 条起缺失（下一条是第 {r['id']} 条）：记录被删除。"
            )
        if r["prev_hash"] != prev:
            out.problems.append(f"第 {r['id']} 条的前一哈希与第 {r['id'] - 1} 条不符：链条断开。")
        if row_hash(r) != r["hash"]:
            out.problems.append(f"第 {r['id']} 条的内容与其哈希不符：记录被改动。")
        prev, expected_id = r["hash"], int(r["id"]) + 1
    last = f"{rows[-1]['id']}:{rows[-1]['hash']}" if rows else None
    if last != head:
        out.problems.append(
            f"最后一条记录（{last or '无'}）与登记的链头（{head or '无'}）不符：末尾记录被删除或改动。"
        )
    out.head = last
    return out


def audit_table(store: Store, actor: Actor) -> pd.DataFrame:
    """Every audit row (admins only; the check is audited if refused)."""
    with store.guarded(actor, Action.READ_AUDIT, "审计记录") as con:
        sql.authorize(con, actor, Action.READ_AUDIT)
        rows = sql.audit_rows(con)
    return pd.DataFrame(rows, columns=list(sql.AUDIT_COLUMNS))


def to_csv(table: pd.DataFrame) -> bytes:
    """CSV with Chinese headers (cells that look like formulas are escaped)."""
    return csv_bytes(table.rename(columns=LABELS))
