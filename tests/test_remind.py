"""Reminders: what each department must report soon or has missed, as text, as .xlsx, and
mailed through a real local SMTP server (aiosmtpd) only when --send is given and configured."""

from __future__ import annotations

import email
import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from plantrack import remind
from plantrack.cli import main
from plantrack.reporting import ReportingRules
from plantrack.workspace import Workspace
from tests.browser import free_port
from tests.conftest import act_as

RULES = ReportingRules(quarter_due_days=15, year_due_days=31)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def _load(ws: Workspace, indicator: str, period: str, end: str, when: datetime) -> None:
    rows = pd.DataFrame(
        [(indicator, ws.district, period, pd.Timestamp(end).date(), 1.0, None)],
        columns=["indicator", "area", "period", "period_end", "value", "note"],
    )
    ws.store.load(rows, actor=act_as(ws), source="test", file_name=indicator, recorded_at=when)


def test_due_soon_and_late(empty_ws: Workspace) -> None:
    _load(empty_ws, "fitness.instructors", "2024Q1", "2024-03-31", datetime(2024, 4, 2))
    rows = remind.reminders(empty_ws, date(2024, 4, 10), days=7, rules=RULES)
    q1 = rows[rows["period"] == "2024Q1"]
    assert "fitness.instructors" not in set(q1["item"])  # already reported
    assert set(q1["status"]) == {remind.DUE_SOON} and set(q1["days"]) == {5}
    late = rows[rows["period"] == "2023Q4"]
    assert set(late["status"]) == {remind.OVERDUE} and set(late["days"]) == {-86}
    # nothing due within 2 days of 2024-04-10 for 2024Q1 (due 04-15)
    soon = remind.reminders(empty_ws, date(2024, 4, 10), days=2, rules=RULES)
    assert (soon["period"] != "2024Q1").all()
    txt = remind.text(rows, date(2024, 4, 10), 7)
    assert "【区残联】" in txt and "⏰ 即将到期 指标报送 2024Q1" in txt and "还有 5 天" in txt
    wb = load_workbook(io.BytesIO(remind.xlsx(rows)))
    assert wb.sheetnames == ["提醒事项", "各部门汇总"]
    header = [c.value for c in wb["提醒事项"][1]]
    assert header[:3] == ["部门", "类别", "编号"] and wb["提醒事项"].max_row == len(rows) + 1


def test_cli_writes_xlsx_and_sends_nothing_by_default(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture, smtp_server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    port, inbox = smtp_server
    settings = tmp_path / "plantrack.toml"
    settings.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "plantrack@example.org"\n'
        '[remind.emails]\n"区残联" = "cdpf@example.org"\n"区教育体育局" = "edu@example.org"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANTRACK_SETTINGS", str(settings))
    db = str(empty_ws.settings.db_path)
    out = tmp_path / "提醒.xlsx"
    args = ["--db", db, "remind", "--as-of", "2024-04-10", "--days", "7", "--out", str(out)]
    assert main(args) == 0
    assert out.exists() and inbox.messages == []  # configured, but not asked to send
    assert main([*args, "--send"]) == 0
    printed = capsys.readouterr().out
    assert "已发送邮件 2 封" in printed and "未配置邮箱、未发送：" in printed
    to = sorted(m["To"] for m in inbox.messages)
    assert to == ["cdpf@example.org", "edu@example.org"]
    msg = next(m for m in inbox.messages if m["To"] == "cdpf@example.org")
    subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    assert subject.startswith("【填报提醒】区残联：")
    parts = list(msg.walk())
    body = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True)
    assert "【区残联】" in body.decode("utf-8")
    assert any(p.get_filename() == "提醒_2024-04-10.xlsx" for p in parts)


def test_send_without_smtp_is_refused(
    empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("PLANTRACK_SETTINGS", str(tmp_path / "none.toml"))
    db = str(empty_ws.settings.db_path)
    assert main(["--db", db, "remind", "--as-of", "2024-04-10", "--send"]) == 2
    assert "未配置邮件服务器" in capsys.readouterr().err
    assert main(["--db", db, "remind", "--out", str(tmp_path / "x.csv")]) == 2
