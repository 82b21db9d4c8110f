"""template, validate, load: the statisticians' upload path from the command line.

Exit codes: ``validate`` 0 valid (warnings allowed), 1 errors, 2 unreadable; ``load`` 0
loaded, 1 refused (nothing stored), 2 unreadable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plantrack.cli.auth_cmds import acting, add_user_args
from plantrack.cli.common import CliError, print_json, workspace
from plantrack.periods import parse_period

MAP_HELP = (
    '列名对应：源列名=字段，逗号分隔，如 "Country=地区,Year=报告期,Fertility=fert.rate"；'
    "字段为 地区代码/地区/指标代码/指标名称/报告期/数值/备注、指标代码（宽表的指标列）或 ignore"
)
SKIP_HELP = (
    "跳过地区未配置的行（如世界银行文件的 WLD、EUU 等汇总行），以一条警告列出；"
    "不加此项时这些行是错误，文件不入库"
)


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    from plantrack.ingest.columns import MappingError, parse_mapping

    try:
        return parse_mapping(getattr(args, "mapping", None))
    except MappingError as exc:
        raise CliError(str(exc), 2) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="生成某一报告期的填报模板（.xlsx 或 .csv）")
    p.add_argument("--period", required=True, help="报告期，如 2024Q1、2024 或 2024-03（按月）")
    p.add_argument("--layout", choices=["long", "wide"], default="long", help="长表或宽表")
    p.add_argument("--plan", help="只含该规划的指标（规划代码）")
    p.add_argument("--department", help="只含该部门牵头的指标，如 区残联")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", dest="fmt")
    p.add_argument("--out", required=True, help="输出文件")
    p.set_defaults(func=template)

    p = sub.add_parser("validate", help="检查上报文件（通过退出 0，有错误 1，无法读取 2）")
    p.add_argument("file", help=".xlsx 或 .csv 文件")
    p.add_argument("--map", dest="mapping", help=MAP_HELP)
    p.add_argument("--skip-unknown-areas", action="store_true", help=SKIP_HELP)
    p.add_argument("--json", action="store_true", help="输出 JSON 检查报告")
    p.set_defaults(func=validate)

    p = sub.add_parser("load", help="检查并入库（入库 0，拒绝 1，无法读取 2）")
    p.add_argument("file", help=".xlsx 或 .csv 文件")
    p.add_argument("--map", dest="mapping", help=MAP_HELP)
    p.add_argument("--skip-unknown-areas", action="store_true", help=SKIP_HELP)
    add_user_args(p, "填报人账号")
    p.add_argument("--accept-warnings", action="store_true", help="确认警告后入库（须填 --reason）")
    p.add_argument("--reason", help="确认警告或修订数值的原因")
    p.add_argument("--json", action="store_true", help="输出 JSON 结果")
    p.set_defaults(func=load)


def template(args: argparse.Namespace) -> int:
    from plantrack.templates import build_template, departments
    from plantrack.workspace import open_registry

    period = parse_period(args.period)
    if period is None:
        raise CliError(f"报告期 '{args.period}' 无法识别，请写成 2024Q1、2024 或 2024-03。", 2)
    ws = open_registry(args.db, args.config)  # no database needed (none is created)
    if args.plan and args.plan not in ws.plans:
        raise CliError(f"规划 '{args.plan}' 不存在。可用：{', '.join(ws.plans)}。", 2)
    if args.department and args.department not in departments(ws):
        raise CliError(
            f"没有由“{args.department}”牵头的可上报指标。可用：{'、'.join(departments(ws))}。", 2
        )
    if args.fmt == "csv" and args.layout == "wide":
        raise CliError("CSV 模板只有长表格式；宽表请用 --format xlsx。", 2)
    data = build_template(ws, period, args.layout, args.plan, args.fmt, args.department)
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CliError(f"无法写入 {out}：{exc.strerror or exc}", 2) from None
    print(f"已生成 {period} 填报模板：{out}")
    return 0


def _show(result, as_json: bool) -> None:
    if as_json:
        print_json(result.to_dict())
        return
    for p in result.report.errors:
        print(f"错误  {p.text}")
    for p in result.report.warnings:
        print(f"警告  {p.text}")
    print(result.message, file=sys.stderr if result.exit_code else sys.stdout)


def validate(args: argparse.Namespace) -> int:
    from plantrack.upload import check_path

    mapping = _mapping(args)
    result = check_path(
        workspace(args),
        args.file,
        keep=False,
        mapping=mapping,
        skip_unknown_areas=args.skip_unknown_areas,
    )
    _show(result, args.json)
    return result.exit_code


def load(args: argparse.Namespace) -> int:
    from plantrack.upload import check_path
    from plantrack.upload import load as load_checked

    if args.accept_warnings and not (args.reason or "").strip():
        raise CliError("使用 --accept-warnings 时必须用 --reason 写明原因。", 1)
    mapping = _mapping(args)
    ws = workspace(args, create=True)
    with acting(args, ws) as actor:
        result = check_path(
            ws,
            args.file,
            user=actor.name,
            mapping=mapping,
            skip_unknown_areas=args.skip_unknown_areas,
        )
        if result.outcome == "valid":
            result = load_checked(
                ws, result, actor=actor, reason=args.reason, accept_warnings=args.accept_warnings
            )
    _show(result, args.json)
    return result.exit_code
