"""report: the 中期评估 / 总结评估 report as .docx, .xlsx or .pdf."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from plantrack.cli.auth_cmds import acting, add_user_args
from plantrack.cli.common import CliError, area_code, parse_date, workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="生成评估报告（Word / Excel 附表 / PDF）",
        description="生成中期评估 / 总结评估报告。以相同的 --as-of 和 --known-on 重新生成，数值不变。",
    )
    p.add_argument("--as-of", type=parse_date, required=True, help="评估基准日，如 2023-12-31")
    p.add_argument(
        "--known-on",
        type=parse_date,
        help="数据截至日：只用该日及以前入库的数据（默认今天；报告中注明）",
    )
    p.add_argument(
        "--plan",
        action="append",
        help="规划代码，可重复或用逗号分隔（默认全部规划）",
    )
    p.add_argument("--area", help="地区代码（默认全区）")
    p.add_argument(
        "--org", help="编制单位（默认取 plantrack.toml [report] issuer，否则取规划的印发单位）"
    )
    p.add_argument("--out", required=True, help="输出文件：报告.docx、附表.xlsx 或 报告.pdf")
    p.set_defaults(func=report)

    p = sub.add_parser(
        "analysis-set",
        help="填写指标的原因分析和下一步措施（报告§四、§五）",
        description="由牵头部门填写某指标未达进度的原因和下一步措施；每次保存新增一条记录，不覆盖历史。",
    )
    p.add_argument("indicator", help="指标代码，如 fitness.instructors_per_10k")
    p.add_argument("--area", help="地区代码（默认全区）")
    p.add_argument("--cause", help="原因分析（报告§四）")
    p.add_argument("--measures", help="下一步措施（报告§五）")
    add_user_args(p, "填报人账号（统计员：本部门牵头或参与的指标；评估人员、管理员：任一指标）")
    p.set_defaults(func=analysis_set)


def _plans(args: argparse.Namespace, known: dict) -> list[str] | None:
    if not args.plan:
        return None
    plans = [p.strip() for item in args.plan for p in item.split(",") if p.strip()]
    bad = [p for p in plans if p not in known]
    if bad:
        raise CliError(f"规划 '{'、'.join(bad)}' 不存在。可用：{', '.join(known)}。")
    return plans


def report(args: argparse.Namespace) -> int:
    from plantrack.report import DEFAULT_ORG, FORMATS, build_content, write_report
    from plantrack.report.output import PdfUnavailable

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        raise CliError(
            f"输出文件 '{out}' 的格式无法识别：请以 {'、'.join(FORMATS)} 结尾，如 报告.docx。", 2
        )
    ws = workspace(args)
    args.area = area_code(ws, args.area)
    plans = _plans(args, ws.plans)
    known_on = args.known_on or date.today()
    if known_on < args.as_of:
        print(f"提示：数据截至日 {known_on} 早于评估基准日 {args.as_of}，之后上报的数据不会计入。")
    content = build_content(
        ws, args.as_of, known_on, plans=plans, area=args.area, org=args.org or DEFAULT_ORG
    )
    try:
        path = write_report(content, out)
    except PdfUnavailable as exc:
        raise CliError(str(exc), 2) from None
    except OSError as exc:
        raise CliError(f"无法写入 {out}：{exc.strerror or exc}") from None
    print(
        f"已生成 {path}：{content.title}\n"
        f"  评估基准日 {content.as_of}，数据截至 {content.known_on}，主要指标 {len(content.table)} 个\n"
        f"  使用批次 {'、'.join(map(str, content.batch_ids)) or '无'}；"
        f"配置哈希 {content.config_hash[:16]}；数据指纹 {content.fingerprint}"
    )
    return 0


def analysis_set(args: argparse.Namespace) -> int:
    from plantrack.store.analysis import MAX_TEXT, record_analysis

    if args.cause is None and args.measures is None:
        raise CliError("请至少填写 --cause（原因分析）或 --measures（下一步措施）之一。")
    for flag, value in (("--cause", args.cause), ("--measures", args.measures)):
        if value is not None and len(value) > MAX_TEXT:
            raise CliError(
                f"命令行 参数 {flag}：共 {len(value)} 字，超过 {MAX_TEXT} 字上限，请精简后再保存。"
            )
    ws = workspace(args, create=True)
    if args.indicator not in ws.indicators:
        raise CliError(
            f"命令行 参数 INDICATOR：指标代码 “{args.indicator}” 不存在，"
            "可用代码见 python -m plantrack assess 或 indicators.yaml。"
        )
    area = area_code(ws, args.area) or ws.district
    with acting(args, ws) as actor:
        user = record_analysis(
            ws.store, args.indicator, area, cause=args.cause, measures=args.measures,
            actor=actor, scope=ws.scope,
        )  # fmt: skip
    name = ws.indicators[args.indicator].name
    print(
        f"已保存“{name}”（{ws.area_names[area]}）的原因分析和措施（填报人 {user}）；"
        "报告按数据截至日使用最新一条。"
    )
    return 0
