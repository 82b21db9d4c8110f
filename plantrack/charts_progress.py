"""The overview's progress chart as a Vega-Lite spec (no Streamlit, no plotly, no Altair).

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

import numpy as np
import pandas as pd

from plantrack.present import LIGHT_COLOURS

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
NAME_WIDTH = 36  # half-width columns: 18 Chinese characters
ROW = 34  # px per indicator
TEXT_GAP = 0.015  # between the end of a bar or tick and its text, in axis units
TEXT_PX = 100  # room right of the bars for the verdict and completion ("✓ 已实现 100%")
PICK = "pick"  # the selection's name: st.vega_lite_chart(selection_mode=PICK)
DATA = "progress"  # the named data set of the bars, ticks, text and bands
HIT_VIEW = "view_pick"  # the layer whose clicks select
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
            "text_x": np.fmax(shown.clip(lower=0.0).to_numpy(), tau.fillna(0.0).to_numpy())
            + TEXT_GAP,
            "mark": labels["time_share"],
        }
    )


def axis_ends(data: pd.DataFrame, step: float = 0.25) -> tuple[float, float]:
    """The x axis from ``lo`` to ``top`` (before the room for the text): from 0 (or the
    lowest bar) to 100 % (or the furthest bar, tick or text start), each rounded outwards to
    a ``step`` (25 %); the text right of the furthest one goes in the room kept for it at the
    axis' end (``TEXT_PX``). Rounded, the spec stays the same from one as-of date to the next in
    most cases, and the browser then only swaps the chart's data instead of compiling the
    chart again (~100 ms of the browser's time per chart and rerun)."""
    low = float(data["shown"].min()) if len(data) else 0.0
    high = float(data["text_x"].max()) - TEXT_GAP if len(data) else 1.0
    lo = min(0.0, float(np.floor(round(low / step, 9)) * step)) - 0.05
    top = max(1.0, float(np.ceil(round(high / step, 9)) * step))
    return lo, top


def progress_chart(rows: pd.DataFrame, labels: Mapping[str, str] = _LABELS) -> dict:
    """Completion bars with the time-share tick, as a Vega-Lite spec (``rows``: indicator,
    name, completion, time_share, light, text — the verdict with its icon and the completion).

    Written as a plain dict (the spec Altair would build, checked against the Vega-Lite
    schema in tests): building and serialising the same chart with Altair took ~0.3 s per
    chart on an idle machine and 2 s under load, on every rerun of the overview, and
    importing Altair ~1–5 s at the first run. The data travels as the named data set
    ``DATA`` (a DataFrame; Streamlit sends it as Arrow)."""
    data = progress_data(rows, labels)
    lo, top = axis_ends(data)
    # the right end of the axis leaves TEXT_PX pixels for the text at any width (a fixed
    # domain clipped it on a phone, where the plot is ~60 px wide); ``width`` is the plot's
    end = top + TEXT_GAP  # where the text of the furthest bar starts at most
    hi = {"expr": f"{end} + ({end} - {lo}) * {TEXT_PX} / max(width - {TEXT_PX}, 40)"}
    scale = {"domain": [lo, hi], "nice": False, "zero": False}
    # names take at most 40% of the container (all of a phone's width before)
    limit = {"expr": "clamp(containerSize()[0] * 0.4, 90, 320)"}
    y = {"axis": {"labelLimit": limit}, "field": "label", "sort": data["label"].tolist(),
         "title": None, "type": "nominal"}  # fmt: skip
    lights = list(LIGHT_COLOURS)
    src = {"name": DATA}

    def x(field: str, **more: object) -> dict:
        return {"field": field, "scale": scale, "type": "quantitative", **more}

    bars = {
        "data": src,
        "mark": {"type": "bar", "size": ROW * 0.6, "stroke": "#424242", "strokeWidth": 0.8},
        "encoding": {
            "color": {"field": "light", "legend": None, "type": "nominal",
                      "scale": {"domain": lights, "range": [LIGHT_COLOURS[k] for k in lights]}},
            "strokeDash": {"field": "light", "legend": None, "type": "nominal",
                           "scale": {"domain": lights, "range": [LIGHT_DASH[k] for k in lights]}},
            "x": x("shown", axis={"format": ".0%", "grid": True, "labelFlush": True},
                   title=labels["completion"]),
            "x2": {"datum": 0},
            "y": y,
        },
    }  # fmt: skip
    legend = {"orient": "top", "symbolStrokeColor": "#212121", "symbolStrokeWidth": 3,
              "symbolType": "M0,-1L0,1", "title": None}  # fmt: skip
    ticks = {
        "data": src,
        "mark": {"type": "tick", "size": ROW * 0.8, "thickness": 3},
        "encoding": {
            "color": {"field": "mark", "legend": legend, "scale": {"range": ["#212121"]},
                      "type": "nominal"},
            "x": x("tau"),
            "y": y,
        },
        "transform": [{"filter": "isValid(datum.tau)"}],
    }  # fmt: skip
    text = {
        "data": src,
        "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": 12},
        "encoding": {"text": {"field": "text", "type": "nominal"}, "x": x("text_x"), "y": y},
    }
    target = {
        "data": {"values": [{"x": 1.0}]},
        "mark": {"type": "rule", "color": TARGET, "strokeDash": [2, 2]},
        "encoding": {"x": x("x")},
    }
    # a full-width, nearly invisible band per row: a click anywhere in the row picks it
    tooltip = [
        {"field": "name", "title": " ", "type": "nominal"},
        {"field": "completion", "format": ".0%", "title": labels["completion"],
         "type": "quantitative"},
        {"field": "tau", "format": ".0%", "title": labels["time_share"], "type": "quantitative"},
    ]  # fmt: skip
    hit = {
        "data": src,
        "mark": {"type": "bar", "aria": False, "color": "#000000", "fillOpacity": 0.001,
                 "size": ROW - 2},
        "encoding": {"tooltip": tooltip, "x": x("x0"), "x2": {"field": "x1"}, "y": y},
        "name": HIT_VIEW,
        "transform": [{"calculate": f"{lo}", "as": "x0"}, {"calculate": f"{top}", "as": "x1"}],
    }  # fmt: skip
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "config": {
            "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
            "axis": {"labelFont": FONT, "labelFontSize": 12, "titleFont": FONT},
            "legend": {"labelFont": FONT},
            "text": {"font": FONT},
        },
        "datasets": {DATA: data},
        "layer": [bars, ticks, text, target, hit],
        "height": {"step": ROW},
        "params": [
            {
                "name": PICK,
                "select": {"type": "point", "fields": ["indicator"], "on": "click"},
                "views": [HIT_VIEW],
            }
        ],  # fmt: skip
        "resolve": {"scale": {"color": "independent"}},
    }
