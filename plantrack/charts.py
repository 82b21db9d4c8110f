"""Plotly figures (no Streamlit): the indicator series against its target and path."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from plantrack.periods import parse_period
from plantrack.present import LIGHT_COLOURS

DEFAULT_LABELS = {
    "actual": "实际值",
    "target": "目标值",
    "path": "序时进度路径",
    "projection": "趋势外推",
    "revised": "有修订",
}


def _end(period: str):
    p = parse_period(period)
    return p.end if p else None


def series_figure(
    series: pd.DataFrame,
    assessment: Mapping,
    unit: str,
    title: str = "",
    labels: Mapping[str, str] = DEFAULT_LABELS,
) -> go.Figure:
    """``series``: period, value, revision. ``assessment``: one row of the scorecard."""
    fig = go.Figure()
    s = series.assign(end=series["period"].map(_end)).sort_values("end")
    fig.add_scatter(
        x=s["end"],
        y=s["value"],
        mode="lines+markers",
        name=labels["actual"],
        line={"color": "#1f4e79", "width": 2.5},
        hovertemplate="%{x|%Y-%m-%d}: %{y:,.2f}<extra></extra>",
    )
    revised = s[s.get("revision", pd.Series(1, index=s.index)) > 1]
    if not revised.empty:
        fig.add_scatter(
            x=revised["end"],
            y=revised["value"],
            mode="markers",
            name=labels["revised"],
            marker={"symbol": "diamond-open", "size": 13, "color": "#c62828", "line": {"width": 2}},
        )
    _target_lines(fig, assessment, labels)
    fig.update_layout(
        title=title,
        height=420,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        yaxis_title=unit,
        hovermode="x unified",
        font={"family": "Noto Sans CJK SC, Microsoft YaHei, SimHei, sans-serif"},
    )
    return fig


def _target_lines(fig: go.Figure, a: Mapping, labels: Mapping[str, str]) -> None:
    tv, tp = a.get("target_value"), a.get("target_period")
    if tv is None or pd.isna(tv) or not tp:
        return
    t_end = _end(tp)
    fig.add_hline(
        y=float(tv),
        line={"dash": "dash", "color": LIGHT_COLOURS["green"]},
        annotation_text=f"{labels['target']} {tv:g}",
    )
    bv, bp = a.get("baseline_value"), a.get("baseline_period")
    if bv is not None and not pd.isna(bv) and bp:
        fig.add_scatter(
            x=[_end(bp), t_end],
            y=[float(bv), float(tv)],
            mode="lines",
            name=labels["path"],
            line={"dash": "dot", "color": "#7f7f7f"},
        )
    pv, lp, lv = a.get("projected_value"), a.get("latest_period"), a.get("latest_value")
    if pv is not None and not pd.isna(pv) and lp and lv is not None and not pd.isna(lv):
        fig.add_scatter(
            x=[_end(lp), t_end],
            y=[float(lv), float(pv)],
            mode="lines+markers",
            name=labels["projection"],
            line={"dash": "dashdot", "color": "#ef6c00"},
        )
