"""What task-template / task-load / task-history and their plan-task-… twins share: writing a
template, loading a filled one through :mod:`plantrack.tasks.intake`, the refusal text, the
history listing."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from plantrack.cli.auth_cmds import acting
from plantrack.cli.common import CliError, print_json, workspace
from plantrack.ingest.report import Problem
from plantrack.tasks.history import withdrawn_marks
from plantrack.tasks.intake import BulkResult, UnreadableError
from plantrack.workspace import Workspace

Loader = Callable[..., BulkResult]


def write_template(out_arg: str, data: Callable[[], bytes], fill: str, command: str) -> int:
    out = Path(out_arg)
    if out.suffix.lower() != ".xlsx":
        raise CliError(f"模板须保存为 .xlsx 文件，而不是 '{out.name}'。", code=2)
    try:
        out.write_bytes(data())
    except OSError as exc:
        raise CliError(f"无法写入 {out}：{exc.strerror}", code=2) from None
    print(f"已生成模板 {out}。填写{fill}后用 {command} 导入。")
    return 0


def load_file(args: argparse.Namespace, loader: Loader, what: str) -> int:
    """Load a filled template: exit 0 stored, 1 refused (row problems), 2 unreadable."""
    ws: Workspace = workspace(args, create=True)
    path = Path(args.file)
    try:
        data = path.read_bytes()
        with acting(args, ws) as actor:
            result = loader(ws, data, path.name, actor=actor)
    except OSError as exc:
        raise CliError(f"无法读取 {path}：{exc.strerror}", code=2) from None
    except UnreadableError as exc:
        raise CliError(str(exc), code=2) from None
    if args.json:
        print_json(result.to_dict() | ({"batch": result.batch_id} if result.ok else {}))
        return 0 if result.ok else 1
    if not result.ok:
        report = result.report
        lines = [problem_line(p) for p in report.problems] + report.omitted_text
        raise CliError(
            f"{path.name} 未导入，未记录任何进展（共 {report.n_errors} 个问题，"
            "请按提示修改后重新导入）：\n" + "\n".join(lines)
        )
    print(
        f"已导入 {path.name}：{result.stored} 条{what}（批次 #{result.batch_id}；"
        f"如需撤回：python -m plantrack rollback {result.batch_id} --reason 原因）。"
    )
    return 0


def print_history(df: pd.DataFrame, as_json: bool, line: Callable[[Any], str]) -> int:
    """A task's records (task-history, plan-task-history): JSON, or one line each."""
    marks = withdrawn_marks(df)
    if as_json:
        print_json(df.assign(withdrawn=marks != "").to_dict(orient="records"))
        return 0
    if df.empty:
        print("还没有进展记录。")
    for r, mark in zip(df.itertuples(), marks, strict=True):
        print(line(r) + mark)
    return 0


def problem_line(p: Problem) -> str:
    """A problem as the upload's CLI prints it (错误  file, row, column), with the value."""
    if p.row is None and p.value is None:
        return f"错误  {p.text}"
    value = "（空）" if p.value is None else f"“{p.value}”"
    where = f" {p.where}" if p.where else ""
    return f"错误  {p.file}{where} 值 {value}：{p.message}"


def refused(problems: list[str]) -> str:
    return f"未记录任何进展（共 {len(problems)} 个问题，请修改后重试）：\n" + "\n".join(
        f"  {p}" for p in problems
    )
