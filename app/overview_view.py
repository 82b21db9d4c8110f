"""Pieces of the overview (首页): plan filter, verdict cards, 需关注, scorecard, monitors.

Every table is built with column operations over the assessment (one row per indicator);
the only per-row Python is formatting each value with its own unit and precision.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app import components as c
from app import reporting_view
from app.i18n import t
from plantrack.charts_progress import PICK
from plantrack.charts_progress import progress_chart as progress_spec
from plantrack.present import (
    VERDICTS,
    attention,
    fmt_numbers,
    fmt_share,
    fmt_targets,
    verdict_counts,
)
from plantrack.workspace import Workspace

ALL = "__all__"
CARD_PX = 104  # verdict cards wrap: 6 or 7 in a row on a desktop, 3 on a phone
ATTENTION_LINKS = 10
CHART_PLANS = 3  # 全部规划 draws every plan's chart up to this many plans (see scorecard)


def plan_filter(ws: Workspace, table: pd.DataFrame) -> str:
    """全部规划 or one plan (plans without any indicator are left out)."""
    plans = [p for p in ws.plans if (table["plan"] == p).any()]
    labels = {ALL: t("plan.all")} | {p: c.plan_name(ws, p) for p in plans}
    choice = st.segmented_control(
        t("plan.label"),
        [ALL, *plans],
        key="ov_plan",
        default=ALL,
        required=True,
        format_func=labels.get,
    )
    return choice or ALL


def for_plan(table: pd.DataFrame, plan: str) -> pd.DataFrame:
    return table if plan == ALL else table[table["plan"] == plan]


def assessed(table: pd.DataFrame) -> pd.DataFrame:
    """Rows with a verdict (monitoring indicators are shown apart)."""
    return table[table["kind"] != "monitor"]


def verdict_cards(table: pd.DataFrame) -> None:
    """One card per verdict, worst first: coloured Material icon, word and count (never
    colour alone, no emoji font needed).

    The word is markdown, so a long one wraps instead of being cut off like a metric label.
    On a phone the columns stack; :func:`summary_line` at the top says it in one line.
    """
    counts = verdict_counts(assessed(table))
    if counts.empty:
        st.info(t("overview.none"))
        return
    row = st.container(horizontal=True, gap="small", wrap=True)
    for verdict, n in counts.items():
        with row.container(border=True, width=CARD_PX):
            st.markdown(f"**{c.verdict_md(verdict)}**")
            st.metric(c.verdict_text(verdict), f"{n:,}", label_visibility="collapsed")


def summary_line(table: pd.DataFrame, as_of: date) -> None:
    """One sentence under the title: how many are on track and how many behind, at the
    as-of date (the first thing read on a phone, where the cards stack below)."""
    counts = verdict_counts(assessed(table))
    if counts.empty:
        return
    lights = {v: VERDICTS.get(v, ("grey",))[0] for v in counts.index}
    good = int(sum(n for v, n in counts.items() if lights[v] == "green"))
    bad = int(sum(n for v, n in counts.items() if lights[v] in ("red", "yellow")))
    other = int(counts.sum()) - good - bad
    st.markdown(t("overview.summary", good=good, bad=bad, other=other, as_of=as_of.isoformat()))


def attention_list(ws: Workspace, table: pd.DataFrame, as_of: date) -> None:
    """需关注: moving away first, then lagging; 约束性 before 预期性. Each name links on."""
    reporting_view.overview_status(ws, as_of)  # x/y 个部门已报送 (填报进度)
    hit = attention(assessed(table))
    if hit.empty:
        st.success(t("overview.attention.none"))
        return
    st.caption(t("overview.attention.caption", n=len(hit)))
    head = hit.head(ATTENTION_LINKS)
    names = c.names(ws, head["indicator"])
    latest = fmt_numbers(head["latest_value"], head["precision"], head["unit"])
    target = targets(ws, head)
    # two elements per indicator (the link, its line under it), not a row of columns (five):
    # fewer elements for the browser to redraw on every as-of change
    for i, r in enumerate(head.itertuples(index=False)):
        c.indicator_link(f"{c.verdict_md(r.verdict)}｜{names.iloc[i]}", r.indicator,
                         ws.district, as_of)  # fmt: skip
        attribute = t("attr." + r.attribute) if isinstance(r.attribute, str) else "—"
        lead = c.dept_names(ws, pd.Series([r.lead])).iloc[0]
        if r.kind == "milestone":
            line = t("overview.attention.milestone", attribute=attribute, lead=lead,
                     target=target[i])  # fmt: skip
        else:
            line = t("overview.attention.line", attribute=attribute, lead=lead,
                     latest=latest[i], period=c.period_label(r.latest_period), target=target[i])  # fmt: skip
        st.caption(line)
    if len(hit) > ATTENTION_LINKS:
        with st.expander(t("overview.attention.more", n=len(hit) - ATTENTION_LINKS)):
            scorecard_table(ws, hit.iloc[ATTENTION_LINKS:], as_of, key="attention_rest")


def display_table(ws: Workspace, table: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The scorecard as readers see it: one row per indicator, formatted column by column.

    The name is a link to the indicator page (its text is taken from the link's ``n=``).
    """
    p, u = table["precision"], table["unit"]
    comp = pd.to_numeric(table["completion"], errors="coerce").astype(float)
    tau = pd.to_numeric(table["time_share"], errors="coerce").astype(float)
    comp_text = [c.completion_text(x) for x in comp]
    latest = pd.Series(fmt_numbers(table["latest_value"], p, u), index=table.index)
    # each distinct period and the language once, not per row (300 rows at province scale)
    words = {x: f"（{c.period_label(x)}）" for x in pd.unique(table["latest_period"])
             if isinstance(x, str)}  # fmt: skip
    period = table["latest_period"].map(lambda x: words[x] if isinstance(x, str) else "")
    urls = c.indicator_urls(table["indicator"], ws.district, as_of)
    names = c.names(ws, table["indicator"]).to_numpy()
    return pd.DataFrame(
        {
            "name": [f"{url}&n={name}" for url, name in zip(urls, names, strict=True)],
            "verdict": c.verdict_texts(table["verdict"]).to_numpy(),
            # a figure far outside 0–100% is written with its meaning (远超目标（597%）)
            "completion": comp_text,
            "time_share": (tau * 100).round(1).to_numpy(),
            "latest": (latest + period).to_numpy(),
            "target": targets(ws, table),
            "lead": c.dept_names(ws, table["lead"]).to_numpy(),
        }
    )


def targets(ws: Workspace, table: pd.DataFrame) -> list[str]:
    """The target as a number; a relative target as the plan words it; a milestone's deadline."""
    nums = fmt_targets(
        table["comparator"], table["target_value"], table["unit"], table["precision"]
    )
    out = []
    for ind_id, kind, num in zip(table["indicator"], table["kind"], nums, strict=True):
        ind = ws.indicators.get(ind_id)
        if ind is not None and kind == "relative" and ind.target is not None:
            out.append(ind.target.text)
        elif ind is not None and kind == "milestone" and ind.deadline is not None:
            out.append(t("target.deadline", date=ind.deadline.isoformat()))
        else:
            out.append(num)
    return out


def _column_config() -> dict:
    cc = st.column_config
    return {
        "name": cc.LinkColumn(t("col.name"), display_text=r"&n=(.*)$", width=230,
                              help=t("col.name.help")),
        "completion": cc.TextColumn(t("col.completion"), help=t("col.completion.help"),
                                    width=120),
        "time_share": cc.NumberColumn(t("col.time_share"), format="%.0f%%", width=72),
        "latest": cc.TextColumn(t("col.latest"), width=150),
        "target": cc.TextColumn(t("col.target"), width=110),
        "lead": cc.TextColumn(t("col.lead"), width=150),
    }  # fmt: skip


def scorecard_table(ws: Workspace, table: pd.DataFrame, as_of: date, key: str) -> None:
    """The table; selecting a row opens that indicator."""
    view = display_table(ws, table, as_of)
    cells, options, colours = c.badges(view["verdict"], table["light"])
    view["verdict"] = cells
    config = _column_config()
    config["verdict"] = st.column_config.MultiselectColumn(
        t("col.verdict"), options=options, color=colours, width=120, disabled=True
    )
    event = st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        key=key,
        column_config=config,
        on_select="rerun",
        selection_mode="single-row",
        height=min(38 + 35 * len(view), 600),
        placeholder="—",
    )
    row = c.selected_row(event)
    if row is not None:
        c.open_indicator(str(table["indicator"].iloc[row]), ws.district, as_of)


def progress_chart(ws: Workspace, table: pd.DataFrame, as_of: date, key: str) -> None:
    """Completion bars with the time-share mark (targets only); clicking a bar opens it."""
    rows = table[table["kind"] == "target"]
    if rows.empty:
        return
    comp = pd.to_numeric(rows["completion"], errors="coerce")
    text = c.verdict_texts(rows["verdict"]) + comp.map(
        lambda x: "" if pd.isna(x) else " " + fmt_share(x, 0)
    )
    data = pd.DataFrame(
        {
            "indicator": rows["indicator"],
            "name": c.names(ws, rows["indicator"]),
            "completion": comp,
            "time_share": rows["time_share"],
            "light": rows["light"],
            "text": text,
        }
    )
    labels = {"completion": t("col.completion"), "time_share": t("col.time_share")}
    event = st.vega_lite_chart(
        spec=progress_spec(data, labels),
        key=key,
        on_select="rerun",
        selection_mode=PICK,
        width="stretch",
    )
    picked = picked_indicator(event)
    if picked:
        c.open_indicator(picked, ws.district, as_of)


def picked_indicator(event: object) -> str | None:
    """The indicator clicked in the progress chart (its ``pick`` selection), if any."""
    sel = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    for point in (sel or {}).get(PICK) or []:
        if isinstance(point, dict) and point.get("indicator"):
            return str(point["indicator"])
    return None


def scorecard(ws: Workspace, table: pd.DataFrame, plan: str, as_of: date) -> None:
    """Per plan: the progress chart, then its numbers (one click away, in the table).

    Under 全部规划 with more than :data:`CHART_PLANS` plans (a province's registry) only the
    tables are drawn and each plan's chart when that plan is chosen: six charts of ~50 bars
    took ~0.5 s of the browser's time on every as-of change (1.3 s → 0.85 s per rerun)."""
    shown = assessed(table)
    plans = [p for p in ws.plans if (shown["plan"] == p).any()]
    charts = plan != ALL or len(plans) <= CHART_PLANS
    if not charts:
        st.caption(t("overview.charts_per_plan", n=len(plans)))
    for plan_id in plans if plan == ALL else [plan]:
        part = shown[shown["plan"] == plan_id]
        if part.empty:
            continue
        info = ws.plans[plan_id]
        st.markdown(f"#### {c.plan_name(ws, plan_id)}")
        doc_no = f"（{info.doc_no}）" if info.doc_no else ""
        st.caption(f"{c.plan_full_name(ws, plan_id)}{doc_no}")
        if charts:
            progress_chart(ws, part, as_of, key=f"progress_{plan_id}")
        scorecard_table(ws, part, as_of, key=f"scorecard_{plan_id}")


def monitors(ws: Workspace, table: pd.DataFrame, as_of: date) -> None:
    """Monitoring indicators (no target): trend only, in a collapsed section."""
    mon = table[table["kind"] == "monitor"]
    if mon.empty:
        return
    with st.expander(t("overview.monitors", n=len(mon)), expanded=False):
        st.caption(t("overview.monitors.caption"))
        rate = pd.to_numeric(mon["cagr_ratio"], errors="coerce")
        view = pd.DataFrame(
            {
                "name": c.names(ws, mon["indicator"]).to_numpy(),
                "latest": fmt_numbers(mon["latest_value"], mon["precision"], mon["unit"]),
                "period": mon["latest_period"].fillna("—").to_numpy(),
                "growth": (rate * 100).round(2).to_numpy(),
                "trend": mon["cagr_class"].map(c.growth_text).to_numpy(),
                "lead": c.dept_names(ws, mon["lead"]).to_numpy(),
            }
        )
        urls = c.indicator_urls(mon["indicator"], ws.district, as_of)
        view["name"] = [f"{u}&n={n}" for u, n in zip(urls, view["name"], strict=True)]
        cc = st.column_config
        st.dataframe(
            view,
            hide_index=True,
            width="stretch",
            key="monitors",
            column_config={
                "name": cc.LinkColumn(t("col.name"), display_text=r"&n=(.*)$", width=260),
                "latest": cc.TextColumn(t("col.latest")),
                "period": cc.TextColumn(t("col.period")),
                "growth": cc.NumberColumn(t("col.growth"), format="%.1f%%",
                                          help=t("col.growth.help")),
                "trend": cc.TextColumn(t("col.trend")),
                "lead": cc.TextColumn(t("col.lead")),
            },
            placeholder="—",
        )  # fmt: skip
