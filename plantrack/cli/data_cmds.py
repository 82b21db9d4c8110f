"""batches, history, rollback; init, backup, restore, cleanup (the database file)."""

from __future__ import annotations

import argparse
from pathlib import Path

from plantrack.cli.auth_cmds import acting, add_user_args
from plantrack.cli.common import CliError, area_code, new_workspace, print_json, workspace
from plantrack.store.store import LoadSummary
from plantrack.store.task_updates import Withdrawal


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batches", help="列出上报批次")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=batches)

    p = sub.add_parser("history", help="一个指标的全部修订记录")
    p.add_argument("indicator", help="指标代码")
    p.add_argument("--area", help="地区代码")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=history)

    p = sub.add_parser("rollback", help="整体回滚一个批次（以新批次恢复此前的数值）")
    p.add_argument("batch", type=int, help="批次号")
    add_user_args(p, "管理员账号")
    p.add_argument("--reason", required=True, help="回滚原因")
    p.set_defaults(func=rollback)

    p = sub.add_parser(
        "init", help="新建空的正式数据库（唯一会创建数据库文件的命令，示例库用 init-demo）"
    )
    p.set_defaults(func=init)

    p = sub.add_parser("backup", help="备份数据库（先检查文件完好）")
    p.add_argument("--out", help="备份文件（默认 数据库所在文件夹/backups/名称-时间.duckdb）")
    p.set_defaults(func=backup)

    p = sub.add_parser("restore", help="用备份替换数据库（原文件另存为 .damaged-时间）")
    p.add_argument("file", help="备份文件")
    p.set_defaults(func=restore)

    p = sub.add_parser("cleanup", help="删除超过保留天数或总量的被拒上传文件")
    p.add_argument("--days", type=float, help="保留天数（默认 keep_refused_days，30）")
    p.add_argument("--mb", type=float, help="保留总量 MB（默认 keep_refused_mb，200）")
    p.set_defaults(func=cleanup)


def batches(args: argparse.Namespace) -> int:
    df = workspace(args).store.batches()
    if args.json:
        print_json(df.to_dict(orient="records"))
        return 0
    if df.empty:
        print("还没有任何批次。")
        return 0
    for b in df.itertuples():
        print(
            f"#{b.id:<4} {b.created_at:%Y-%m-%d %H:%M}  {b.status:<11} {b.user_name}  "
            f"{b.file_name or ''}  共{b.n_rows}行：新增{b.n_new} 修订{b.n_revised} 未变{b.n_unchanged}"  # type: ignore[str-bytes-safe]
        )
    return 0


def history(args: argparse.Namespace) -> int:
    ws = workspace(args)
    if args.indicator not in ws.indicators:
        raise CliError(
            f"指标 '{args.indicator}' 不存在。可用 `python -m plantrack assess` 查看指标代码。"
        )
    df = ws.store.history(args.indicator, area_code(ws, args.area))
    if args.json:
        print_json(df.to_dict(orient="records"))
        return 0
    for r in df.itertuples():
        value = "（删除）" if r.deleted else r.value
        reason = r.reason if isinstance(r.reason, str) else ""  # a missing reason is NaN
        print(
            f"{r.area} {r.period} 第{r.revision}版 = {value}  批次#{r.batch_id} "  # type: ignore[str-bytes-safe]
            f"{r.recorded_at:%Y-%m-%d} {r.user_name} {reason}".rstrip()
        )
    return 0


def rollback(args: argparse.Namespace) -> int:
    ws = workspace(args, create=True)
    with acting(args, ws) as actor:
        s = ws.store.rollback(args.batch, actor=actor, reason=args.reason, scope=ws.scope)
    print(rollback_done(args.batch, s))
    return 0


WITHDRAWN = {"task-load": "条任务进展", "plan-task-load": "条规划主要任务进展"}


def rollback_done(batch: int, s: LoadSummary) -> str:
    """What a rollback did: values restored (observations) or progress rows withdrawn."""
    if isinstance(s, Withdrawal):
        what = WITHDRAWN.get(s.source, "条进展")
        return (
            f"已回滚批次 {batch}：新批次 #{s.batch_id} 撤回了 {s.withdrawn} {what}"
            "（不再计入任务状态，记录仍可在进展记录中查看）。"
        )
    return f"已回滚批次 {batch}：新批次 #{s.batch_id} 恢复了 {s.stored} 个数值。"


def _db_path(args: argparse.Namespace) -> Path:
    from plantrack.settings import resolve

    settings = resolve(args.db, args.config)
    return settings.db_path


def init(args: argparse.Namespace) -> int:
    path = _db_path(args)
    if path.exists():
        raise CliError(f"数据库文件 {path} 已存在，未做任何改动。", 1)
    if not args.db:
        from plantrack.settings import resolve

        if resolve(None, args.config).demo:
            raise CliError("请用 --db FILE（或 PLANTRACK_DB）指定要新建的正式数据库文件。", 2)
    new_workspace(args)
    print(f"已新建空的正式数据库 {path}。")
    return 0


def backup(args: argparse.Namespace) -> int:
    from plantrack.store.duckdb_file import backup as backup_file

    out = backup_file(_db_path(args), Path(args.out) if args.out else None)
    print(f"已备份到 {out}（已检查完好）。")
    return 0


def restore(args: argparse.Namespace) -> int:
    from plantrack.store.duckdb_file import restore as restore_file

    path = _db_path(args)
    kept = restore_file(path, Path(args.file))
    where = f"原文件已另存为 {kept}。" if kept else ""
    print(f"已用 {args.file} 恢复数据库 {path}。{where}")
    return 0


def cleanup(args: argparse.Namespace) -> int:
    from plantrack import settings
    from plantrack.ingest.files import cleanup as clean_files

    days, mb = settings.keep_refused()
    folder = settings.resolve(args.db, args.config).uploads_dir
    removed, freed = clean_files(folder, args.days or days, args.mb or mb)
    print(
        f"已删除 {removed} 个被拒上传文件，释放 {freed / 1024 / 1024:.1f} MB（{folder}/refused）。"
    )
    return 0
