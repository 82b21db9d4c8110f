"""Issue #13 item 13 on the indicator page: the definition table speaks the reader's
language — in Chinese only Chinese labels and values (no code row, no English name, no
component ids in the formula), in English the English forms; the code is one small line."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.indicator_view import definition_table
from plantrack.workspace import Workspace
from tests.conftest import ROOT

LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def page(lang: str, ind: str = "fitness.sports_area_per_capita") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=90)
    at.query_params.update({"id": ind, "area": "370103", "as_of": "2023-12-31"})
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_chinese_definition_has_no_code_or_english(app_env: Path):
    at = page("zh")
    table = at.table[0].value
    assert "指标代码" not in table.index and "指标编码" not in table.index
    for label, cell in table.iloc[:, 0].items():
        assert not LATIN.search(str(label)), label
        assert not LATIN.search(str(cell)), (label, cell)
    assert table.loc["指标名称"].iloc[0] == "人均体育场地面积"
    assert table.loc["计算公式"].iloc[0] == "体育场地面积 ÷ 常住人口"
    clause = table.loc["条款原文"].iloc[0]
    assert "‘15分钟健身圈’" in clause, "quotes inside the quoted clause are nested as ‘’"
    assert any(c.value == "编码：`fitness.sports_area_per_capita`" for c in at.caption)


def test_english_definition_has_the_english_forms(app_env: Path):
    at = page("en")
    table = at.table[0].value
    assert table.loc["Name"].iloc[0] == "Sports ground area per resident"
    assert table.loc["Unit"].iloc[0] == "m²"
    assert table.loc["Target"].iloc[0] == "at least 2.60 m² by 2025"
    assert table.loc["Formula"].iloc[0] == "Sports ground area ÷ Resident population"
    for label in ("Name", "Plan", "Unit", "Target", "Baseline", "Lead departments", "Formula"):
        assert not CJK.search(table.loc[label].iloc[0]), (label, table.loc[label].iloc[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_indicator_definition_in_one_language(empty_ws: Workspace, lang: str):
    """Over the whole registry: no Latin letters in a Chinese definition outside the clause
    and notes the plan wrote itself; an English one names the indicator in English."""
    st.session_state["lang"] = lang
    try:
        for ind in empty_ws.registry.indicators:
            table: pd.DataFrame = definition_table(empty_ws, ind)
            cells = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
            if lang == "zh":
                assert ind.id not in cells.values()
                for label in ("指标名称", "所属规划", "单位", "计算公式", "汇总方式", "牵头部门"):
                    assert not LATIN.search(cells[label]), (ind.id, label, cells[label])
            else:
                assert cells["Name"] == (ind.name_en or ind.name)
                assert ind.name not in cells["Name"] or not ind.name_en
    finally:
        del st.session_state["lang"]


def test_periods_are_written_as_readers_write_them(app_env: Path):
    """数据期 2025年四季度, not the file code 2025Q4, in the metrics, captions and tables."""
    at = page("zh", ind="fitness.regular_exercise_rate")
    latest = next(m for m in at.metric if m.label.startswith("现状值"))
    assert re.search(r"· 20\d\d年[一二三四]季度$", latest.label), latest.label
    history = next(x.value for x in at.dataframe if "修订次数" in x.value.columns)
    history = history.data if hasattr(history, "data") else history
    periods = history["数据期"].astype(str)
    assert periods.str.fullmatch(r"20\d\d年([一二三四]季度)?").all(), periods.tolist()[:5]
    assert any(re.match(r"20\d\d年[一二三四]季度各街道数值", c.value) for c in at.caption)
    text = " ".join([m.label for m in at.metric] + [c.value for c in at.caption])
    assert not re.search(r"\d{4}Q\d", text), text
    en = page("en", ind="fitness.regular_exercise_rate")
    assert any(re.search(r"20\d\d Q[1-4]$", m.label) for m in en.metric)


def test_period_label():
    from app.components import period_label

    assert period_label("2025Q4") == "2025年四季度"
    assert period_label("2025") == "2025年" and period_label("2024-03") == "2024年3月"
    assert period_label(None) == "—"
