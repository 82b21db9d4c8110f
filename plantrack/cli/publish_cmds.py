"""publish: the static public progress site (no server needed)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from plantrack.cli.common import CliError, parse_date, workspace
from plantrack.publish import publish


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="生成公开的规划实施进展静态网站")
    p.add_argument("--out", required=True, help="输出文件夹，如 site/")
    p.add_argument("--as-of", type=parse_date, help="数据截至日（默认今天）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = workspace(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"参数 --out：“{out}” 是文件而不是文件夹 — 请换一个文件夹名", code=2)
    try:
        files = publish(ws, out, args.as_of or date.today())
    except OSError as exc:
        raise CliError(f"无法写入 {out}：{exc.strerror}", code=2) from None
    mark = "（示例数据，每页已标注“示例数据”）" if ws.is_demo else ""
    print(f"已生成 {len(files)} 个文件到 {out}/{mark}；打开 {out / 'index.html'} 即可浏览。")
    return 0
