"""tasks, task-rates, task-history, task-update, task-template, task-load."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, cast

import pandas as pd

from plantrack.cli.auth_cmds import acting, add_user_args
from plantrack.cli.bulk_cmds import load_file, print_history, write_template
from plantrack.cli.bulk_cmds import refused as _refused
from plantrack.cli.common import CliError, parse_date, print_json, workspace
from plantrack.store.task_updates import task_history
from plantrack.tasks.board import (
    VERDICTS,
    all_units,
    department_rates,
    filter_table,
    task_table,
)
from plantrack.tasks.bulk import load_bulk, template_bytes
from plantrack.tasks.updates import UpdateError, item_plans, record_update
from plantrack.workspace import Workspace

STATUS_NAMES = {
    "overdue": "逾期",
    "in_progress": "进行中",
    "done_late": "逾期完成",
    "done": "已完成",
}
JSON_FIELDS = [
    "id", "kind", "plan", "seq", "category", "subcategory", "title", "units", "deadline_text",
    "due", "recurring", "status", "label", "update_status", "status_date", "done_on", "note",
    "evidence", "user_name", "overdue", "due_soon",
]  # fmt: skip
MARKS = {"逾期": "🔴", "进行中": "🔵", "逾期完成": "🟠", "已完成": "🟢"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tasks", help="任务与里程碑一览（状态、是否逾期）")
    _as_of_args(p)
    p.add_argument("--unit", help="只看某责任单位的任务（单位全称）")
    p.add_argument("--status", help="只看某状态：逾期 / 进行中 / 逾期完成 / 已完成")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=tasks)

    p = sub.add_parser("task-rates", help="各责任单位按期完成率")
    _as_of_args(p)
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=rates)

    p = sub.add_parser("task-history", help="一项任务的全部进展记录")
    p.add_argument("task", help="任务编号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=history)

    p = sub.add_parser("task-update", help="记录一项任务或里程碑的进展")
    p.add_argument("task", help="任务编号，如 openness2022.t05 或里程碑指标代码")
    p.add_argument(
        "--status", required=True, help="已完成/进行中/未开始（或 done/in_progress/not_started）"
    )
    p.add_argument("--date", help="进展日期，如 2022-09-30（默认今天）")
    p.add_argument("--note", default="", help="进展说明（已完成时必填）")
    add_user_args(p, "填报人账号")
    p.add_argument("--evidence", help="佐证材料：链接，或一个文件的路径（文件将被保存）")
    p.set_defaults(func=update)

    p = sub.add_parser("task-template", help="下载批量填报进展的 Excel 模板")
    p.add_argument("--out", required=True, help="保存为（.xlsx）")
    p.add_argument("--plan", help="只列出某计划的任务")
    p.add_argument("--unit", help="只列出某责任单位的任务")
    p.set_defaults(func=template)

    p = sub.add_parser("task-load", help="导入填好的进展模板（有错则整份不导入）")
    p.add_argument("file", help="填好的 .xlsx 文件")
    add_user_args(p, "填报人账号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=load)


def _as_of_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=parse_date, help="评估基准日（默认今天）")
    p.add_argument("--known-on", type=parse_date, help="只计入此日及以前录入的进展")
    p.add_argument("--plan", help="只看某计划（计划编号）")


def _check_filters(ws: Workspace, table: pd.DataFrame, args: argparse.Namespace) -> None:
    if args.plan and args.plan not in ws.plans:
        raise CliError(f"计划 '{args.plan}' 不存在。可用：{'、'.join(ws.plans)}")
    unit = getattr(args, "unit", None)
    if unit and unit not in all_units(table):
        close = [u for u in all_units(table) if unit in u or u in unit][:5]
        hint = f"是否指：{'、'.join(close)}？" if close else "请写单位全称，如 区财政局。"
        raise CliError(f"没有责任单位为 '{unit}' 的任务。{hint}")


def _table(args: argparse.Namespace) -> tuple[Workspace, pd.DataFrame, date]:
    ws = workspace(args)
    as_of = args.as_of or date.today()
    table = task_table(ws, as_of, known_on=args.known_on)
    _check_filters(ws, table, args)
    return ws, filter_table(table, plan=args.plan, unit=getattr(args, "unit", None)), as_of


def tasks(args: argparse.Namespace) -> int:
    ws, table, as_of = _table(args)
    if args.status:
        status = STATUS_NAMES.get(args.status, args.status)
        if status not in VERDICTS:
            raise CliError(f"状态 '{args.status}' 无法识别，应为：{'、'.join(VERDICTS)}")
        table = table[table["status"] == status]
    if args.json:
        out = table.assign(units=table["unit_list"].map(list))[JSON_FIELDS]
        print_json(out.to_dict(orient="records"))
        return 0
    print(f"评估基准日 {as_of}：共 {len(table)} 项")
    for r in table.itertuples():
        soon = " ⏰30日内到期" if r.due_soon else ""
        print(
            f"{MARKS[cast(str, r.status)]} {r.label:<12} {r.due}  {r.id:<36} {r.title}（{r.units}）{soon}"
        )
    counts = table["status"].value_counts()
    print("合计：" + "，".join(f"{s} {int(counts.get(s, 0))}" for s in VERDICTS))
    return 0


def rates(args: argparse.Namespace) -> int:
    _ws, table, as_of = _table(args)
    out = department_rates(table, as_of)
    if args.json:
        print_json(out.to_dict(orient="records"))
        return 0
    print(
        f"按期完成率 = 按期完成的任务数 / 完成时限在 {as_of} 及以前的任务数（多单位任务各计一次）"
    )
    for r in out.itertuples():
        share = cast(float | None, r.rate)
        rate = "—" if share is None or pd.isna(share) else f"{share:.0%}"
        print(
            f"{r.unit:<16} {rate:>5}  到期 {r.due}：按期 {r.done_on_time}，逾期完成 "
            f"{r.done_late}，逾期未完成 {r.overdue}，当日到期未完成 {r.due_open}；共 {r.total} 项"
        )
    return 0


def history(args: argparse.Namespace) -> int:
    ws = workspace(args)
    if args.task not in item_plans(ws):
        raise CliError(
            f"任务 '{args.task}' 不存在。可用 `python -m plantrack tasks` 查看任务编号。"
        )

    def line(r: Any) -> str:
        extra = " ".join(str(v) for v in (r.note, r.evidence) if isinstance(v, str))
        return f"{r.status_date:%Y-%m-%d} {r.status} {extra} （{r.user_name}）"

    return print_history(task_history(ws.store, args.task), args.json, line)


def update(args: argparse.Namespace) -> int:
    ws = workspace(args, create=True)
    evidence, evidence_file = args.evidence, None
    if evidence and not evidence.startswith(("http://", "https://")):
        path = Path(evidence)
        if not path.is_file():
            raise CliError(
                f"命令行 参数 --evidence：值 “{evidence}” — 既不是链接（http:// 或 https:// 开头），"
                "也不是存在的文件"
            )
        evidence, evidence_file = None, (path.name, path.read_bytes())
    row = {
        "task_id": args.task,
        "status": args.status,
        "status_date": args.date or date.today().isoformat(),
        "note": args.note,
        "evidence": evidence,
    }
    try:
        with acting(args, ws) as actor:
            clean = record_update(ws, row, actor=actor, evidence_file=evidence_file)
    except UpdateError as exc:
        raise CliError(_refused(exc.problems)) from None
    r = clean.iloc[0]
    print(
        f"已记录：{r.task_id} {r.status} {r.status_date}{'，佐证 ' + r.evidence if r.evidence else ''}"
    )
    return 0


def template(args: argparse.Namespace) -> int:
    ws = workspace(args)
    if args.plan and args.plan not in ws.plans:
        raise CliError(f"计划 '{args.plan}' 不存在。可用：{'、'.join(ws.plans)}")
    data = lambda: template_bytes(ws, plan=args.plan, unit=args.unit)  # noqa: E731
    return write_template(args.out, data, "“状态”“日期”“进展说明”", "task-load")


def load(args: argparse.Namespace) -> int:
    return load_file(args, load_bulk, "进展")
