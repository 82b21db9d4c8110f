"""batches, history, rollback."""

from __future__ import annotations

import argparse

from plantrack.cli.auth_cmds import acting, add_user_args
from plantrack.cli.common import CliError, print_json, workspace


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
    df = ws.store.history(args.indicator, args.area)
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
    print(f"已回滚批次 {args.batch}：新批次 #{s.batch_id} 恢复了 {s.stored} 个数值。")
    return 0
