"""plan-tasks, plan-task-progress, plan-task-template, plan-task-load: the key tasks
(主要任务 / 重点任务) of the multi-year plans and their yearly progress."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from plantrack.cli.auth_cmds import acting, add_user_args
from plantrack.cli.bulk_cmds import load_file, print_history, write_template
from plantrack.cli.bulk_cmds import refused as _refused
from plantrack.cli.common import CliError, print_json, workspace
from plantrack.departments import normalise
from plantrack.store.plan_progress import progress_history
from plantrack.tasks.plan_bulk import load_plan_bulk, template_bytes
from plantrack.tasks.plan_tasks import DEGREES, degree_counts, plan_task_table, store_progress
from plantrack.tasks.updates import UpdateError, store_evidence
from plantrack.workspace import Workspace

CLI_LABELS = {
    "task_id": "参数 TASK（任务编号）",
    "year": "参数 --year",
    "degree": "参数 --degree",
    "progress": "参数 --progress",
    "evidence": "参数 --evidence",
    "department": "参数 --dept",
    "user": "参数 --user",
}
JSON_FIELDS = [
    "id", "plan", "section", "title", "lead", "participating", "indicators", "start_year",
    "end_year", "year", "degree", "progress", "evidence", "department",
]  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan-tasks", help="规划主要任务及其年度进展")
    p.add_argument("--plan", help="只看某计划（如 fitness、disabled）")
    p.add_argument("--year", type=int, help="截至某年度的进展（默认全部年度中最新的）")
    p.add_argument("--dept", help="只看某牵头部门的任务")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=list_tasks)

    p = sub.add_parser("plan-task-progress", help="由牵头部门填报一项主要任务的年度进展")
    p.add_argument("task", help="任务编号，如 disabled.k01")
    p.add_argument("--year", required=True, help="年度，如 2023")
    p.add_argument("--degree", required=True, help="完成程度：" + "/".join(DEGREES))
    p.add_argument("--progress", default="", help="进展情况")
    p.add_argument("--evidence", help="佐证材料：链接，或一个文件的路径（文件将被保存）")
    p.add_argument("--dept", required=True, help="填报部门（须为牵头部门）")
    add_user_args(p, "填报人账号")
    p.set_defaults(func=record)

    p = sub.add_parser("plan-task-history", help="一项主要任务的全部进展记录")
    p.add_argument("task", help="任务编号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=history)

    p = sub.add_parser("plan-task-template", help="主要任务年度进展的 Excel 模板")
    p.add_argument("--out", required=True, help="保存为（.xlsx）")
    p.add_argument("--plan", help="只列出某计划的任务")
    p.add_argument("--dept", help="只列出某部门牵头的任务")
    p.add_argument("--year", type=int, help="预填年度")
    p.set_defaults(func=template)

    p = sub.add_parser("plan-task-load", help="导入填好的主要任务进展模板（有错则整份不导入）")
    p.add_argument("file", help="填好的 .xlsx 文件")
    add_user_args(p, "填报人账号")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=load)


def _check(ws: Workspace, plan: str | None, dept: str | None) -> str | None:
    plans = sorted({t.plan for t in ws.plan_tasks})
    if plan and plan not in plans:
        raise CliError(f"计划 '{plan}' 没有主要任务。可用：{'、'.join(plans)}")
    if not dept:
        return None
    name = normalise(dept)
    leads = sorted({d for t in ws.plan_tasks for d in t.lead})
    if name not in leads:
        close = [d for d in leads if name in d or d in name][:5]
        hint = f"是否指：{'、'.join(close)}？" if close else "请写部门全称，如 区残联。"
        raise CliError(f"没有由 '{dept}' 牵头的主要任务。{hint}")
    return name


def list_tasks(args: argparse.Namespace) -> int:
    ws = workspace(args)
    dept = _check(ws, args.plan, args.dept)
    table = plan_task_table(ws, args.year)
    if args.plan:
        table = table[table["plan"] == args.plan]
    if dept:
        table = table[table["lead"].map(lambda leads: dept in leads)]
    if args.json:
        out = table[JSON_FIELDS].copy()
        for col in ("lead", "participating", "indicators"):
            out[col] = out[col].map(list)
        print_json(out.to_dict(orient="records"))
        return 0
    for r in table.to_dict("records"):
        year = "" if pd.isna(r["year"]) else f"{r['year']}年"
        lead = "、".join(r["lead"])
        print(f"{r['id']:<14} {r['section']:<10} {r['title']}（牵头：{lead}） {year}{r['degree']}")
    counts = degree_counts(table)
    print(f"共 {len(table)} 项：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def record(args: argparse.Namespace) -> int:
    ws = workspace(args, create=True)
    evidence = args.evidence
    if evidence and not evidence.startswith(("http://", "https://")):
        path = Path(evidence)
        if not path.is_file():
            raise CliError(
                f"命令行 参数 --evidence：值 “{evidence}” — 既不是链接（http:// 或 https:// 开头），"
                "也不是存在的文件"
            )
        evidence = store_evidence(ws, path.read_bytes(), path.name)
    row = {
        "task_id": args.task,
        "year": args.year,
        "degree": args.degree,
        "progress": args.progress,
        "evidence": evidence,
        "department": args.dept,
    }
    try:
        with acting(args, ws) as actor:
            store_progress(ws, [row], actor=actor, source="命令行", labels=CLI_LABELS)
    except UpdateError as exc:
        raise CliError(_refused(exc.problems)) from None
    print(f"已记录：{args.task} {args.year}年 {args.degree}（{normalise(args.dept)}）")
    return 0


def history(args: argparse.Namespace) -> int:
    ws = workspace(args)
    if args.task not in {t.id for t in ws.plan_tasks}:
        raise CliError(
            f"主要任务 '{args.task}' 不存在。可用 `python -m plantrack plan-tasks` 查看。"
        )

    def line(r: Any) -> str:
        return f"{r.year}年 {r.degree} {r.progress}（{r.department}，{r.user_name}）"

    return print_history(progress_history(ws.store, args.task), args.json, line)


def template(args: argparse.Namespace) -> int:
    ws = workspace(args)
    dept = _check(ws, args.plan, args.dept)
    data = lambda: template_bytes(ws, plan=args.plan, dept=dept, year=args.year)  # noqa: E731
    return write_template(args.out, data, "“年度”“完成程度”“进展情况”", "plan-task-load")


def load(args: argparse.Namespace) -> int:
    return load_file(args, load_plan_bulk, "主要任务进展")
