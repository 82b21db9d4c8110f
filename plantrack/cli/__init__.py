"""``python -m plantrack``: everything the dashboard can do, scriptable.

Each command group lives in its own module with a ``register(subparsers)`` function. Exit
codes: 0 success, 1 refused / has errors, 2 unreadable input or invalid configuration.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from plantrack.cli import assess_cmds, auth_cmds, config_cmds, data_cmds, db_cmds
from plantrack.cli.common import CliError, run_safely
from plantrack.cli.messages import Translating

GROUPS = [config_cmds, data_cmds, assess_cmds, db_cmds, auth_cmds]


def _optional_groups() -> list:
    """Command groups whose modules may be absent in a partial install."""
    mods = []
    for name in (
        "upload_cmds",
        "task_cmds",
        "plan_task_cmds",
        "reporting_cmds",
        "remind_cmds",
        "publish_cmds",
        "report_cmds",
    ):
        try:
            mods.append(__import__(f"plantrack.cli.{name}", fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"plantrack.cli.{name}":
                raise
    return mods


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m plantrack",
        description="PlanTrack 规划指标监测平台 — 命令行",
    )
    parser.add_argument(
        "--db",
        help="数据库文件或 postgresql:// 地址（默认：PLANTRACK_DB 或 plantrack.toml，否则示例库）",
    )
    parser.add_argument(
        "--config",
        help="指标配置文件（默认：PLANTRACK_CONFIG 或 plantrack.toml，否则 indicators.yaml）",
    )
    parser.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="输出语言：zh 中文（默认）、en English"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for group in [*GROUPS, *_optional_groups()]:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang == "zh":
        return run_safely(lambda: args.func(args))
    machine = getattr(args, "json", False) or getattr(args, "csv", False)
    out, err = sys.stdout, sys.stderr
    if not machine:  # JSON and CSV are data: never rewritten
        sys.stdout = Translating(out, args.lang)
    sys.stderr = Translating(err, args.lang)
    try:
        return run_safely(lambda: args.func(args))
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = out, err


__all__ = ["CliError", "build_parser", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
