"""Indicator charts as PNG bytes (matplotlib, Agg, no pyplot and no network).

Chinese text uses the Noto Sans CJK font shipped by the pip package ``noto-cjk-sans-otc``,
so charts render the same on any machine after ``pip install -r requirements.txt``.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

import pandas as pd
from matplotlib import dates as mdates
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from plantrack.periods import parse_period
from plantrack.present import LIGHT_COLOURS
from plantrack.report.rows import num, text

CJK_FAMILY = "Noto Sans CJK SC"


@lru_cache(maxsize=1)
def font_family() -> str:
    """Register the pip CJK font once; fall back to matplotlib's default when it is absent."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return "DejaVu Sans"
    font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    return CJK_FAMILY


def _rc() -> dict:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [font_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _end(period: object) -> date | None:
    p = parse_period(period)
    return p.end if p else None


DPI = 200
FIGSIZE = (7.2, 3.2)  # inches: three charts and their captions fill a portrait A4 page
LEGEND_PT = 8.5


def _y_range(ax, values: list[float]) -> None:
    """A y range that shows the level honestly: a flat non-negative series starts at zero
    (never a flat line on a 0.96–1.04 axis); otherwise the data with a margin."""
    lo, hi = min(values), max(values)
    top = max(abs(hi), abs(lo))
    if lo >= 0 and (hi - lo) <= 0.01 * top:
        ax.set_ylim(0.0, hi * 1.25 if hi > 0 else 1.0)
        return
    pad = 0.12 * (hi - lo)
    ax.set_ylim(max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad)


def indicator_chart(
    row: dict,
    series: pd.DataFrame,
    as_of: date,
    reference: pd.DataFrame | None = None,
    dpi: int = DPI,
    demo: bool = False,
    source: str = "",
) -> bytes:
    """One indicator: actual values, target, required path, trend projection (PNG).

    ``row`` is one row of the assessment table; ``series`` has period, value (and revision).
    The y axis names the unit, a 数据来源 line sits under the plot, and a demo chart says so.
    """
    unit = row.get("unit") or ""
    with rc_context(_rc()):
        fig = Figure(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        s = series.assign(end=series["period"].map(_end)).dropna(subset=["end"]).sort_values("end")
        ax.plot(s["end"], s["value"], "-o", color="#1f4e79", lw=2, ms=3.5, label="实际值")
        shown = [float(v) for v in s["value"]]
        if "revision" in s and (s["revision"].fillna(1) > 1).any():
            rev = s[s["revision"].fillna(1) > 1]
            ax.plot(rev["end"], rev["value"], "D", mfc="none", mec="#c62828", ms=7, label="有修订")
        if reference is not None and not reference.empty:
            r = reference.assign(end=reference["period"].map(_end)).sort_values("end")
            ax.plot(r["end"], r["value"], "--", color="#7f7f7f", lw=1.5, label="参照值")
            shown += [float(v) for v in r["value"]]
        shown += _target_lines(ax, row)
        ax.axvline(as_of, color="#555555", lw=0.8, ls=":")  # type: ignore[arg-type]  # a date axis
        ax.annotate(
            "评估基准日", (as_of, 0.02), xycoords=("data", "axes fraction"), fontsize=8,
            ha="right", va="bottom", color="#555555", rotation=90,
        )  # fmt: skip
        verdict = text(row.get("verdict")) or "无法评估"
        ax.set_title(f"{row['name']}（{verdict}）", fontsize=10, loc="left")
        ax.set_ylabel(f"{unit_label(unit)}", fontsize=9)
        ax.xaxis.set_major_locator(mdates.YearLocator(month=12, day=31))  # period ends
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y年"))
        ax.tick_params(labelsize=8.5)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.6g}"))
        ax.grid(axis="y", color="#e0e0e0", lw=0.6)
        if shown:
            _y_range(ax, shown)
        handles, labels = ax.get_legend_handles_labels()
        keep = [
            (h, lab)
            for h, lab in zip(handles, labels, strict=True)
            if lab and not lab.startswith("_")
        ]
        ax.legend(
            [h for h, _ in keep], [lab for _, lab in keep], fontsize=LEGEND_PT,
            loc="upper left", bbox_to_anchor=(0, -0.1), frameon=False, ncol=min(len(keep), 5),
        )  # fmt: skip
        foot = source or "数据来源：各牵头部门上报。"
        fig.text(0.01, 0.015, foot, fontsize=8, color="#555555", ha="left", va="bottom")
        if demo:
            fig.text(0.99, 0.015, "示例数据（模拟，非官方统计）", fontsize=8, color="#c62828",
                     ha="right", va="bottom")  # fmt: skip
            fig.text(0.5, 0.5, "示例数据", fontsize=40, color="#c62828", alpha=0.08,
                     ha="center", va="center", rotation=20)  # fmt: skip
        fig.subplots_adjust(left=0.1, right=0.985, top=0.9, bottom=0.29)  # tight_layout is slow
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def unit_label(unit: str) -> str:
    """The y-axis title: 单位：% …"""
    return f"单位：{unit}" if unit else "数值"


def _target_lines(ax, row: dict) -> list[float]:
    """Target, required path and projection; returns the values drawn (for the y range)."""
    target, t_end = num(row.get("target_value")), _end(row.get("target_period"))
    if target is None or t_end is None:
        return []
    drawn = [target]
    green = LIGHT_COLOURS["green"]
    ax.axhline(target, color=green, ls="--", lw=1.2, label=f"目标值{target:g}")
    base, b_end = num(row.get("baseline_value")), _end(row.get("baseline_period"))
    if base is not None and b_end is not None:
        ax.plot([b_end, t_end], [base, target], ":", color="#7f7f7f", lw=1.2, label="时序进度路径")
        drawn.append(base)
    proj, latest = num(row.get("projected_value")), num(row.get("latest_value"))
    l_end = _end(row.get("latest_period"))
    if proj is not None and latest is not None and l_end is not None:
        ax.plot([l_end, t_end], [latest, proj], "-.", color="#ef6c00", lw=1.2, label="趋势外推")
        drawn.append(proj)
    return drawn


def report_charts(content) -> list[tuple[str, bytes]]:
    """(caption, PNG) for every table indicator that has data, in table order."""
    values = content.values
    out: list[tuple[str, bytes]] = []
    mine = values[values["area"] == content.area]
    by_ind = {k: g for k, g in mine.groupby("indicator", sort=False)}
    for r in content.table.to_dict(orient="records"):
        series = by_ind.get(r["indicator"])
        if r["kind"] == "milestone" or series is None or series.empty:
            continue
        ind_ref = None
        if r["kind"] == "relative":
            ref_id = content.references.get(r["indicator"])
            ind_ref = by_ind.get(ref_id) if ref_id else None
        if content.final:  # no projection after the plan's end
            r = {**r, "projected_value": None}
        source = (
            f"数据来源：{r['lead']}上报，截至{content.known_on.year}年{content.known_on.month}月"
            f"{content.known_on.day}日入库。"
        )
        png = indicator_chart(
            r, series, content.as_of, ind_ref, demo=content.is_demo, source=source
        )
        out.append((f"图{len(out) + 1}  {r['name']}", png))
    return out
