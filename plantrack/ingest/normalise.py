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


def _lookup(series: pd.Series, find) -> tuple[np.ndarray, np.ndarray]:
    """``find`` (a dict lookup: None when unknown) once per distinct value: (found, known)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    found = np.empty(len(uniques) + 1, dtype=object)
    found[:-1] = [find(u) for u in uniques]
    found[-1] = find(None)
    known = np.fromiter((f is not None for f in found), bool, len(found))
    return found[codes], known[codes]


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
    rows[f"{fld}_col"] = _texts(rows.index, column_letter(col) if col is not None else "")
    rows[f"{fld}_header"] = _texts(rows.index, header)


def _texts(index: pd.Index, values) -> pd.Series:
    """An object column: pandas would convert text arrays and scalars to its string dtype
    (a copy of every cell, and again on the way back to the object arrays used here)."""
    if np.isscalar(values):
        scalar, values = values, np.empty(len(index), dtype=object)
        values.fill(scalar)  # np.full is ~25× slower for objects
    return pd.Series(values, index=index, dtype=object)


def _is_total(series: pd.Series) -> pd.Series:
    """Rows whose text is a total word (合计, 总计 …), tested once per distinct text."""
    hit = map_unique(series, lambda u: isinstance(u, str) and u.lower() in TOTAL_WORDS)
    return pd.Series(hit.astype(bool), index=series.index)


class _Column:
    """A column as codes into its distinct trimmed texts: each test runs once per text."""

    def __init__(self, series: pd.Series | None, index: pd.Index):
        if series is None:
            self.codes, self.texts = np.full(len(index), -1, dtype=np.intp), np.array([""], object)
        else:
            codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
            self.codes = codes
            self.texts = np.empty(len(uniques) + 1, dtype=object)  # the last: empty cells
            self.texts[:-1] = [_one_text(u) for u in uniques]
            self.texts[-1] = ""
        self.index = index

    def series(self) -> pd.Series:
        return _texts(self.index, self.texts[self.codes])

    def mask(self, test) -> np.ndarray:
        return np.fromiter(map(test, self.texts), bool, len(self.texts))[self.codes]

    def blank(self) -> np.ndarray:
        return self.mask(lambda t: t == "")

    def total(self) -> np.ndarray:
        return self.mask(lambda t: t.lower() in TOTAL_WORDS)


def _long(table: RawTable, body: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    h = table.header
    out = pd.DataFrame(index=body.index)
    out["row"] = body.index.to_numpy() + 1

    def col(*names: str) -> tuple[_Column, int | None]:
        for n in names:
            if n in h.fields:
                return _Column(body[h.fields[n]], body.index), h.fields[n]
        return _Column(None, body.index), None

    ind_id, c_id = col("indicator_id")
    ind_name, c_name = col("indicator_name")
    area_code, c_acode = col("area_code")
    area_name, c_aname = col("area_name")
    period, c_period = col("period")
    value, c_value = col("value")
    note, c_note = col("note")
    id_blank, code_blank = ind_id.blank(), area_code.blank()
    out["indicator_raw"] = ind_id.series().where(~id_blank, ind_name.series())
    out["indicator_name_raw"] = ind_name.series()
    out["area_raw"] = area_code.series().where(~code_blank, area_name.series())
    out["area_name_raw"] = area_name.series()
    out["period_raw"] = period.series() if c_period is not None else table.meta.get("报告期", "")
    out["value_raw"] = body[c_value] if c_value is not None else ""
    out["note_raw"] = note.series()
    for fld, first, second, use_second in (
        ("indicator", c_id, c_name, id_blank),
        ("area", c_acode, c_aname, code_blank),
    ):
        c = first if first is not None else second
        _place(out, fld, c, h.texts.get(c, "") if c is not None else "")
        if first is not None and second is not None:  # the column the text came from
            out.loc[use_second, f"{fld}_col"] = column_letter(second)
            out.loc[use_second, f"{fld}_header"] = h.texts.get(second, "")
    _place(out, "value", c_value, h.texts.get(c_value, "") if c_value is not None else "")
    _place_period(out, h, c_period)
    _place(out, "note", c_note, h.texts.get(c_note, "") if c_note is not None else "")
    value_blank = value.blank()
    blank = id_blank & ind_name.blank() & code_blank & area_name.blank() & value_blank
    blank &= period.blank() | (c_period is None)
    total = np.where(id_blank, ind_name.total(), ind_id.total())
    total |= np.where(code_blank, area_name.total(), area_code.total())
    footer = _footer_rows(body).to_numpy() & value_blank
    # a template row the department does not report on: prefilled cells, no value, no note
    unfilled = value_blank & note.blank() & ~(blank | total | footer)
    keep = ~(blank | total | footer | unfilled)
    kept = out if keep.all() else out[keep]  # a filter copies every column
    return kept, int(total.sum()), int(unfilled.sum())


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
    total = _is_total(area)
    if area_name is not None:
        total |= _is_total(area_name)
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
    total = _is_total(area)
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
        resolved, ok = _lookup(
            raw, lambda u, d=lookup, f=fold: d.get(text_key(u).casefold() if f else text_key(u))
        )
        if fld == "indicator":  # a wrong code but a right name: use the name
            by_name, by_name_ok = _lookup(
                rows["indicator_name_raw"], lambda u, d=lookup: d.get(text_key(u))
            )
            resolved = np.where(ok, resolved, by_name)
            ok = ok | by_name_ok
        rows[fld] = _texts(rows.index, np.where(ok, resolved, raw.to_numpy(dtype=object)))
        rows[f"{fld}_ok"] = ok
    if "area_name_raw" in rows:  # the area a name column names (checked against the code)
        rows["area_name_code"] = _texts(
            rows.index,
            map_unique(rows["area_name_raw"], lambda u, d=vocab.areas: d.get(text_key(u))),
        )
    # a date or month (2010-12-31, 2024-03) ending a year or quarter is that year or quarter
    # for an indicator reported at that frequency (periods.as_frequency)
    # one parse per distinct (period text, indicator) pair, paired by integer codes
    p_codes, p_texts = pd.factorize(rows["period_raw"].to_numpy(dtype=object))
    i_codes, i_ids = pd.factorize(rows["indicator"].to_numpy(dtype=object))
    pair = (p_codes.astype(np.int64) + 1) * (len(i_ids) + 1) + (i_codes + 1)
    codes, pairs = pd.factorize(pair)
    p_of, i_of = np.divmod(pairs, len(i_ids) + 1)
    texts = [_one_text(None), *(_one_text(t) for t in p_texts)]
    freqs = [None, *(vocab.frequency.get(i) for i in i_ids)]
    parsed = [_period_for(texts[p], freqs[i] or "month") for p, i in zip(p_of, i_of, strict=True)]
    parsed.append(None)
    rows["period"] = _texts(rows.index, np.array([str(p) if p else None for p in parsed])[codes])
    rows["period_end"] = np.array([p.end if p else None for p in parsed], dtype=object)[codes]
    rows["period_idx"] = np.array([p.index if p else np.nan for p in parsed], dtype=float)[codes]
    rows["period_annual"] = np.array([bool(p and p.is_annual) for p in parsed], dtype=bool)[codes]
    values, pct = parse_numbers(rows["value_raw"])
    rows["value"] = values
    rows["pct_sign"] = pct
    rows["value_raw"] = _cell_text(rows["value_raw"])
    note = _cell_text(rows["note_raw"]) if "note_raw" in rows else ""
    rows["note"] = pd.Series(note, index=rows.index, dtype=object).where(lambda s: s != "", None)


def _period_for(text: str, frequency: str) -> Period | None:
    period = parse_period(text)
    return as_frequency(period, frequency) if period is not None else None


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as written → floats (NaN when empty or not a number) and a "had a %" flag.

    Accepts full-width digits, thousands separators, a trailing % and spaces. Booleans and
    dates are not numbers.
    """
    # each distinct cell once (a file may repeat one value or one long text many times)
    codes, uniques = _distinct_cells(raw.to_numpy(dtype=object))
    cells = pd.Series(uniques, dtype=object)
    kinds = cells.map(type)
    numeric = kinds.isin([int, float, np.float64, np.int64]).to_numpy()
    found = np.full(len(cells) + 1, np.nan)  # the last slot: empty cells (code -1)
    found[:-1][numeric] = pd.to_numeric(cells[numeric], errors="coerce").astype(float)
    has_pct = np.zeros(len(cells) + 1, dtype=bool)
    is_text = kinds.isin([str]).to_numpy(copy=True)
    if is_text.any():  # plain numbers in C first; only the rest is cleaned up
        found[:-1][is_text] = pd.to_numeric(cells[is_text], errors="coerce").astype(float)
        is_text &= np.isnan(found[:-1])
    if is_text.any():
        text = cells[is_text].str.translate(_NUMBER_TRANS)
        text = text.str.replace(_NUMBER_NOISE, "", regex=True)
        pct_mark = text.str.endswith("%")
        text = text.str.removesuffix("%")
        ok = text.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
        found[:-1][is_text] = pd.to_numeric(text.where(ok), errors="coerce").astype(float)
        has_pct[:-1][is_text] = pct_mark.to_numpy(dtype=bool) & ok.to_numpy(dtype=bool)
    values = pd.Series(found[codes], index=raw.index, dtype=float)
    pct = pd.Series(has_pct[codes], index=raw.index, dtype=bool)
    values[~np.isfinite(values)] = np.nan
    return values, pct


class _Flag:
    """A TRUE/FALSE cell: not a number (factorize would take True for 1)."""


_TRUE, _FALSE = _Flag(), _Flag()


def _distinct_cells(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of the cells, with booleans kept apart from the numbers 1 and 0."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    if any(
        isinstance(u, bool | np.bool_) or (not isinstance(u, str) and u in (0, 1)) for u in uniques
    ):
        flags = np.fromiter((isinstance(v, bool | np.bool_) for v in cells), bool, len(cells))
        if flags.any():
            cells = cells.copy()
            cells[flags] = [_TRUE if v else _FALSE for v in cells[flags]]
            codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    return codes, uniques


_NUMBER_TRANS = str.maketrans("０１２３４５６７８９．－＋％，", "0123456789.-+%,")
