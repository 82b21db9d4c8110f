"""A raw grid → one row per observation, with the cell each value came from.

Vectorised: each distinct text (an indicator name, an area alias, a period spelling) is
resolved once through a dict and mapped over the column; numbers are parsed with pandas
string methods. Nothing is rejected here: unresolved cells keep their text so the
validation suite can name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from plantrack.config import Registry
from plantrack.ingest.columns import TOTAL_WORDS, half_width, indicator_header_name
from plantrack.ingest.read import Header, RawTable
from plantrack.ingest.report import column_letter
from plantrack.periods import Period, as_frequency, parse_period

FIELDS = ("indicator", "area", "period", "value", "note")
_SPACES = r"[\s\u3000\xa0]+"
_NUMBER_NOISE = r"[\s\u3000\xa0,，']+"
_FOOTER = re.compile(r"[:：]|^注|^说明|^填表")


def text_key(value: object) -> str:
    """How a cell is compared with names: no spaces, half-width; whole floats lose ``.0``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(half_width(str(value)).split())


class Vocabulary:
    """Indicators by id or exact name, areas by code, name or alias."""

    def __init__(self, registry: Registry):
        self.indicators: dict[str, str] = {}
        self.frequency = {ind.id: ind.frequency for ind in registry.indicators}
        for ind in registry.indicators:
            self.indicators[text_key(ind.id)] = ind.id
            self.indicators[text_key(ind.name)] = ind.id
            self.indicators[text_key(f"{ind.name}（{ind.unit}）")] = ind.id
        self.areas: dict[str, str] = {}  # keys case-folded: codes match in any case
        for area in [registry.areas.district, *registry.areas.subareas]:
            for key in (area.code, area.name, *area.aliases):
                self.areas[text_key(key).casefold()] = area.code

    def match_header(self, cell: object) -> str | None:
        """The indicator a wide-layout header names (``名称（单位）``, ``名称``, or an id)."""
        if isinstance(cell, str):
            return self.indicators.get(text_key(cell)) or self.indicators.get(
                text_key(indicator_header_name(cell))
            )
        return None


@dataclass
class Normalised:
    file: str
    layout: str
    rows: pd.DataFrame  # one row per observation; see normalise()
    meta: dict[str, str]
    sheet: str | None
    skipped_totals: int = 0
    unfilled: int = 0  # template rows left without a value (a partly filled template)
    external_links: int = 0


def normalise(table: RawTable, vocab: Vocabulary) -> Normalised:
    """Long or wide grid → rows with columns ``rid, row, indicator, area, period, period_end,
    value, note, pct_sign`` plus, per field, ``<field>_raw``, ``<field>_col`` (letter) and
    ``<field>_header`` naming the cell to fix."""
    body = table.body
    layout = {"long": _long, "years": _years}.get(table.header.layout, _wide)
    parts: tuple = layout(table, body)
    rows: pd.DataFrame = parts[0]
    totals: int = int(parts[1])
    unfilled: int = int(parts[2]) if len(parts) > 2 else 0
    rows = rows.reset_index(drop=True)
    rows.insert(0, "rid", np.arange(len(rows), dtype=np.int64))
    _resolve(rows, vocab)
    rows["value_formula"] = False
    if table.formulas and len(rows):
        refs = rows["value_col"].astype(str) + rows["row"].astype(str)
        rows["value_formula"] = refs.isin(table.formulas).to_numpy()
    out = Normalised(table.file, table.header.layout, rows, table.meta, table.sheet, totals)
    out.unfilled, out.external_links = unfilled, table.external_links
    return out


def map_unique(series: pd.Series, func) -> np.ndarray:
    """``func`` applied once per distinct value (empty cells count as one), spread back."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = func(None)
    return mapped[codes]


def _cell_text(series: pd.Series) -> pd.Series:
    """Cells as trimmed text ('' when empty)."""
    return pd.Series(map_unique(series, _one_text), index=series.index, dtype=object)


def _one_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v).strip()


def _place_period(out: pd.DataFrame, h: Header, c_period: int | None) -> None:
    """Where the period came from: its column, or the header block's 报告期."""
    header = h.texts.get(c_period, "") if c_period is not None else "表头 报告期"
    _place(out, "period", c_period, header)


def _place(rows: pd.DataFrame, fld: str, col: int | None, header: str) -> None:
    rows[f"{fld}_col"] = column_letter(col) if col is not None else ""
    rows[f"{fld}_header"] = header


def _long(table: RawTable, body: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    h = table.header
    out = pd.DataFrame(index=body.index)
    out["row"] = body.index.to_numpy() + 1
    empty = pd.Series("", index=body.index, dtype=object)

    def col(*names: str) -> tuple[pd.Series, int | None]:
        for n in names:
            if n in h.fields:
                return _cell_text(body[h.fields[n]]), h.fields[n]
        return empty, None

    ind_id, c_id = col("indicator_id")
    ind_name, c_name = col("indicator_name")
    area_code, c_acode = col("area_code")
    area_name, c_aname = col("area_name")
    out["indicator_raw"] = ind_id.where(ind_id != "", ind_name)
    out["indicator_name_raw"] = ind_name
    out["area_raw"] = area_code.where(area_code != "", area_name)
    out["area_name_raw"] = area_name
    out["period_raw"], c_period = col("period")
    if c_period is None:
        out["period_raw"] = table.meta.get("报告期", "")
    out["value_raw"] = body[h.fields["value"]] if "value" in h.fields else ""
    out["note_raw"], c_note = col("note")
    for fld, first, second, primary in (
        ("indicator", c_id, c_name, ind_id),
        ("area", c_acode, c_aname, area_code),
    ):
        c = first if first is not None else second
        _place(out, fld, c, h.texts.get(c, "") if c is not None else "")
        if first is not None and second is not None:  # the column the text came from
            use_second = (primary == "").to_numpy()
            out.loc[use_second, f"{fld}_col"] = column_letter(second)
            out.loc[use_second, f"{fld}_header"] = h.texts.get(second, "")
    c_value = h.fields.get("value")
    _place(out, "value", c_value, h.texts.get(c_value, "") if c_value is not None else "")
    _place_period(out, h, c_period)
    _place(out, "note", c_note, h.texts.get(c_note, "") if c_note is not None else "")
    value_blank = _cell_text(out["value_raw"]) == ""
    blank = (out["indicator_raw"] == "") & (out["area_raw"] == "") & value_blank
    blank &= (out["period_raw"] == "") | (c_period is None)
    total = out["indicator_raw"].str.lower().isin(TOTAL_WORDS) | out["area_raw"].str.lower().isin(
        TOTAL_WORDS
    )
    footer = _footer_rows(body) & value_blank
    # a template row the department does not report on: prefilled cells, no value, no note
    unfilled = value_blank & (_cell_text(out["note_raw"]) == "") & ~(blank | total | footer)
    keep = ~(blank | total | footer | unfilled)
    return out[keep], int(total.sum()), int(unfilled.sum())


def _footer_rows(body: pd.DataFrame) -> pd.Series:
    """Notes under a table (``填表说明：…``, ``单位负责人：…``): one filled cell, with a colon.

    The first column is tested first (once per distinct text); only those few rows are
    counted across the row, so a 500,000-row file costs one column scan."""
    out = pd.Series(False, index=body.index)
    looks = map_unique(body.iloc[:, 0], lambda v: bool(_FOOTER.search(_one_text(v))))
    cand = pd.Series(looks.astype(bool), index=body.index)
    if cand.any():
        sub = body[cand.to_numpy()]
        filled = sub.ne("") & sub.notna()  # type: ignore[arg-type]  # stubs: ne() takes no str
        out[cand.to_numpy()] = (filled.sum(axis=1) == 1).to_numpy()
    return out


def _wide(table: RawTable, body: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    h = table.header
    code_col, name_col = h.fields.get("area_code"), h.fields.get("area_name")
    area_code = _cell_text(body[code_col]) if code_col is not None else None
    area_name = _cell_text(body[name_col]) if name_col is not None else None
    area = area_code if area_code is not None else area_name
    assert area is not None  # a wide header has an area column (read.find_header)
    if area_code is not None and area_name is not None:
        area = area_code.where(area_code != "", area_name)
    c_area = code_col if code_col is not None else name_col
    total = area.str.lower().isin(TOTAL_WORDS)
    if area_name is not None:
        total |= area_name.str.lower().isin(TOTAL_WORDS)
    c_period = h.fields.get("period")
    period = _cell_text(body[c_period]) if c_period is not None else None
    parts = []
    any_filled = pd.Series(False, index=body.index)
    for c, ind_id in h.indicator_cols.items():
        raw = body[c]
        filled = (_cell_text(raw) != "") & ~total
        any_filled |= filled
        part = pd.DataFrame({"row": body.index.to_numpy()[filled.to_numpy()] + 1})
        part["indicator_raw"] = ind_id
        part["indicator_name_raw"] = h.texts.get(c, "")
        part["area_raw"] = area[filled].to_numpy()
        part["area_name_raw"] = area_name[filled].to_numpy() if area_name is not None else ""
        if period is not None:
            part["period_raw"] = period[filled].to_numpy()
        else:
            part["period_raw"] = table.meta.get("报告期", "")
        part["value_raw"] = raw[filled].to_numpy()
        part["note_raw"] = ""
        _place(part, "indicator", c, h.texts.get(c, ""))
        _place(part, "value", c, h.texts.get(c, ""))
        parts.append(part)
    unfilled = int(((area != "") & ~total & ~any_filled).sum())
    if not parts or not any(len(p) for p in parts):
        empty = pd.DataFrame(columns=["row", "indicator_raw", "area_raw", "value_raw"])
        return empty, int(total.sum()), unfilled
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    _place(out, "area", c_area, h.texts.get(c_area, "") if c_area is not None else "")
    _place_period(out, h, c_period)
    _place(out, "note", None, "")
    return out.sort_values(["row", "value_col"], kind="stable"), int(total.sum()), unfilled


def _years(table: RawTable, body: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Wide by year (the World Bank layout): one row per area × indicator, a column per
    period. Each filled period cell is one observation."""
    h = table.header

    def col(*names: str) -> tuple[pd.Series | None, int | None]:
        for n in names:
            if n in h.fields:
                return _cell_text(body[h.fields[n]]), h.fields[n]
        return None, None

    ind_id, c_id = col("indicator_id")
    ind_name, c_name = col("indicator_name")
    area_code, c_acode = col("area_code")
    area_name, c_aname = col("area_name")
    indicator = ind_id if ind_id is not None else ind_name
    area = area_code if area_code is not None else area_name
    assert indicator is not None and area is not None  # read._score_row: both columns exist
    if ind_id is not None and ind_name is not None:
        indicator = ind_id.where(ind_id != "", ind_name)
    if area_code is not None and area_name is not None:
        area = area_code.where(area_code != "", area_name)
    total = area.str.lower().isin(TOTAL_WORDS)
    c_ind = c_id if c_id is not None else c_name
    c_area = c_acode if c_acode is not None else c_aname
    parts = []
    for c, period in h.period_cols.items():
        raw = body[c]
        filled = ((_cell_text(raw) != "") & ~total).to_numpy()
        part = pd.DataFrame({"row": body.index.to_numpy()[filled] + 1})
        part["indicator_raw"] = indicator[filled].to_numpy()
        part["indicator_name_raw"] = ind_name[filled].to_numpy() if ind_name is not None else ""
        part["area_raw"] = area[filled].to_numpy()
        part["area_name_raw"] = area_name[filled].to_numpy() if area_name is not None else ""
        part["period_raw"] = period
        part["value_raw"] = raw[filled].to_numpy()
        part["note_raw"] = ""
        _place(part, "period", c, h.texts.get(c, ""))
        _place(part, "value", c, h.texts.get(c, ""))
        parts.append(part)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["row", "indicator_raw", "area_raw", "value_raw"]), int(
            total.sum()
        )
    out = pd.concat(parts, ignore_index=True)
    _place(out, "indicator", c_ind, h.texts.get(c_ind, "") if c_ind is not None else "")
    _place(out, "area", c_area, h.texts.get(c_area, "") if c_area is not None else "")
    _place(out, "note", None, "")
    return out.sort_values(["row", "value_col"], kind="stable"), int(total.sum())


def _resolve(rows: pd.DataFrame, vocab: Vocabulary) -> None:
    """Map indicators, areas and periods through dicts; parse numbers; keep notes as text."""
    for fld, lookup in (("indicator", vocab.indicators), ("area", vocab.areas)):
        raw = rows[f"{fld}_raw"]
        fold = fld == "area"
        resolved = pd.Series(
            map_unique(
                raw, lambda u, d=lookup, f=fold: d.get(text_key(u).casefold() if f else text_key(u))
            ),
            index=rows.index,
        )
        if fld == "indicator":  # a wrong code but a right name: use the name
            by_name = map_unique(rows["indicator_name_raw"], lambda u, d=lookup: d.get(text_key(u)))
            resolved = resolved.where(resolved.notna(), pd.Series(by_name, index=rows.index))
        rows[fld] = resolved.where(resolved.notna(), raw).astype(object)
        rows[f"{fld}_ok"] = resolved.notna().to_numpy()
    if "area_name_raw" in rows:  # the area a name column names (checked against the code)
        rows["area_name_code"] = map_unique(
            rows["area_name_raw"], lambda u, d=vocab.areas: d.get(text_key(u))
        )
    # a date or month (2010-12-31, 2024-03) ending a year or quarter is that year or quarter
    # for an indicator reported at that frequency (periods.as_frequency)
    freq = rows["indicator"].map(vocab.frequency).fillna("month")
    key = pd.Series(map_unique(rows["period_raw"], _one_text), index=rows.index, dtype=object)
    codes, uniques = pd.factorize(key + "|" + freq.astype(object))
    parsed = [_period_for(u) for u in uniques] + [None]
    rows["period"] = np.array([str(p) if p else None for p in parsed], dtype=object)[codes]
    rows["period_end"] = np.array([p.end if p else None for p in parsed], dtype=object)[codes]
    rows["period_idx"] = np.array([p.index if p else np.nan for p in parsed], dtype=float)[codes]
    rows["period_annual"] = np.array([bool(p and p.is_annual) for p in parsed], dtype=bool)[codes]
    values, pct = parse_numbers(rows["value_raw"])
    rows["value"] = values
    rows["pct_sign"] = pct
    rows["value_raw"] = _cell_text(rows["value_raw"])
    note = _cell_text(rows["note_raw"]) if "note_raw" in rows else ""
    rows["note"] = pd.Series(note, index=rows.index, dtype=object).where(lambda s: s != "", None)


def _period_for(key: str) -> Period | None:
    text, _, frequency = key.rpartition("|")
    period = parse_period(text)
    return as_frequency(period, frequency) if period is not None else None


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as written → floats (NaN when empty or not a number) and a "had a %" flag.

    Accepts full-width digits, thousands separators, a trailing % and spaces. Booleans and
    dates are not numbers.
    """
    kinds = raw.map(type)
    numeric = kinds.isin([int, float, np.float64, np.int64])
    values = pd.Series(np.nan, index=raw.index, dtype=float)
    values[numeric] = pd.to_numeric(raw[numeric], errors="coerce").astype(float)
    pct = pd.Series(False, index=raw.index, dtype=bool)
    is_text = kinds.isin([str])
    if is_text.any():  # plain numbers in C first; only the rest is cleaned up
        plain = pd.to_numeric(raw[is_text], errors="coerce").astype(float)
        values[is_text] = plain
        is_text &= values.isna()
    if is_text.any():  # each distinct text cleaned once (a file may repeat one long cell)
        codes, uniques = pd.factorize(raw[is_text].astype(str))
        text = pd.Series(uniques, dtype=object).str.translate(_NUMBER_TRANS)
        text = text.str.replace(_NUMBER_NOISE, "", regex=True)
        has_pct = text.str.endswith("%")
        text = text.str.removesuffix("%")
        ok = text.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
        number = pd.to_numeric(text.where(ok), errors="coerce").astype(float).to_numpy()
        values[is_text] = number[codes]
        pct[is_text] = (has_pct.to_numpy() & ok.to_numpy())[codes]
    values[~np.isfinite(values)] = np.nan
    return values, pct


_NUMBER_TRANS = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")
