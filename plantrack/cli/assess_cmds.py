"""assess: the indicator table with verdicts, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from plantrack.cli.common import CliError, area_code, parse_date, print_json, workspace
from plantrack.present import fmt_number, fmt_share, fmt_target


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("assess", help="评估全部指标（完成进度、时序进度、评价）")
    p.add_argument(
        "--as-of", type=parse_date, default=date.today(), help="评估基准日，如 2023-12-31"
    )
    p.add_argument("--known-on", type=parse_date, help="只用该日前已上报的数据（复现历史报告）")
    p.add_argument("--area", help="地区代码（默认全区）")
    p.add_argument("--plan", help="规划代码")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="输出 JSON 数组")
    fmt.add_argument("--csv", action="store_true", help="输出 CSV")
    p.set_defaults(func=assess)


def assess(args: argparse.Namespace) -> int:
    from plantrack.scorecard import assessment_table, to_records

    ws = workspace(args)
    args.area = area_code(ws, args.area)
    if args.plan and args.plan not in ws.plans:
        raise CliError(f"规划 '{args.plan}' 不存在。可用：{', '.join(ws.plans)}。")
    table = assessment_table(ws, args.as_of, known_on=args.known_on, area=args.area, plan=args.plan)
    records = to_records(table)
    if not records and not args.json and not args.csv:
        plan = args.plan or "<规划代码>"
        print(f"该规划没有量化指标（任务见 `python -m plantrack tasks --plan {plan}`）")
    elif args.json:
        print_json(records)
    elif args.csv:
        table.drop(columns=["order"]).to_csv(sys.stdout, index=False)
    else:
        for r, p in zip(records, table["precision"], strict=True):
            latest = fmt_number(r["latest"]["value"], int(p), r["unit"])
            target = fmt_target(r["target"]["comparator"], r["target"]["value"], r["unit"], int(p))
            print(
                f"{r['verdict']:<7}{r['name']}：现状 {latest}（{r['latest']['period'] or '无数据'}），"
                f"目标 {target}，完成进度 {fmt_share(r['completion'])}，"
                f"时序进度 {fmt_share(r['time_share'])}"
            )
    return 0
