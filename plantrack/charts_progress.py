"""The overview's progress chart as Vega-Lite (Altair; no Streamlit, no plotly).

On the first screen of the dashboard: Vega-Lite draws in the browser without the 4.6 MB
plotly bundle (which was requested only when the first chart arrived and drew ~1.6 s after
the script run ended), and the server does not import plotly for the overview.

One horizontal bar of completion per indicator, coloured by its light, a black tick at its
time share τ, and at the right of both the verdict (its icon survives grey-scale print) and
the completion. Clicking anywhere in an indicator's row selects it (selection ``pick``,
field ``indicator``). Words come in ``labels`` so the caller chooses the language.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from plantrack.present import LIGHT_COLOURS

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
NAME_WIDTH = 36  # half-width columns: 18 Chinese characters
ROW = 34  # px per indicator
TEXT_PX = 100  # room right of the bars for the verdict and completion ("✓ 已实现 100%")
PICK = "pick"  # the selection's name: st.altair_chart(selection_mode=PICK)
TARGET = LIGHT_COLOURS["green"]
# the light also shows as the bar's outline: solid, dashed, dotted (still apart in grey print)
LIGHT_DASH = {"green": [1, 0], "yellow": [6, 3], "red": [2, 2], "grey": [1, 3]}
_LABELS = {"completion": "完成进度", "time_share": "时序进度"}


def short(name: str, width: int = NAME_WIDTH) -> str:
    """A long indicator name cut for an axis label (the full name is in the tooltip).

    ``width`` is in half-width columns: a Chinese character counts two, a Latin letter one.
    """
    widths = [2 if ord(ch) > 0x2E80 else 1 for ch in name]
    if sum(widths) <= width:
        return name
    used, keep = 0, 0
    for w in widths:
        if used + w > width - 2:  # room for the "…"
            break
        used, keep = used + w, keep + 1
    return name[:keep] + "…"


def _unique(labels: list[str]) -> list[str]:
    """Axis labels made distinct (two names cut to the same text would share one band)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        n = seen.get(label, 0)
        seen[label] = n + 1
        out.append(label + "\u200b" * n)
    return out


def progress_data(rows: pd.DataFrame, labels: Mapping[str, str] = _LABELS) -> pd.DataFrame:
    """The chart's table: one row per indicator, in the input order."""
    rows = rows.reset_index(drop=True)
    comp = pd.to_numeric(rows["completion"], errors="coerce").astype(float)
    tau = pd.to_numeric(rows["time_share"], errors="coerce").astype(float)
    shown = comp.clip(-0.5, 1.5).fillna(0.0)
    light = rows["light"].where(rows["light"].isin(list(LIGHT_COLOURS)), "grey").fillna("grey")
    return pd.DataFrame(
        {
            "indicator": rows["indicator"].astype(str).to_numpy(),
            "label": _unique([short(str(n)) for n in rows["name"]]),
            "name": rows["name"].astype(str).to_numpy(),
            "shown": shown.to_numpy(),
            "completion": comp.to_numpy(),
            "tau": tau.to_numpy(),
            "light": light.astype(str).to_numpy(),
            "text": rows["text"].astype(str).to_numpy(),
            "text_x": np.fmax(shown.clip(lower=0.0).to_numpy(), tau.fillna(0.0).to_numpy()) + 0.015,
            "mark": labels["time_share"],
        }
    )


def progress_chart(rows: pd.DataFrame, labels: Mapping[str, str] = _LABELS) -> alt.LayerChart:
    """Completion bars with the time-share tick (``rows``: indicator, name, completion,
    time_share, light, text — the verdict with its icon and the completion)."""
    data = progress_data(rows, labels)
    lo = min(0.0, float(data["shown"].min()) if len(data) else 0.0) - 0.05
    top = max(1.0, float(data["text_x"].max()) if len(data) else 1.0)
    # the right end of the axis leaves TEXT_PX pixels for the text at any width (a fixed
    # domain clipped it on a phone, where the plot is ~60 px wide); ``width`` is the plot's
    hi = alt.ExprRef(f"{top} + ({top} - {lo}) * {TEXT_PX} / max(width - {TEXT_PX}, 40)")
    x_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    order = data["label"].tolist()
    # names take at most 40% of the container (all of a phone's width before)
    limit = alt.ExprRef("clamp(containerSize()[0] * 0.4, 90, 320)")
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=limit))
    lights = list(LIGHT_COLOURS)
    base = alt.Chart(data).encode(y=y)
    pick = alt.selection_point(name=PICK, fields=["indicator"], on="click")
    tooltip = [
        alt.Tooltip("name:N", title=" "),
        alt.Tooltip("completion:Q", title=labels["completion"], format=".0%"),
        alt.Tooltip("tau:Q", title=labels["time_share"], format=".0%"),
    ]
    # a full-width, nearly invisible band per row: a click anywhere in the row picks it
    hit = (
        base.transform_calculate(x0=f"{lo}", x1=f"{top}")
        .mark_bar(color="#000000", fillOpacity=0.001, size=ROW - 2, aria=False)
        .encode(x=alt.X("x0:Q", scale=x_scale), x2="x1:Q", tooltip=tooltip)
    )
    bars = base.mark_bar(size=ROW * 0.6, stroke="#424242", strokeWidth=0.8).encode(
        x=alt.X(
            "shown:Q",
            scale=x_scale,
            title=labels["completion"],
            axis=alt.Axis(format=".0%", grid=True, labelFlush=True),
        ),
        x2=alt.datum(0),
        color=alt.Color(
            "light:N",
            scale=alt.Scale(domain=lights, range=[LIGHT_COLOURS[k] for k in lights]),
            legend=None,
        ),
        strokeDash=alt.StrokeDash(
            "light:N",
            scale=alt.Scale(domain=lights, range=[LIGHT_DASH[k] for k in lights]),
            legend=None,
        ),
    )
    ticks = (
        base.transform_filter("isValid(datum.tau)")
        .mark_tick(thickness=3, size=ROW * 0.8)
        .encode(
            x=alt.X("tau:Q", scale=x_scale),
            color=alt.Color(
                "mark:N",
                scale=alt.Scale(range=["#212121"]),
                legend=alt.Legend(
                    title=None,
                    orient="top",
                    symbolType="M0,-1L0,1",
                    symbolStrokeWidth=3,
                    symbolStrokeColor="#212121",
                ),
            ),
        )
    )
    text = base.mark_text(align="left", baseline="middle", fontSize=12).encode(
        x=alt.X("text_x:Q", scale=x_scale), text="text:N"
    )
    target = (
        alt.Chart(pd.DataFrame({"x": [1.0]}))
        .mark_rule(strokeDash=[2, 2], color=TARGET)
        .encode(x=alt.X("x:Q", scale=x_scale))
    )
    return (
        alt.layer(bars, ticks, text, target, hit.add_params(pick))
        .resolve_scale(color="independent")  # lights for the bars, one black for the ticks
        .properties(height=alt.Step(ROW))
        .configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12)
        .configure_legend(labelFont=FONT)
        .configure_text(font=FONT)
        .configure_view(stroke=None)
    )
