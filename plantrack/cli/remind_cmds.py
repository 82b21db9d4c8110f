"""remind: per department, what is due in the next N days or late (text, .xlsx, SMTP)."""

from __future__ import annotations

import argparse
import smtplib
from datetime import date
from pathlib import Path

from plantrack import remind
from plantrack.cli.common import CliError, parse_date, workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("remind", help="填报提醒：各部门近期到期或已逾期的事项")
    p.add_argument("--as-of", type=parse_date, help="提醒日期（默认今天）")
    p.add_argument("--days", type=int, default=14, help="提前提醒的天数（默认 14）")
    p.add_argument("--dept", help="只看某部门")
    p.add_argument("--out", help="另存为 .xlsx")
    p.add_argument(
        "--send", action="store_true", help="按 plantrack.toml 的 [smtp] 发送邮件（默认不发送）"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.days < 0 or args.days > 366:
        raise CliError(f"参数 --days：值 “{args.days}” — 应为 0 到 366 之间的天数", code=2)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() != ".xlsx":
        raise CliError(f"参数 --out：提醒清单须保存为 .xlsx 文件，而不是 '{out.name}'。", code=2)
    smtp = remind.smtp_settings() if args.send else None
    if args.send and smtp is None:
        raise CliError(
            "参数 --send：未配置邮件服务器 — 请在 plantrack.toml 中填写 [smtp] host、port、sender，"
            "并在 [remind.emails] 中填写各部门邮箱；未发送任何邮件。",
            code=2,
        )
    ws = workspace(args)
    as_of = args.as_of or date.today()
    rows = remind.reminders(ws, as_of, args.days)
    if args.dept:
        rows = rows[rows["department"] == args.dept]
    print(remind.text(rows, as_of, args.days))
    if out is not None:
        try:
            out.write_bytes(remind.xlsx(rows))
        except OSError as exc:
            raise CliError(f"无法写入 {out}：{exc.strerror}", code=2) from None
        print(f"\n已保存 {out}")
    if smtp is not None:
        try:
            result = remind.send(rows, as_of, args.days, smtp)
        except (OSError, smtplib.SMTPException) as exc:
            raise CliError(
                f"邮件发送失败（{smtp.host}:{smtp.port}）：{exc} — 请检查 [smtp] 设置"
            ) from None
        print(f"\n已发送邮件 {len(result.sent)} 封：{'、'.join(result.sent) or '无'}")
        if result.no_address:
            print(f"未配置邮箱、未发送：{'、'.join(result.no_address)}")
    return 0
