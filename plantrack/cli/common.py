"""Shared CLI plumbing: opening the workspace, printing JSON, turning errors into messages."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from plantrack.config import ConfigError
from plantrack.store import StoreError
from plantrack.workspace import Workspace, open_workspace


class CliError(Exception):
    """A message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def workspace(args: argparse.Namespace, create: bool = False) -> Workspace:
    """The workspace of ``--db`` / ``--config``. A missing database file is an error for
    every command, writes included (a mistyped ``--db`` creates nothing); only ``init`` and
    ``init-demo`` create one (:func:`new_workspace`). ``create`` is kept for callers."""
    return open_workspace(db=args.db, config=args.config, create=False)


def new_workspace(args: argparse.Namespace) -> Workspace:
    """The workspace of ``--db``, creating the database file (``init`` / ``init-demo``)."""
    return open_workspace(db=args.db, config=args.config, create=True)


def area_code(ws: Workspace, text: str | None) -> str | None:
    """The configured code of ``--area``: as written, in any case (``prt`` → ``PRT``) or the
    area's name; else an error listing configured codes (never the demo's)."""
    if not text or text in ws.area_names:
        return text
    folded = {name.casefold(): code for code, name in ws.area_names.items()}
    folded |= {code.casefold(): code for code in ws.area_names}
    hit = folded.get(text.strip().casefold())
    if hit is not None:
        return hit
    codes = list(ws.area_names)
    shown = "、".join(codes[:8]) + (" …" if len(codes) > 8 else "")
    raise CliError(f"地区代码 '{text}' 不存在。可用代码：{shown}（见配置文件的 areas）。")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期 '{text}' 无法识别，请写成 2023-12-31") from None


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def print_json(data: Any) -> None:
    json.dump(_clean(data), sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def run_safely(fn: Callable[[], int | None]) -> int:
    """Run a command; print known errors in Chinese (never a stack trace)."""
    try:
        return fn() or 0
    except ConfigError as exc:
        print("配置文件有误：", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 2
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — the last line of defence for the user
        print(
            f"出现意外错误（{type(exc).__name__}）：{exc}。请把这条信息告知系统管理员。",
            file=sys.stderr,
        )
        return 3
