"""Plotly figures of the task board (no Streamlit): the timeline of deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from plantrack.present import LIGHT_COLOURS

DEFAULT_LABELS = {
    "逾期": "逾期",
    "due_soon": "30日内到期",
    "进行中": "进行中",
    "逾期完成": "逾期完成",
    "已完成": "已完成",
    "done_on": "完成日期",
    "as_of": "评估基准日",
    "due": "完成时限",
}
COLOURS = {
    "逾期": LIGHT_COLOURS["red"],
    "due_soon": LIGHT_COLOURS["yellow"],
    "进行中": "#1f4e79",
    "逾期完成": "#ef6c00",
    "已完成": LIGHT_COLOURS["green"],
}
TITLE_MAX = 18


def _names(table: pd.DataFrame) -> list[str]:
    """Row labels: the title (shortened), made unique with the id where titles repeat."""
    short = [t if len(t) <= TITLE_MAX else t[: TITLE_MAX - 1] + "…" for t in table["title"]]
    seen: dict[str, int] = {}
    for s in short:
        seen[s] = seen.get(s, 0) + 1
    return [s if seen[s] == 1 else f"{s}（{i}）" for s, i in zip(short, table["id"], strict=True)]


def deadline_timeline(
    table: pd.DataFrame, as_of: date, labels: Mapping[str, str] = DEFAULT_LABELS
) -> go.Figure:
    """One row per task: its due date (◆, coloured by status), its done date (●) joined to it,
    and a vertical line at the as-of date. ``table`` is :func:`task_table`'s output."""
    t = table.assign(name=_names(table))
    t["group"] = t["status"].where(~t["due_soon"], "due_soon")
    fig = go.Figure()
    done = t[t["done_on"].notna()]
    if not done.empty:
        xs: list = []
        ys: list = []
        for r in done.itertuples():
            xs += [r.due, r.done_on, None]
            ys += [r.name, r.name, None]
        fig.add_scatter(
            x=xs, y=ys, mode="lines", line={"color": "#bdbdbd", "width": 2},
            hoverinfo="skip", showlegend=False,
        )  # fmt: skip
        fig.add_scatter(
            x=done["done_on"], y=done["name"], mode="markers", name=labels["done_on"],
            marker={"symbol": "circle", "size": 8, "color": "#616161"},
            customdata=done[["id", "label"]],
            hovertemplate="%{customdata[0]}<br>" + labels["done_on"]
            + " %{x|%Y-%m-%d}<br>%{customdata[1]}<extra></extra>",
        )  # fmt: skip
    for group, colour in COLOURS.items():
        part = t[t["group"] == group]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["due"], y=part["name"], mode="markers", name=labels[group],
            marker={"symbol": "diamond", "size": 11, "color": colour},
            customdata=part[["id", "label", "units", "deadline_text"]],
            hovertemplate="%{customdata[0]} %{customdata[1]}<br>" + labels["due"]
            + " %{x|%Y-%m-%d}（%{customdata[3]}）<br>%{customdata[2]}<extra></extra>",
        )  # fmt: skip
    fig.add_vline(
        x=pd.Timestamp(as_of).timestamp() * 1000, line={"dash": "dash", "color": "#424242"}
    )
    fig.add_annotation(
        x=pd.Timestamp(as_of), y=1, yref="paper", text=f" {labels['as_of']} {as_of}",
        showarrow=False, yanchor="top", xanchor="left", font={"size": 11},
        bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip
    fig.update_layout(
        height=max(320, 22 * len(t) + 140),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0.3},
        yaxis={
            "autorange": "reversed",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(t["name"]),
            "tickfont": {"size": 11},
        },
        xaxis={"type": "date", "tickformat": "%Y-%m"},
        hovermode="closest",
    )
    return fig
