"""Pieces of the indicator page: choice, headline, series, areas, revisions, downloads,
definition. Shareable: ``/indicator?id=<indicator id>&area=<code>&as_of=<date>``."""

from __future__ import annotations

import re
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from app import cache
from app import components as c
from app.i18n import lang, t
from app.text import md_escape
from plantrack.assess import rank_areas
from plantrack.charts import areas_figure, series_figure
from plantrack.config import Indicator
from plantrack.export import CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes
from plantrack.periods import parse_period
from plantrack.present import fmt_number, fmt_numbers, fmt_share, fmt_target
from plantrack.workspace import Workspace

AREA_ENDS = 15  # with more than 40 areas the chart shows the best and the worst 15
CHART_KEYS = ("actual", "target", "path", "trend", "band", "projection", "revised", "district")


def levels(ws: Workspace) -> dict[str, str]:
    """The registry's names of the two levels, for strings with {sub} and {whole}."""
    return {"sub": ws.registry.areas.subarea_label, "whole": ws.registry.areas.district_label}


def choose(ws: Workspace) -> tuple[Indicator, str]:
    """Indicator and area from the URL (``?id=…&area=…``) or the pickers, written back."""
    ids = [i.id for i in ws.registry.indicators]
    asked = st.query_params.get("id")
    if asked is not None and asked not in ws.indicators:
        st.warning(t("indicator.unknown", id=md_escape(asked)))
    if "n" in st.query_params:  # the name a scorecard link carries for its label
        del st.query_params["n"]
    first = next((i.id for i in ws.registry.indicators if i.kind == "target"), ids[0])
    c.sync_from_url("ind_id", "id", lambda v: v if v in ws.indicators else None, first)
    c.sync_from_url("ind_area", "area", lambda v: v if v in ws.area_names else None, ws.district)
    # labels computed now: a format_func must not depend on the session (AppTest calls it
    # outside the script run)
    labels = {
        i: f"{name(ws.indicators[i])}（{c.plan_name(ws, ws.indicators[i].plan)}）" for i in ids
    }
    areas = c.area_labels(ws)
    left, right = st.columns([3, 2])
    ind_id = left.selectbox(
        t("indicator.choose"),
        ids,
        key="ind_id",
        format_func=labels.get,
        placeholder=t("widget.choose"),
    )
    area = right.selectbox(
        t("indicator.area"),
        list(areas),
        key="ind_area",
        format_func=areas.get,
        placeholder=t("widget.choose"),
    )
    c.sync_to_url("id", ind_id)
    c.sync_to_url("area", area)
    return ws.indicators[ind_id], area


def name(ind: Indicator) -> str:
    return (ind.name_en or ind.name) if lang() == "en" else ind.name


def assessment_row(ws: Workspace, ind_id: str, area: str, as_of: date, version: int) -> dict:
    table = cache.cached_assessment(ws, as_of, None, area, version)
    hit = table[table["indicator"] == ind_id]
    return hit.iloc[0].to_dict() if not hit.empty else {}


def _value(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def headline(ws: Workspace, ind: Indicator, area: str, row: dict, as_of: date) -> None:
    """Verdict (words and icon, never colour alone), latest value, target, progress.

    A completion far outside 0–100% is written with its meaning (远超目标（597%）); a
    projection is shown only while its year is still ahead of the as-of date.
    """
    p, unit = ind.precision, ind.unit
    cols = st.columns([2, 1.3, 1.3, 1, 1])
    with cols[0].container(border=True):
        st.caption(f"{t('col.verdict')} · {c.area_labels(ws).get(area, area)}")
        st.markdown(f"### {c.verdict_md(row.get('verdict'))}")
    unit_note = "" if unit == "%" else f"（{c.unit_text(unit)}）"
    latest = fmt_number(_value(row.get("latest_value")), p, "%" if unit == "%" else "")
    period = c.period_label(row.get("latest_period"))
    cols[1].metric(f"{t('col.latest')}{unit_note} · {period}", latest, border=True)
    target = fmt_target(row.get("comparator"), _value(row.get("target_value")), "", p)
    if unit == "%" and target != "—":
        target += "%"
    tp = c.period_label(row.get("target_period")) if row.get("target_period") else ""
    cols[2].metric(f"{t('col.target')}{unit_note} · {tp}".rstrip(" ·"), target, border=True)
    completion = _value(row.get("completion"))
    share, meaning = c.completion_parts(completion)
    cols[3].metric(
        t("col.completion"),
        share,
        delta=meaning,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=c.completion_note(completion) or t("col.completion.help"),
    )
    cols[4].metric(t("col.time_share"), fmt_share(_value(row.get("time_share")), 0), border=True)
    notes = []
    if row.get("reason"):
        notes.append(t("indicator.reason", reason=md_escape(row["reason"])))
    if c.completion_note(completion):
        notes.append(c.completion_note(completion) or "")
    pv = _value(row.get("projected_value"))
    if pv is not None and _still_ahead(row.get("projected_period"), as_of):
        meets = row.get("projected_meets")
        key = "indicator.projection.meets" if meets else "indicator.projection.misses"
        notes.append(
            t(
                key,
                period=c.period_label(row.get("projected_period")),
                value=fmt_number(pv, p, unit),
            )
        )
    if notes:
        st.caption("；".join(notes))


def _still_ahead(period: object, as_of: date) -> bool:
    """A projection to ``period`` is worth saying only while that period has not ended."""
    q = parse_period(str(period)) if period else None
    return q is not None and q.end > as_of


def _upto(obs: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Rows whose period ends by ``as_of``."""
    text = obs["period"].astype(str)
    ok = {p: (q := parse_period(p)) is not None and q.end <= as_of for p in pd.unique(text)}
    return obs[text.map(ok).to_numpy(dtype=bool)]


def series_chart(
    ws: Workspace, ind: Indicator, area: str, row: dict, as_of: date, version: int
) -> None:
    obs = cache.indicator_observations(ws, ind.id, version)
    series = _upto(obs[obs["area"] == area], as_of)
    if series.empty:
        st.info(t("indicator.nodata"))
        return
    labels = {k: t(f"chart.{k}", **levels(ws)) for k in CHART_KEYS}
    fig = series_figure(
        series, row, ind.unit, labels=labels, flow=ind.measure == "flow", precision=ind.precision
    )
    st.plotly_chart(fig, key="series_chart", config={"displaylogo": False})
    if ind.measure == "flow":
        st.caption(t("indicator.flow.note"))
    with st.expander(t("chart.data")):
        view = series.sort_values("period", key=lambda s: s.astype(str))
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.period"): view["period"].map(c.period_label).to_numpy(),
                    t("col.value"): fmt_numbers(
                        view["value"], [ind.precision] * len(view), [ind.unit] * len(view)
                    ),
                    t("col.revision"): view["revision"].fillna(0).astype(int).to_numpy(),
                    t("col.source"): view["source"]
                    .astype(str)
                    .map(lambda s: t("source." + s))
                    .to_numpy(),
                }
            ),
            hide_index=True,
            width="stretch",
            placeholder="—",
        )


def area_comparison(ws: Workspace, ind: Indicator, as_of: date, version: int) -> None:
    """The 街道 for the latest period that has them, sorted, beside the district value.

    With many areas (a province) the chart keeps the best and the worst :data:`AREA_ENDS`;
    every area is in the table under it.
    """
    obs = _upto(cache.indicator_observations(ws, ind.id, version), as_of)
    subs = obs[(obs["area"] != ws.district) & obs["value"].notna()]
    if subs.empty:
        st.info(t("indicator.areas.none", **levels(ws)))
        return
    periods = subs["period"].astype(str)
    index = {p: q.index for p in pd.unique(periods) if (q := parse_period(p)) is not None}
    latest = max(index, key=index.__getitem__)
    at = subs[periods == latest]
    top = obs[(obs["area"] == ws.district) & (obs["period"].astype(str) == latest)]
    district = float(top["value"].iloc[-1]) if not top.empty else None
    direction = 1 if ind.direction == "up" else -1
    rows = pd.DataFrame(
        {"area": at["area"].astype(str).to_numpy(), "value": at["value"].to_numpy(dtype=float)}
    )
    rows["name"] = rows["area"].map(c.area_labels(ws)).fillna(rows["area"])
    ranked = rank_areas(rows.assign(indicator=ind.id, latest_value=rows["value"]), ind.id,
                        direction, ws.district)  # fmt: skip
    shown = ranked
    if len(ranked) > 2 * AREA_ENDS + 10:
        shown = pd.concat([ranked.head(AREA_ENDS), ranked.tail(AREA_ENDS)])
    st.caption(t("indicator.areas.caption", period=c.period_label(latest), n=len(rows),
                 district=fmt_number(district, ind.precision, ind.unit), **levels(ws)))  # fmt: skip
    if len(shown) < len(ranked):
        st.caption(t("indicator.areas.ends", n=AREA_ENDS))
    labels = {"district": c.area_labels(ws)[ws.district], "value": t("col.value")}
    st.plotly_chart(
        areas_figure(shown, district, ind.unit, labels, direction=direction,
                     precision=ind.precision),
        key="areas_chart", config={"displaylogo": False},
    )  # fmt: skip
    with st.expander(t("chart.data")):
        n = len(ranked)
        view = {
            t("col.rank"): ranked["rank"].to_numpy(),
            t("indicator.area"): ranked["name"].to_numpy(),
            t("col.value"): fmt_numbers(ranked["value"], [ind.precision] * n, [ind.unit] * n),
        }
        if district is not None:
            diff = ranked["value"] - district
            view[t("col.diff", **levels(ws))] = fmt_numbers(
                diff, [ind.precision] * n, [ind.unit] * n
            )
        st.dataframe(pd.DataFrame(view), hide_index=True, width="stretch", placeholder="—")


def _history_view(ws: Workspace, hist: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Every revision, newest first; the current one marked, earlier ones 已被修订."""
    newest = hist.groupby(["area", "period"])["revision"].transform("max") == hist["revision"]
    deleted = hist["deleted"].fillna(False).astype(bool)
    state = pd.Series(t("revision.current"), index=hist.index)
    state[~newest] = t("revision.superseded")
    state[deleted] = t("revision.deleted")
    out = pd.DataFrame(
        {
            t("indicator.area"): hist["area"].map(c.area_labels(ws)).fillna(hist["area"]),
            t("col.period"): hist["period"].map(c.period_label),
            t("col.value"): fmt_numbers(hist["value"], [ind.precision] * len(hist),
                                        [ind.unit] * len(hist)),
            t("col.revision"): hist["revision"],
            t("col.state"): state,
            t("col.recorded_at"): pd.to_datetime(hist["recorded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            t("col.user"): hist["user_name"].fillna("—"),
            t("col.reason"): hist["reason"].fillna(""),
            t("col.file"): hist["file_name"].fillna(""),
        }
    )  # fmt: skip
    return out.iloc[::-1].reset_index(drop=True)


def values_table(ws: Workspace, ind: Indicator, area: str, as_of: date, version: int) -> None:
    """Every revision of the periods that end by the as-of date (later periods are left out,
    like in the chart above)."""
    everything = cache.cached_history(ws, ind.id, area, version)
    hist = _upto(everything, as_of)
    if hist.empty:
        st.info(t("indicator.nodata"))
        return
    revised = int((hist["revision"] > 1).sum())
    st.caption(t("indicator.values.caption", n=len(hist), revised=revised))
    if len(hist) < len(everything):
        st.caption(t("indicator.values.later", n=len(everything) - len(hist), as_of=as_of))
    st.dataframe(
        _history_view(ws, hist, ind), hide_index=True, width="stretch", placeholder="—", height=320
    )


def export_frames(ws: Workspace, ind: Indicator, version: int) -> dict[str, pd.DataFrame]:
    """What the download holds: current values (all areas), every revision, the definition."""
    obs = cache.indicator_observations(ws, ind.id, version)
    current = pd.DataFrame(
        {
            t("def.id"): ind.id,
            t("col.name"): name(ind),
            t("col.area_code"): obs["area"].astype(str).to_numpy(),
            t("indicator.area"): obs["area"].astype(str).map(ws.area_names).to_numpy(),
            t("col.period"): obs["period"].astype(str).to_numpy(),
            t("col.value"): obs["value"].to_numpy(dtype=float),
            t("def.unit"): ind.unit,
            t("col.revision"): obs["revision"].to_numpy(),
            t("col.source"): obs["source"].astype(str).map(lambda s: t("source." + s)).to_numpy(),
        }
    )
    hist = cache.cached_history(ws, ind.id, None, version)
    return {
        t("export.sheet.values"): current,
        t("export.sheet.revisions"): _history_view(ws, hist, ind),
        t("export.sheet.definition"): definition_table(ws, ind),
    }


def downloads(ws: Workspace, ind: Indicator, version: int) -> None:
    """.xlsx (values, revisions, definition) and .csv (values); cells that a spreadsheet
    would run as formulas are escaped (:mod:`plantrack.export`). The workbook is written
    only when the button is clicked (≈1 s for 150 areas × 24 quarters)."""
    frames = export_frames(ws, ind, version)
    first = next(iter(frames.values()))
    stem = f"{ind.id}_{date.today():%Y%m%d}"
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        t("export.xlsx"), partial(xlsx_bytes, frames), f"{stem}.xlsx", XLSX_MIME, key="dl_xlsx",
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        t("export.csv"), csv_bytes(first), f"{stem}.csv", CSV_MIME, key="dl_csv",
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip


def definition_table(ws: Workspace, ind: Indicator, row: dict | None = None) -> pd.DataFrame:
    """The registry's definition in the reader's language: Chinese labels and values in
    Chinese (no code, no English name), the English forms in English; the code is a caption
    under the table (:func:`definition`). A baseline the plan does not state is taken from
    the data (the assessment ``row``) and marked as such."""
    en = lang() == "en"
    plan = ws.plans[ind.plan]
    unit = c.unit_text(ind.unit)
    baseline = "—"
    measured = _value((row or {}).get("baseline_value"))
    if ind.baseline:
        value = fmt_number(ind.baseline.value, ind.precision, unit)
        baseline = f"{value} ({ind.baseline.period})" if en else f"{value}（{ind.baseline.period}）"
    elif measured is not None:
        baseline = t(
            "def.baseline.measured",
            value=fmt_number(measured, ind.precision, unit),
            period=(row or {}).get("baseline_period") or "—",
        )
    plan_text = c.plan_full_name(ws, plan.id)
    if plan.doc_no and not en:
        plan_text += f"（{plan.doc_no}）"
    rows = [
        ("def.name", name(ind)),
        ("def.plan", plan_text),
        ("def.kind", t("kind." + ind.kind)),
        ("def.unit", unit),
        ("def.direction", t("direction." + ind.direction)),
        ("def.attribute", t("attr." + ind.attribute) if ind.attribute else "—"),
        ("def.target", _target_text(ws, ind)),
        ("def.baseline", baseline),
        ("def.deadline", ind.deadline.isoformat() if ind.deadline else "—"),
        ("def.lead", _join(ws, ind.lead)),
        ("def.participating", _join(ws, ind.participating)),
        ("def.formula", _formula_text(ws, ind.formula) if ind.formula else "—"),
        ("def.rollup", _rollup_text(ws, ind)),
        ("def.measure", t("measure." + ind.measure)),
        ("def.frequency", t("frequency." + ind.frequency)),
        ("def.section", ind.section or "—"),
        ("def.clause", quote(ind.clause)),
        ("def.description", ind.description or "—"),
    ]
    return pd.DataFrame(
        {t("def.item"): [t(k) for k, _ in rows], t("def.content"): [v for _, v in rows]}
    )


def quote(text: str) -> str:
    """“text”, quotes inside it nested as ‘’ (GB/T 15834)."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


IDS = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+")


def _ind_name(ws: Workspace, ind_id: str) -> str:
    other = ws.indicators.get(ind_id)
    return name(other) if other is not None else ind_id


def _formula_text(ws: Workspace, formula: str) -> str:
    """``a.x / b.y * 10000`` → ``体育场地面积 ÷ 常住人口 × 10000`` (names, not ids)."""
    named = IDS.sub(lambda m: _ind_name(ws, m.group(0)), formula)
    return named.replace("*", "×").replace("/", "÷")


def _rollup_text(ws: Workspace, ind: Indicator) -> str:
    text = t("rollup." + ind.rollup.method, **levels(ws))
    if ind.rollup.method == "weighted_mean" and ind.rollup.weight:
        text += t("def.rollup.weight", weight=_ind_name(ws, ind.rollup.weight))
    return text


def _target_text(ws: Workspace, ind: Indicator) -> str:
    """The plan's own words in Chinese; in English a form built from the target's parts
    (the words where there is nothing to build from)."""
    tg = ind.target
    if tg is None:
        return "—"
    if lang() != "en":
        return tg.text or "—"
    sign = {">=": "at least ", "<=": "at most ", "==": ""}[tg.comparator]
    when = "every year" if tg.each_year else f"by {tg.period}"
    if tg.value is not None:
        what = fmt_number(tg.value, ind.precision, c.unit_text(ind.unit))
    elif tg.change_pct is not None:
        what = f"{tg.change_pct:+g}% from the base"
    elif tg.reference:
        what = _ind_name(ws, tg.reference)
    else:
        return tg.text or "—"
    return f"{sign}{what} {when}"


def _join(ws: Workspace, names: list[str]) -> str:
    return ("、" if lang() == "zh" else ", ").join(c.dept_name(ws, n) for n in names) or "—"


def definition(ws: Workspace, ind: Indicator, row: dict | None = None) -> None:
    if ind.clause:  # optional outside a gazette: no empty quote
        st.markdown(f"> {ind.clause}")
        st.caption(t("def.clause.source", plan=ws.plans[ind.plan].name, section=ind.section or "—"))
    st.table(definition_table(ws, ind, row).set_index(t("def.item")))
    st.caption(t("def.code", code=ind.id))
