"""Reminders: per department, what is due in the next N days or already late.

Two sources, both read only:

- 填报进度 (:mod:`plantrack.reporting`): indicators and key-task progress not yet reported
  for periods whose report is due within ``days`` after ``as_of`` (待报送), or was due in the
  last ``LOOKBACK_DAYS`` days and is still missing (逾期未报);
- the task board (:mod:`plantrack.tasks.board`): tasks, decisions and milestones not done
  whose deadline falls within ``days`` (即将到期) or has passed (逾期).

The list is printed, written to .xlsx, and — only when asked (``--send``) and when
``[smtp]`` is configured in ``plantrack.toml`` — mailed, one message per department with an
address under ``[remind.emails]``. Nothing is sent by default. The SMTP password is never
stored in the file: ``password_env`` names the environment variable that holds it.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pandas as pd

from plantrack import reporting as rp
from plantrack.export import xlsx_bytes
from plantrack.periods import Period

if TYPE_CHECKING:
    from plantrack.workspace import Workspace

LOOKBACK_DAYS = 365
DUE_SOON = "即将到期"
OVERDUE = "逾期"
COLUMNS = ["department", "kind", "item", "name", "period", "due_date", "status", "days"]
HEADERS = {
    "department": "部门",
    "kind": "类别",
    "item": "编号",
    "name": "名称",
    "period": "期间",
    "due_date": "截止日",
    "status": "状态",
    "days": "距截止日天数（负数为已逾期）",
}
KIND_NAMES = {"indicator": "指标报送", "task": "主要任务年度进展", "board": "任务/里程碑"}


def _periods(as_of: date, horizon: date, rules: rp.ReportingRules) -> list[Period]:
    """Quarters and years whose report is due between as_of − LOOKBACK_DAYS and horizon."""
    start = as_of - timedelta(days=LOOKBACK_DAYS)
    out = []
    for year in range(start.year - 1, horizon.year + 1):
        for p in (*(Period(year, q) for q in range(1, 5)), Period(year)):
            if start <= rules.due_date(p) <= horizon:
                out.append(p)
    return out


def reminders(
    ws: Workspace, as_of: date, days: int = 14, rules: rp.ReportingRules | None = None
) -> pd.DataFrame:
    """One row per (department, item) due within ``days`` or late, most urgent first."""
    rules = rules or rp.rules_from_settings()
    horizon = as_of + timedelta(days=days)
    parts = []
    for period in _periods(as_of, horizon, rules):
        items = rp.period_items(ws, period, as_of, rules)
        items = items[items["status"].isin([rp.LATE, rp.PENDING])]
        if not items.empty:
            parts.append(
                items.assign(status=items["status"].map({rp.LATE: OVERDUE, rp.PENDING: DUE_SOON}))
            )
    parts.append(_board(ws, as_of, horizon))
    rows = pd.concat([p for p in parts if not p.empty], ignore_index=True) if parts else None
    if rows is None or rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows["days"] = [(d - as_of).days for d in rows["due_date"]]
    rows = rows.sort_values(["department", "days", "item"], kind="stable")
    return rows[COLUMNS].reset_index(drop=True)


def _board(ws: Workspace, as_of: date, horizon: date) -> pd.DataFrame:
    from plantrack.tasks.board import task_table

    table = task_table(ws, as_of)
    open_ = table[table["status"].isin(["进行中", "逾期"]) & (table["due"] <= horizon)]
    open_ = open_[(open_["status"] == "逾期") | (open_["due"] >= as_of)]
    open_ = open_[open_["due"] >= as_of - timedelta(days=LOOKBACK_DAYS)]
    rows = [
        (unit, "board", r["id"], r["title"], "", r["due"], OVERDUE if r["overdue"] else DUE_SOON)
        for r in open_.to_dict("records")
        for unit in r["unit_list"]
    ]
    return pd.DataFrame(rows, columns=COLUMNS[:-1])


def text(rows: pd.DataFrame, as_of: date, days: int) -> str:
    """The reminders as plain Chinese text, department by department."""
    if rows.empty:
        return f"截至 {as_of}，未来 {days} 天内没有到期事项，也没有逾期未报事项。"
    lines = [f"截至 {as_of}：未来 {days} 天内到期或已逾期的事项（共 {len(rows)} 项）"]
    for dept, part in rows.groupby("department", sort=False):
        late = int((part["status"] == OVERDUE).sum())
        lines.append(f"\n【{dept}】{len(part)} 项，其中逾期 {late} 项")
        lines += [department_line(r) for r in part.to_dict("records")]
    return "\n".join(lines)


def department_line(r: dict) -> str:
    mark = "✖" if r["status"] == OVERDUE else "⏰"
    when = f"已逾期 {-r['days']} 天" if r["days"] < 0 else f"还有 {r['days']} 天"
    period = f"{r['period']} " if r["period"] else ""
    return (
        f"  {mark} {r['status']} {KIND_NAMES[r['kind']]} {period}{r['item']} {r['name']}"
        f"（截止 {r['due_date']}，{when}）"
    )


def xlsx(rows: pd.DataFrame) -> bytes:
    """The reminders as a workbook: every item, and one count per department."""
    view = rows.assign(kind=rows["kind"].map(KIND_NAMES)).rename(columns=HEADERS)
    counts = (
        rows.groupby("department", sort=False)["status"]
        .agg(total="size", late=lambda s: int((s == OVERDUE).sum()))
        .reset_index()
        .rename(columns={"department": "部门", "total": "事项数", "late": "逾期数"})
    )
    return xlsx_bytes({"提醒事项": view, "各部门汇总": counts})


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "plantrack@localhost"
    starttls: bool = False
    user: str | None = None
    password_env: str | None = None
    emails: dict[str, str] = field(default_factory=dict)


def smtp_settings(values: dict | None = None) -> SmtpSettings | None:
    """``[smtp]`` and ``[remind.emails]`` of the settings file; None when not configured."""
    if values is None:
        from plantrack.settings import settings_file

        values = settings_file()
    smtp = values.get("smtp") or {}
    if not smtp.get("host"):
        return None
    emails = (values.get("remind") or {}).get("emails") or {}
    return SmtpSettings(
        host=str(smtp["host"]),
        port=int(smtp.get("port", 25)),
        sender=str(smtp.get("sender", "plantrack@localhost")),
        starttls=bool(smtp.get("starttls", False)),
        user=smtp.get("user"),
        password_env=smtp.get("password_env"),
        emails={str(k): str(v) for k, v in emails.items()},
    )


@dataclass
class SendResult:
    sent: list[str] = field(default_factory=list)  # departments mailed
    no_address: list[str] = field(default_factory=list)


def send(rows: pd.DataFrame, as_of: date, days: int, smtp: SmtpSettings) -> SendResult:
    """One message per department that has an address; the .xlsx of its items attached."""
    result = SendResult()
    messages = []
    for dept, part in rows.groupby("department", sort=False):
        to = smtp.emails.get(str(dept))
        if not to:
            result.no_address.append(str(dept))
            continue
        msg = EmailMessage()
        msg["Subject"] = f"【填报提醒】{dept}：{len(part)} 项到期或逾期（截至 {as_of}）"
        msg["From"] = smtp.sender
        msg["To"] = to
        msg.set_content(text(part, as_of, days))
        msg.add_attachment(
            xlsx(part),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"提醒_{as_of}.xlsx",
        )
        messages.append((str(dept), msg))
    if not messages:
        return result
    with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, os.environ.get(smtp.password_env or "", ""))
        for dept, msg in messages:
            server.send_message(msg)
            result.sent.append(dept)
    return result
