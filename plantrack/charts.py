"""Plotly figures (no Streamlit): one indicator's series, areas compared (the overview's
progress chart is Vega-Lite: :mod:`plantrack.charts_progress`).

Every figure takes its words (legend names, axis titles) as ``labels`` so that the caller
chooses the language; numbers use 千分位 (d3 ``,``). Lights are told by colour *and* by a fill
pattern or an icon, so the figures still read in grey-scale print.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plantrack.assess import least_squares_line
from plantrack.periods import Period, parse_period, years_between
from plantrack.present import LIGHT_COLOURS

FONT = {"family": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"}
ACTUAL, PATH, TREND, TARGET = "#1f4e79", "#7f7f7f", "#ef6c00", LIGHT_COLOURS["green"]
DEFAULT_LABELS = {
    "actual": "实际值",
    "target": "目标值",
    "path": "序时进度路径",
    "trend": "趋势线（最小二乘）",
    "band": "趋势区间（±残差标准差）",
    "projection": "趋势外推",
    "revised": "有修订",
    "completion": "完成进度",
    "time_share": "时序进度",
    "district": "全区",
    "value": "数值",
}


def _period(p: object) -> Period:
    period = p if isinstance(p, Period) else parse_period(p)
    if period is None:
        raise ValueError(f"无法识别的报告期：{p!r}")
    return period


def _num(x: object) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# -- one indicator's series ---------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """The least-squares line through the observations since the base period (§3)."""

    slope: float  # per year
    intercept: float  # value at the base period's end
    spread: float | None  # residual standard deviation (None with fewer than 3 points)
    base: Period
    start: Period  # first point used

    def at(self, p: Period) -> float:
        return self.intercept + self.slope * years_between(self.base, p)


def trend(
    periods: Sequence[object], values: Sequence[float], base: Period, full_years_only: bool
) -> Trend | None:
    """Least squares through ``(years since base, value)`` of points ending at or after the
    base (only years and Q4s for a flow, whose quarters are year-to-date); None with fewer
    than two points (:func:`plantrack.assess.least_squares_line`)."""
    pts = []
    for p, v in zip(periods, values, strict=True):
        per, val = _period(p), _num(v)
        if val is None or per.index < base.index:
            continue
        if full_years_only and per.quarter not in (None, 4):
            continue
        pts.append((per, val))
    line = least_squares_line([(years_between(base, p), v) for p, v in pts])
    if line is None:
        return None
    slope, intercept = line
    spread = None
    if len(pts) >= 3:
        sse = sum((v - (intercept + slope * years_between(base, p))) ** 2 for p, v in pts)
        spread = math.sqrt(sse / (len(pts) - 2))
    return Trend(slope, intercept, spread, base, min(p for p, _ in pts))


def series_figure(
    series: pd.DataFrame,
    assessment: Mapping,
    unit: str,
    title: str = "",
    labels: Mapping[str, str] = DEFAULT_LABELS,
    *,
    flow: bool = False,
    precision: int = 1,
) -> go.Figure:
    """The series against its target, the required path and the trend to the target period.

    ``series``: period, value, revision (current values of one indicator in one area).
    ``assessment``: one row of the scorecard (baseline, target, projection). Drawn: the
    values by period end; the target line; the required path (a straight line from the
    baseline to the target); the least-squares trend through the values since the base,
    extended to the target period with a band of ± its residual standard deviation; the
    trend projection x̂_T (methods.md §3); and a mark on each value that was revised.
    """
    fig = go.Figure()
    num = f",.{precision}f"
    s = series.assign(_p=[_period(p) for p in series["period"]])  # type: ignore[misc]  # stubs: scalars only
    s = s.assign(end=[p.end for p in s["_p"]], _i=[p.index for p in s["_p"]])
    s = s.sort_values(["_i"], kind="stable")
    fig.add_scatter(
        x=s["end"],
        y=s["value"],
        mode="lines+markers",
        name=labels["actual"],
        line={"color": ACTUAL, "width": 2.5},
        marker={"size": 7},
        customdata=s["period"].astype(str),
        hovertemplate="%{customdata}: %{y:" + num + "}<extra></extra>",
    )
    if "revision" in s:
        revised = s[pd.to_numeric(s["revision"], errors="coerce").fillna(1) > 1]
        if not revised.empty:
            fig.add_scatter(
                x=revised["end"],
                y=revised["value"],
                mode="markers",
                name=labels["revised"],
                marker={"symbol": "diamond-open", "size": 14, "color": "#c62828",
                        "line": {"width": 2}},
                customdata=revised["period"].astype(str),
                hovertemplate="%{customdata}: %{y:" + num + "}<extra>"
                + labels["revised"] + "</extra>",
            )  # fmt: skip
    _target_lines(fig, s, assessment, labels, flow=flow, num=num)
    fig.update_layout(
        title=title,
        height=440,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend={"orientation": "h", "y": -0.12},
        yaxis={"title": unit, "tickformat": ","},
        xaxis={"tickformat": "%Y", "dtick": "M12", "ticklabelmode": "period"},
        hovermode="closest",
        font=FONT,
    )
    return fig


def _target_lines(
    fig: go.Figure, s: pd.DataFrame, a: Mapping, labels: Mapping, *, flow: bool, num: str
) -> None:
    tv, tp = _num(a.get("target_value")), a.get("target_period")
    target = parse_period(tp) if tp and isinstance(tp, str) else None
    if tv is not None:
        fig.add_hline(
            y=tv,
            line={"dash": "dash", "color": TARGET, "width": 2},
            annotation_text=f"{labels['target']} {format(tv, num.lstrip(':'))}",
            annotation_position="top left",
        )
    bv, bp = _num(a.get("baseline_value")), a.get("baseline_period")
    base = parse_period(bp) if bp and isinstance(bp, str) else None
    if tv is not None and target is not None and bv is not None and base is not None:
        fig.add_scatter(
            x=[base.end, target.end],
            y=[bv, tv],
            mode="lines+markers",
            name=labels["path"],
            line={"dash": "dot", "color": PATH, "width": 2},
            marker={"symbol": "circle-open", "size": 8},
            hovertemplate="%{x|%Y-%m-%d}: %{y:" + num + "}<extra>" + labels["path"] + "</extra>",
        )
    if base is None or target is None:
        return
    line = trend(s["period"].tolist(), s["value"].tolist(), base, full_years_only=flow)
    last = s["_p"].iloc[-1] if len(s) else None
    if line is not None and last is not None and last.index <= target.index:
        _trend_traces(fig, line, last, target, labels, num)
    pv = _num(a.get("projected_value"))
    if pv is not None:
        fig.add_scatter(
            x=[target.end],
            y=[pv],
            mode="markers",
            name=labels["projection"],
            marker={"symbol": "star-open", "size": 14, "color": TREND, "line": {"width": 2}},
            hovertemplate=f"{target}: %{{y:{num}}}<extra>{labels['projection']}</extra>",
        )


def _trend_traces(
    fig: go.Figure, line: Trend, last: Period, target: Period, labels: Mapping, num: str
) -> None:
    xs = [line.start.end, last.end, target.end]
    ys = [line.at(line.start), line.at(last), line.at(target)]
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        name=labels["trend"],
        line={"dash": "dashdot", "color": TREND, "width": 2},
        hovertemplate="%{x|%Y-%m-%d}: %{y:" + num + "}<extra>" + labels["trend"] + "</extra>",
    )
    if line.spread:
        band_x = [last.end, target.end, target.end, last.end]
        band_y = [
            line.at(last) + line.spread,
            line.at(target) + line.spread,
            line.at(target) - line.spread,
            line.at(last) - line.spread,
        ]
        fig.add_scatter(
            x=band_x,
            y=band_y,
            fill="toself",
            mode="lines",
            line={"width": 0},
            fillcolor="rgba(239,108,0,0.15)",
            name=labels["band"],
            hoverinfo="skip",
        )


# -- areas compared -----------------------------------------------------------------------


def areas_figure(
    rows: pd.DataFrame,
    district_value: float | None,
    unit: str,
    labels: Mapping[str, str] = DEFAULT_LABELS,
    *,
    direction: int = 1,
    precision: int = 1,
) -> go.Figure:
    """Sub-areas' values for one period as sorted bars (best on top), the district as a line.

    ``rows``: name, value. Bars better than the district are solid, worse ones hatched.
    """
    rows = rows.dropna(subset=["value"])
    rows = rows.sort_values("value", ascending=direction < 0, kind="stable")
    vals = rows["value"].astype(float)
    num = f",.{precision}f"
    if district_value is None:
        better = pd.Series(True, index=rows.index)
    else:
        better = (vals - district_value) * direction >= 0
    fig = go.Figure()
    fig.add_bar(
        x=vals,
        y=rows["name"],
        orientation="h",
        marker={
            "color": np.where(better, ACTUAL, "#90a4ae").tolist(),
            "pattern": {"shape": np.where(better, "", "/").tolist(), "solidity": 0.3},
        },
        text=[format(v, num) for v in vals],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:" + num + "}<extra></extra>",
        name=labels["value"],
        showlegend=False,
    )
    if district_value is not None:
        fig.add_vline(
            x=district_value,
            line={"dash": "dash", "color": "#c62828", "width": 2},
            annotation_text=f"{labels['district']} {format(district_value, num)}",
            annotation_position="top",
        )
    fig.update_layout(
        height=80 + 26 * len(rows),
        margin={"l": 10, "r": 60, "t": 30, "b": 30},
        font=FONT,
        xaxis={"title": unit, "tickformat": ","},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return fig
