"""check-config, schema, init-demo."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from plantrack.cli.common import CliError, new_workspace
from plantrack.config import load_config_with_warnings
from plantrack.config.schema import schema_json
from plantrack.settings import resolve
from plantrack.workspace import fill_demo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check-config", help="检查 indicators.yaml（有效退出 0，有误退出 2）")
    p.add_argument("path", nargs="?", help="配置文件路径（默认 indicators.yaml）")
    p.set_defaults(func=check_config)

    p = sub.add_parser(
        "new-config", help="为新的地区写一个带注释的最简 indicators.yaml（可直接通过 check-config）"
    )
    p.add_argument(
        "--name", required=True, help="名称，如 “某某区规划指标” 或 “Fertility 2000-2011”"
    )
    p.add_argument(
        "--areas", required=True, help="地区 CSV：代码,名称[,别名]（可有表头 code,name）"
    )
    p.add_argument("--out", default="indicators.yaml", help="输出文件（默认 indicators.yaml）")
    p.add_argument("--parent-code", default="ALL", help="上级地区代码（默认 ALL）")
    p.add_argument("--parent-name", help="上级地区名称（默认与 --name 相同）")
    p.add_argument("--start", type=int, default=2021, help="规划期起始年（默认 2021）")
    p.add_argument("--end", type=int, default=2025, help="规划期末年（默认 2025）")
    p.add_argument("--base", help="基期（默认起始年的前一年）")
    p.add_argument("--frequency", choices=["year", "quarter", "month"], default="year")
    p.add_argument("--force", action="store_true", help="覆盖已有文件")
    p.set_defaults(func=new_config)

    p = sub.add_parser("schema", help="输出 indicators.yaml 的 JSON Schema")
    p.set_defaults(func=schema)

    p = sub.add_parser("init-demo", help="向所选数据库写入示例数据（模拟，非官方统计）")
    p.set_defaults(func=init_demo)


def check_config(args: argparse.Namespace) -> int:
    path = args.path or args.config or resolve().config_path
    reg, warnings = load_config_with_warnings(path)
    for w in warnings:
        print(w)
    n_ms = sum(1 for i in reg.indicators if i.kind == "milestone")
    print(
        f"{path}: 有效 — {len(reg.plans)} 个规划，{len(reg.indicators)} 个指标（其中里程碑 {n_ms} 个），"
        f"{1 + len(reg.areas.subareas)} 个地区。"
    )
    return 0


def schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema_json(), ensure_ascii=False, indent=2))
    return 0


def init_demo(args: argparse.Namespace) -> int:
    ws = new_workspace(args)
    if ws.store.counts()["observations"]:
        raise CliError(f"数据库 {ws.store.label} 已有数据；示例数据只写入空数据库。", 1)
    n = fill_demo(ws)
    print(f"已向 {ws.store.label} 写入示例数据 {n} 条（模拟，非官方统计）。")
    return 0


def new_config(args: argparse.Namespace) -> int:
    from plantrack.config.starter import AreaRow, StarterError, read_areas, starter_yaml

    out, src = Path(args.out), Path(args.areas)
    if out.exists() and not args.force:
        raise CliError(f"{out} 已存在；换一个 --out 或加 --force 覆盖。", 2)
    try:
        text = src.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CliError(f"无法读取地区文件 {src}：{exc.strerror or exc}", 2) from None
    except UnicodeDecodeError:
        raise CliError(f"地区文件 {src} 不是 UTF-8 编码；请另存为 UTF-8 CSV。", 2) from None
    try:
        areas = read_areas(text, src.name)
    except StarterError as exc:
        raise CliError(str(exc), 2) from None
    parent = AreaRow(args.parent_code, args.parent_name or args.name)
    if args.end < args.start:
        raise CliError(f"--end {args.end} 早于 --start {args.start}。", 2)
    base = args.base or str(args.start - 1)
    yaml = starter_yaml(args.name, areas, parent, args.start, args.end, base, args.frequency)
    draft = out.with_name(f".{out.name}.draft")
    try:
        draft.write_text(yaml, encoding="utf-8")
        try:
            load_config_with_warnings(draft)  # the starter must pass check-config as written
            draft.replace(out)
        finally:
            draft.unlink(missing_ok=True)
    except OSError as exc:
        raise CliError(f"无法写入 {out}：{exc.strerror or exc}", 2) from None
    print(f"已写入 {out}：{len(areas)} 个下级地区，1 个规划，1 个示例指标。")
    print(f"下一步：编辑示例指标，然后运行 python -m plantrack check-config {out}")
    return 0
