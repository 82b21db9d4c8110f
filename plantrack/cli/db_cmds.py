"""migrate, copy: the database's schema and moving a district's data between databases."""

from __future__ import annotations

import argparse

from plantrack.settings import resolve
from plantrack.store import Store
from plantrack.store.copy import copy_database


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "migrate", help="创建或升级所选数据库的结构（DuckDB 文件或 postgresql:// 地址）"
    )
    p.set_defaults(func=migrate)

    p = sub.add_parser(
        "copy",
        help="把一个数据库的全部数据复制到另一个（如 DuckDB → PostgreSQL），在目标上一次事务完成",
    )
    p.add_argument("--from", dest="source", required=True, help="源数据库：DuckDB 文件或地址")
    p.add_argument("--to", dest="target", required=True, help="目标数据库：postgresql://… 或文件")
    p.add_argument("--replace", action="store_true", help="目标已有数据时删除后再复制")
    p.set_defaults(func=copy)


def migrate(args: argparse.Namespace) -> int:
    settings = resolve(args.db, args.config)
    store = Store(settings.database)
    before, after = store.migrate()
    if before == after:
        print(f"{settings.source} 的结构已是最新（版本 {after}）。")
    elif before == 0:
        print(f"已在{settings.source} 中创建 PlanTrack 的表（结构版本 {after}）。")
    else:
        print(f"{settings.source} 的结构已从版本 {before} 升级到 {after}。")
    return 0


def copy(args: argparse.Namespace) -> int:
    source, target = Store(args.source), Store(args.target)
    summary = copy_database(source, target, replace=args.replace)
    counts = "，".join(f"{t} {n} 行" for t, n in summary.rows.items())
    print(f"已把 {source.label} 复制到 {target.label}：{counts}。")
    return 0
