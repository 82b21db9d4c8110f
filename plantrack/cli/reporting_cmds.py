"""reporting (填报进度): what is due, reported and late per department for one period."""

from __future__ import annotations

import argparse
from datetime import date

from plantrack import reporting as rp
from plantrack.cli.common import CliError, parse_date, print_json, workspace

MARKS = {rp.LATE: "✖", rp.PENDING: "…", rp.LATE_REPORTED: "△", rp.ON_TIME: "✔"}
STATE_MARKS = {rp.DEPT_LATE: "✖", rp.DEPT_PENDING: "…", rp.DEPT_DONE: "✔"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reporting", help="填报进度：各部门某期应报、已报、逾期")
    p.add_argument("--period", required=True, help="期间：2024Q1（季度）或 2024（年度）")
    p.add_argument("--as-of", type=parse_date, help="统计日（默认今天）")
    p.add_argument("--dept", help="只看某部门")
    p.add_argument("--json", action="store_true", help="输出 JSON（部门汇总与逐项明细）")
    p.set_defaults(func=reporting)


def reporting(args: argparse.Namespace) -> int:
    ws = workspace(args)
    try:
        period = rp.parse(args.period)
    except rp.PeriodError as exc:
        raise CliError(str(exc), code=2) from None
    as_of = args.as_of or date.today()
    items = rp.period_items(ws, period, as_of)
    if args.dept:
        if args.dept not in set(items["department"]):
            names = "、".join(sorted(set(items["department"])))
            raise CliError(
                f"部门 '{args.dept}' 在 {period} 没有应报事项。有应报事项的部门：{names}"
            )
        items = items[items["department"] == args.dept]
    summary = rp.summarise(items, rp.approvals(ws))  # with 草稿 / 已提交 / 已审核
    done, total = rp.departments_reported(summary)
    if args.json:
        print_json(
            {
                "period": str(period),
                "as_of": as_of,
                "due_date": rp.rules_from_settings().due_date(period),
                "departments_reported": done,
                "departments": total,
                "summary": summary.to_dict(orient="records"),
                "items": items.to_dict(orient="records"),
            }
        )
        return 0
    due = rp.rules_from_settings().due_date(period)
    print(f"{period} 填报进度（截止日 {due}，统计日 {as_of}）：{done}/{total} 个部门已报送")
    for r in summary.to_dict("records"):
        print(
            f"{STATE_MARKS[r['state']]} {r['state']:<4} {r['department']:<14} 应报 {r['due']}，"
            f"已报 {r['reported']}（逾期报送 {r['late_reported']}），逾期未报 {r['late']}，"
            f"待报 {r['pending']}；审核状态 {r['approval']}"
        )
        for it in items[items["department"] == r["department"]].to_dict("records"):
            if it["status"] in (rp.LATE, rp.PENDING):
                print(f"      {MARKS[it['status']]} {it['status']} {it['item']} {it['name']}")
    return 0
