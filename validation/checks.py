"""Cross-row checks that a column expectation cannot express; each gives a warning.

- a percentage written as a fraction (0.41 for 41 %);
- a jump against the stored series: beyond ``jump_ratio`` of the previous value (stocks:
  the previous period; flows, which accumulate over the year: the same quarter a year
  earlier), or a robust z-score (median / MAD of the stored series) beyond ``robust_z``;
- a district value more than ``rollup_tolerance`` away from the roll-up of its 街道 (sum,
  or mean weighted by the indicator's ``rollup.weight``, default ``common.population``, of
  the same year or else the latest year);
- a value that revises a stored one.

Plain pandas on whole columns; the stored values come in ``Context.current``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plantrack.ingest.precision import same_values, tolerances
from plantrack.ingest.report import MAX_PER_KIND, Problem, clip
from plantrack.periods import MONTHS_PER_YEAR, parse_period
from validation.messages import Context, num, problem

DEFAULTS = {
    "jump_ratio": 0.5,
    "robust_z": 3.5,
    "min_history": 5,
    "rollup_tolerance": 0.01,
    "note_limit": 500,
}
KEY = ["indicator", "area", "period"]
SLIM = ["rid", *KEY, "period_idx", "value"]
DEFAULT_WEIGHT = "common.population"


def warnings(clean: pd.DataFrame, rows: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Warnings for the rows without errors (``rows`` is the whole file, for context)."""
    if clean.empty:
        return []
    limits = {**DEFAULTS, **ctx.settings}
    stored = stored_values(ctx.current)
    history = pd.concat([stored, clean[[*KEY, "period_idx", "value"]]], ignore_index=True)
    history = history.drop_duplicates(KEY, keep="last").astype(
        {"period_idx": float, "value": float}
    )
    # a value equal to the stored one was accepted before: only changed values are judged
    old = stored[KEY + ["value"]].rename(columns={"value": "old"})
    tol = tolerances(clean["indicator"], ctx.precision)
    same = same_values(clean[KEY].merge(old, on=KEY, how="left")["old"], clean["value"], tol)
    changed = clean[~same]
    out = fractions(changed, ctx)
    out += revisions(clean, stored, ctx)
    out += jumps(changed, stored, history, ctx, limits)
    out += rollup_gaps(changed, clean, history, ctx, limits)
    out += row_warnings(clean, ctx, limits)
    return out


def row_warnings(clean: pd.DataFrame, ctx: Context, limits: dict) -> list[Problem]:
    """Silent problems a value check cannot see: each needs a confirmation with a reason."""
    out: list[Problem] = []
    if ctx.header_period and "period_col" in clean:
        own = clean["period_col"].astype(str) != ""
        period = clean["period"].astype(str)
        # an annual figure of the header's year belongs to a quarterly file of that year,
        # and a quarter of the year to an annual file
        annual = clean["period_annual"].astype(bool) | (len(ctx.header_period) == 4)
        same_year = annual & (period.str[:4] == ctx.header_period[:4])
        hit = clean[own & clean["period"].notna() & (period != ctx.header_period) & ~same_year]
        texts = [
            f"本行报告期 {p} 与表头“报告期”{ctx.header_period} 不一致。请核对报告期；"
            "如本行确属其他报告期，请确认并说明原因。"
            for p in hit["period"]
        ]
        out += _warn(ctx, hit, "period_header", texts, "period")
    quarterly = [i for i, ind in ctx.indicators.items() if ind.frequency == "quarter"]
    hit = clean[clean["indicator"].isin(quarterly) & clean["period_annual"].astype(bool)]
    texts = [
        f"“{ctx.indicator_name(i)}”按季度报送，本行报告期却是年度 {p}。请改为季度（如 {p}Q4）；"
        "如确为全年数，请确认并说明原因。"
        for i, p in zip(hit["indicator"], hit["period"], strict=True)
    ]
    out += _warn(ctx, hit, "annual_period", texts, "period")
    if "area_name_code" in clean:
        named = clean["area_name_code"]
        hit = clean[named.notna() & (named != clean["area"]) & (clean["area_col"] != "")]
        hit = hit[hit["area_raw"] != hit["area_name_raw"]]
        texts = [
            f"地区代码 {clip(a)} 是“{ctx.area_name(a)}”，但同一行的地区名称写的是“{clip(n)}”"
            f"（{ctx.area_name(c)}）。请核对代码和名称；数值将计入 {ctx.area_name(a)}。"
            for a, n, c in zip(hit["area"], hit["area_name_raw"], named[hit.index], strict=True)
        ]
        out += _warn(ctx, hit, "area_name", texts, "area")
    if "value_formula" in clean:
        hit = clean[clean["value_formula"].astype(bool)]
        texts = [
            f"该单元格是公式，读取的是 Excel 保存时的计算结果 {num(v)}，不是填报的数字。"
            "请把公式改为数值（复制后“选择性粘贴 → 数值”）；如确认无误，请说明原因。"
            for v in hit["value"]
        ]
        out += _warn(ctx, hit, "formula", texts)
    limit = int(limits["note_limit"])
    notes = clean["note"].fillna("").astype(str)
    hit = clean[notes.str.len() > limit]
    texts = [
        f"备注有 {len(n):,} 字，超过 {limit} 字的上限。请精简备注（详细说明可另附材料）；"
        "如需保留，请确认并说明原因。"
        for n in notes[hit.index]
    ]
    out += _warn(ctx, hit, "long_note", texts, "note")
    return out


def stored_values(current: pd.DataFrame | None) -> pd.DataFrame:
    cols = [*KEY, "period_idx", "value", "revision"]
    if current is None or len(current) == 0:
        dtypes = {"period_idx": float, "value": float, "revision": float}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in cols})
    df = current[[*KEY, "value", "revision"]].copy()
    idx = {p: parse_period(p) for p in pd.unique(df["period"])}
    df["period_idx"] = df["period"].map(
        {p: float(v.index) if v else np.nan for p, v in idx.items()}
    )
    return df[cols]


def _warn(
    ctx: Context,
    recs: pd.DataFrame,
    code: str,
    texts: list[str],
    fld: str = "value",
    rows: pd.DataFrame | None = None,
) -> list[Problem]:
    """Warnings for the first :data:`MAX_PER_KIND` rows; the total goes to ``ctx.totals``.
    ``recs`` may be a slim frame (``rid`` and what the texts need): the cells to name are
    then taken from ``rows``, the file's rows."""
    if len(recs) > MAX_PER_KIND:
        ctx.totals[code] = ctx.totals.get(code, 0) + len(recs)
    first = recs.head(MAX_PER_KIND)
    if rows is not None:
        first = rows.iloc[pd.Index(rows["rid"]).get_indexer(first["rid"])]
    head = first.to_dict("records")
    return [
        problem(ctx, rec, "warning", code, fld, text)
        for rec, text in zip(head, texts, strict=False)
    ]


def fractions(clean: pd.DataFrame, ctx: Context) -> list[Problem]:
    pct_ids = [i for i, ind in ctx.indicators.items() if ind.unit == "%"]
    v = clean["value"]
    hit = clean[clean["indicator"].isin(pct_ids) & (v > 0) & (v <= 1) & ~clean["pct_sign"]]
    texts = [
        f"数值 {num(r)} 像是小数形式的百分比（{num(r)} = {num(r * 100)}%）。本指标单位为 %，"
        f"应填 {num(r * 100)}；若确实是 {num(r)}%，请确认并说明原因。"
        for r in hit["value"]
    ]
    return _warn(ctx, hit, "fraction", texts)


def revisions(clean: pd.DataFrame, stored: pd.DataFrame, ctx: Context) -> list[Problem]:
    old = stored[[*KEY, "value", "revision"]].rename(columns={"value": "old"})
    m = clean.merge(old, on=KEY, how="inner")
    hit = m[~same_values(m["value"], m["old"], tolerances(m["indicator"], ctx.precision))]
    texts = [
        f"将修订已存储的数值：原为 {num(o)}（第 {int(r)} 版），本次为 {num(v)}。"
        "如属更正，请确认并填写更正原因。"
        for o, r, v in zip(hit["old"], hit["revision"], hit["value"], strict=True)
    ]
    return _warn(ctx, hit, "revision", texts)


def jumps(
    clean: pd.DataFrame, stored: pd.DataFrame, history: pd.DataFrame, ctx: Context, limits: dict
) -> list[Problem]:
    flow_ids = {i for i, ind in ctx.indicators.items() if ind.measure == "flow"}
    rows, clean = clean, clean[SLIM]  # merges copy every column: only what is compared
    is_flow = clean["indicator"].isin(flow_ids)
    hist = history.dropna(subset=["period_idx", "value"]).rename(
        columns={"value": "prev", "period": "prev_period", "period_idx": "prev_idx"}
    )
    # stocks: the latest earlier period; flows: the same quarter one year earlier
    left = clean[~is_flow].sort_values("period_idx")
    right = hist.sort_values("prev_idx").drop_duplicates(["indicator", "area", "prev_idx"])
    stocks = pd.merge_asof(
        left,
        right,
        left_on="period_idx",
        right_on="prev_idx",
        by=["indicator", "area"],
        allow_exact_matches=False,
    )
    year = MONTHS_PER_YEAR  # period_idx counts months: the same period a year earlier
    flows = clean[is_flow].assign(prev_idx=clean.loc[is_flow, "period_idx"] - year)
    flows = flows.merge(right, on=["indicator", "area", "prev_idx"], how="left")
    both = pd.concat([stocks, flows], ignore_index=True)
    ratio = (both["value"] / both["prev"] - 1).abs()
    hit = both[(both["prev"].abs() > 0) & (ratio > limits["jump_ratio"])]
    texts = [
        f"数值 {num(v)} 较 {pp}（{num(p)}）变化 {v / p - 1:+.0%}，超过 ±{limits['jump_ratio']:.0%}。"
        "请核实；如确属实，请确认并说明原因。"
        for v, p, pp in zip(hit["value"], hit["prev"], hit["prev_period"], strict=True)
    ]
    out = _warn(ctx, hit, "jump", texts, rows=rows)
    rest = clean[~clean["rid"].isin(hit["rid"])]
    return out + _robust(rest, stored, flow_ids, ctx, limits, rows)


def _robust(
    clean: pd.DataFrame,
    stored: pd.DataFrame,
    flow_ids: set,
    ctx: Context,
    limits: dict,
    rows: pd.DataFrame,
) -> list[Problem]:
    """Median / MAD of the stored series (flows: the same quarter of each year)."""
    if stored.empty or clean.empty:
        return []

    def season(df: pd.DataFrame) -> np.ndarray:
        return np.where(df["indicator"].isin(flow_ids), df["period_idx"] % MONTHS_PER_YEAR, -1)

    st = stored.dropna(subset=["period_idx", "value"]).assign(season=lambda d: season(d))
    st["value"] = st["value"].astype(float)
    g = st.groupby(["indicator", "area", "season"])["value"]
    stats = pd.DataFrame({"med": g.median(), "n": g.size()}).reset_index()
    st = st.merge(stats, on=["indicator", "area", "season"])
    st["dev"] = (st["value"] - st["med"]).abs()
    mad = st.groupby(["indicator", "area", "season"])["dev"].median().rename("mad").reset_index()
    stats = stats.merge(mad, on=["indicator", "area", "season"])
    m = clean.assign(season=season(clean)).merge(stats, on=["indicator", "area", "season"])
    z = (m["value"] - m["med"]).abs() / (1.4826 * m["mad"])
    hit = m[(m["n"] >= limits["min_history"]) & (m["mad"] > 0) & (z > limits["robust_z"])]
    zs = z[hit.index]
    texts = [
        f"数值 {num(v)} 明显偏离该地区已存储的历史数据（中位数 {num(med)}，稳健 z 值 {zz:.1f}，"
        f"超过 {limits['robust_z']}）。请核实；如确属实，请确认并说明原因。"
        for v, med, zz in zip(hit["value"], hit["med"], zs, strict=True)
    ]
    return _warn(ctx, hit, "jump", texts, rows=rows)


def rollup_gaps(
    changed: pd.DataFrame, clean: pd.DataFrame, history: pd.DataFrame, ctx: Context, limits: dict
) -> list[Problem]:
    """Groups (indicator, period) with a changed value; the warning sits on the district row
    of the file, or else on the group's first row."""
    methods = {i: ind.rollup for i, ind in ctx.indicators.items()}
    summed = [i for i, r in methods.items() if r.method in ("sum", "weighted_mean")]
    weight_of = {
        i: r.weight or DEFAULT_WEIGHT for i, r in methods.items() if r.method == "weighted_mean"
    }
    # matched by period END, so a district "2023" meets 街道 "2023Q4" (one value per area)
    grp = ["indicator", "period_idx"]
    groups = changed.loc[changed["indicator"].isin(summed), grp].drop_duplicates()
    if groups.empty or not ctx.subareas:
        return []
    comb = history.merge(groups, on=grp).drop_duplicates([*grp, "area"], keep="last")
    streets = comb[comb["area"].isin(ctx.subareas)].copy()
    district = comb[comb["area"] == ctx.district][[*grp, "value"]]
    streets["weight_id"] = streets["indicator"].map(weight_of)
    streets["w"] = _weights(streets, history)
    streets.loc[streets["weight_id"].isna(), "w"] = 1.0
    streets["wv"] = streets["w"] * streets["value"]
    agg = streets.groupby(grp).agg(
        n=("w", "count"), wsum=("w", "sum"), wv=("wv", "sum"), total=("value", "sum")
    )
    agg = agg.reset_index().merge(district.rename(columns={"value": "d"}), on=grp)
    weighted = agg["indicator"].isin(list(weight_of))
    agg["roll"] = np.where(weighted, agg["wv"] / agg["wsum"].replace(0, np.nan), agg["total"])
    agg["gap"] = (agg["d"] - agg["roll"]).abs() / agg["roll"].abs()
    bad = agg[(agg["n"] == len(ctx.subareas)) & (agg["gap"] > limits["rollup_tolerance"])]
    # each group's row of the file: its district row, else its first row (one pass, not a
    # scan of the file per group)
    mine = clean.loc[clean["indicator"].isin(bad["indicator"].unique()), ["rid", *grp, "area"]]
    at = pd.concat([mine[mine["area"] == ctx.district], mine]).drop_duplicates(grp)
    at = bad[grp].merge(at, on=grp, how="left")
    texts = []
    sub, whole = ctx.subarea_label, ctx.district_label
    for r in bad.itertuples():
        how = "合计"
        if methods[r.indicator].method == "weighted_mean":
            weight = methods[r.indicator].weight or DEFAULT_WEIGHT
            how = f"以“{ctx.indicator_name(weight)}”加权的平均值"
        texts.append(
            f"{whole}数值 {num(r.d)} 与各{sub}{how} {num(r.roll)} 相差 {r.gap:.1%}（允许 "
            f"{limits['rollup_tolerance']:.0%}）。请核对{whole}或{sub}的数值；如口径不同，请确认并说明原因。"
        )
    return _warn(ctx, at, "rollup", texts, rows=clean)


def _weights(streets: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Each street's weight in the same year, else in the latest year that has one."""
    ids = streets["weight_id"].dropna().unique()
    w = history[history["indicator"].isin(ids)].dropna(subset=["value", "period_idx"]).copy()
    if w.empty:
        return pd.Series(np.nan, index=streets.index)
    w["year"] = _year(w["period_idx"])
    w = w.sort_values("period_idx").rename(columns={"indicator": "weight_id", "value": "w"})
    same_year = w.drop_duplicates(["weight_id", "area", "year"], keep="last")
    latest = w.drop_duplicates(["weight_id", "area"], keep="last")[["weight_id", "area", "w"]]
    s = streets.assign(year=_year(streets["period_idx"]))
    a = s.merge(
        same_year[["weight_id", "area", "year", "w"]], on=["weight_id", "area", "year"], how="left"
    )
    b = s.merge(latest, on=["weight_id", "area"], how="left")
    return pd.Series(a["w"].fillna(b["w"]).to_numpy(), index=streets.index)


def _year(period_idx: pd.Series) -> np.ndarray:
    """The calendar year of each period (``period_idx`` counts months to the period's end)."""
    return (period_idx.to_numpy(dtype=float) - 1) // MONTHS_PER_YEAR
