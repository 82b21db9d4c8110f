"""Normalisation: numbers, periods, areas and indicators, mapped per distinct value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plantrack.config import load_config
from plantrack.ingest.normalise import Vocabulary, map_unique, normalise, parse_numbers
from plantrack.ingest.read import read_table
from tests.conftest import CONFIG
from tests.upload_fixtures import csv_bytes, row, xlsx_bytes


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(load_config(CONFIG))


NUMBERS = [
    ("1,234", 1234.0, False),
    ("1，234.5", 1234.5, False),
    ("１２３", 123.0, False),
    ("４１．５％", 41.5, True),
    ("41%", 41.0, True),
    (" 5 ", 5.0, False),
    ("1 000", 1000.0, False),
    ("\u30007\xa0", 7.0, False),
    ("-3", -3.0, False),
    ("1e3", 1000.0, False),
    (3, 3.0, False),
    (2.5, 2.5, False),
    ("abc", math.nan, False),
    ("", math.nan, False),
    (None, math.nan, False),
    ("inf", math.nan, False),
    ("nan", math.nan, False),
    ("--5", math.nan, False),
    ("5-", math.nan, False),
    (True, math.nan, False),
]


def test_parse_numbers():
    raw = pd.Series([n[0] for n in NUMBERS], dtype=object)
    values, pct = parse_numbers(raw)
    for (text, want, want_pct), got, p in zip(NUMBERS, values, pct, strict=True):
        assert (math.isnan(want) and math.isnan(got)) or got == want, text
        assert p == want_pct, text


@pytest.mark.parametrize(
    "text,period",
    [
        ("2023Q1", "2023Q1"),
        ("2023-Q1", "2023Q1"),
        ("2023年第一季度", "2023Q1"),
        ("2023年1季度", "2023Q1"),
        ("2023年一季度", "2023Q1"),
        ("2023年", "2023"),
        ("2023年1-3月", "2023Q1"),
        ("２０２３Ｑ２", "2023Q2"),
        (2023, "2023"),
        ("2023Q5", None),
        ("去年", None),
    ],
)
def test_periods(vocab, text, period):
    n = normalise(read_table(xlsx_bytes([row(period=text)]), "p.xlsx", vocab.match_header), vocab)
    assert n.rows.iloc[0]["period"] == period


@pytest.mark.parametrize(
    "text,code",
    [
        ("370103002000", "370103002000"),
        (370103002000, "370103002000"),  # a number cell in Excel
        ("大观园街道", "370103002000"),
        ("大观园", "370103002000"),
        ("二七", "370103008000"),
        (" 二七新村 街道 ", "370103008000"),
        ("全区", "370103"),
        ("火星", None),
    ],
)
def test_areas_by_code_name_or_alias(vocab, text, code):
    n = normalise(read_table(xlsx_bytes([row(area=text)]), "a.xlsx", vocab.match_header), vocab)
    rec = n.rows.iloc[0]
    assert rec["area_ok"] == (code is not None)
    if code:
        assert rec["area"] == code


def test_indicators_by_id_or_exact_name(vocab):
    rows = [
        ["fitness.instructors", "", "", "", "大观园", "2024Q1", 1, ""],
        ["", "公益社会体育指导员人数", "", "", "杆石桥", "2024Q1", 1, ""],
        ["wrong.code", "公益社会体育指导员人数", "", "", "四里村", "2024Q1", 1, ""],  # name wins
        ["", "公益社会体育指导", "", "", "魏家庄", "2024Q1", 1, ""],  # not exact
    ]
    n = normalise(read_table(csv_bytes(rows), "i.csv", vocab.match_header), vocab)
    assert list(n.rows["indicator_ok"]) == [True, True, True, False]
    assert list(n.rows["indicator_col"]) == ["A", "B", "A", "B"]


def test_map_unique_calls_once_per_distinct_value():
    calls = []
    s = pd.Series(["a", "b", "a", None, np.nan, "a"], dtype=object)
    out = map_unique(s, lambda v: calls.append(v) or (v or "").upper())
    assert list(out) == ["A", "B", "A", "", "", "A"]
    assert calls == ["a", "b", None]
