"""check-config, schema, init-demo."""

from __future__ import annotations

import argparse
import json

from plantrack.cli.common import CliError, workspace
from plantrack.config import load_config_with_warnings
from plantrack.config.schema import schema_json
from plantrack.settings import resolve
from plantrack.workspace import fill_demo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check-config", help="检查 indicators.yaml（有效退出 0，有误退出 2）")
    p.add_argument("path", nargs="?", help="配置文件路径（默认 indicators.yaml）")
    p.set_defaults(func=check_config)

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
    ws = workspace(args, create=True)
    if ws.store.counts()["observations"]:
        raise CliError(f"数据库 {ws.settings.db_path} 已有数据；示例数据只写入空数据库。", 1)
    n = fill_demo(ws)
    print(f"已向 {ws.settings.db_path} 写入示例数据 {n} 条（模拟，非官方统计）。")
    return 0
