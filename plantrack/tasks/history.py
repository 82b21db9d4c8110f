"""Marks for the records of a rolled-back progress file in a task's history (task-history,
plan-task-history and the pages): they stay listed, marked as withdrawn."""

from __future__ import annotations

import pandas as pd


def withdrawn_mark(batch_id: object, withdrawn_by: object) -> str:
    """ "（已撤回：批次 #7 已由批次 #9 回滚）" for a withdrawn record, else ""."""
    if withdrawn_by is None or pd.isna(withdrawn_by):  # type: ignore[call-overload]
        return ""
    return f"（已撤回：批次 #{int(batch_id)} 已由批次 #{int(withdrawn_by)} 回滚）"  # type: ignore[call-overload]


def withdrawn_marks(df: pd.DataFrame) -> pd.Series:
    """One mark per row of a history frame (columns batch_id, withdrawn_by)."""
    if "withdrawn_by" not in df.columns:
        return pd.Series([""] * len(df), index=df.index, dtype=object)
    return pd.Series(
        [withdrawn_mark(b, w) for b, w in zip(df["batch_id"], df["withdrawn_by"], strict=True)],
        index=df.index,
        dtype=object,
    )
