"""Reusable pieces of the pages: date picker, verdict cards, scorecard, attention list."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app.i18n import t
from plantrack.present import (
    ATTENTION,
    LIGHT_DOTS,
    fmt_number,
    fmt_target,
    verdict_icon,
    verdict_rank,
)

MID, FINAL = date(2023, 12, 31), date(2025, 12, 31)


def as_of_picker(key: str = "as_of") -> date:
    """An as-of date with quick picks 中期 / 终期 / 今天."""
    if key not in st.session_state:
        st.session_state[key] = date.today()
    cols = st.columns([2, 1, 1, 1])
    for col, label, value in (
        (cols[1], t("asof.mid"), MID),
        (cols[2], t("asof.final"), FINAL),
        (cols[3], t("asof.today"), date.today()),
    ):
        if col.button(label, key=f"{key}_{value}", width="stretch"):
            st.session_state[key] = value
    return cols[0].date_input(t("asof.label"), key=key, min_value=date(2020, 1, 1))


def verdict_cards(table: pd.DataFrame) -> None:
    counts = table["verdict"].fillna("无法评估").value_counts()
    ordered = sorted(counts.index, key=verdict_rank)
    cols = st.columns(max(len(ordered), 1))
    for col, verdict in zip(cols, ordered, strict=False):
        col.metric(f"{verdict_icon(verdict)} {verdict}", int(counts[verdict]))


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as readers see it: formatted numbers, light dots and verdict icons."""
    rows = []
    for r in table.itertuples():
        p = int(r.precision)
        rows.append(
            {
                t("col.light"): LIGHT_DOTS.get(r.light or "grey", "⚪"),
                t("col.name"): r.name,
                t("col.verdict"): f"{verdict_icon(r.verdict)} {r.verdict}",
                t("col.completion"): None if pd.isna(r.completion) else float(r.completion),
                t("col.time_share"): None if pd.isna(r.time_share) else float(r.time_share),
                t("col.latest"): fmt_number(r.latest_value, p, r.unit),
                t("col.period"): r.latest_period or "—",
                t("col.target"): fmt_target(r.comparator, r.target_value, r.unit, p),
                t("col.lead"): r.lead,
                t("col.attribute"): r.attribute or "",
            }
        )
    return pd.DataFrame(rows)


def scorecard(table: pd.DataFrame, key: str) -> None:
    st.dataframe(
        display_table(table),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            t("col.completion"): st.column_config.ProgressColumn(
                t("col.completion"), format="percent", min_value=0.0, max_value=1.0
            ),
            t("col.time_share"): st.column_config.NumberColumn(
                t("col.time_share"), format="percent"
            ),
        },
    )


def attention_list(table: pd.DataFrame) -> None:
    """Moving away first, then lagging; 约束性 before 预期性."""
    hit = table[table["verdict"].isin(ATTENTION)].copy()
    if hit.empty:
        st.success(t("overview.attention.none"))
        return
    hit["rank"] = hit["verdict"].map(verdict_rank)
    hit["binding"] = (hit["attribute"] != "约束性").astype(int)
    for r in hit.sort_values(["rank", "binding", "order"]).itertuples():
        st.markdown(
            f"{LIGHT_DOTS.get(r.light, '⚪')} **{r.name}** — {verdict_icon(r.verdict)} {r.verdict}"
            f"（{r.attribute or '—'}，{t('col.lead')}：{r.lead}）"
        )
