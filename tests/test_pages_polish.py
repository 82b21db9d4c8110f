"""AppTest of what issue #13 items 12–21 ask of the pages: the language kept across pages,
English names, no raw field names / ids / None / long hashes, text icons every font draws,
one date format, history by as-of date, completion with its meaning, rollback without a
preselected batch, Streamlit's own words in Chinese."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTCollection
from noto_cjk_sans_otc import FONT_PATH
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.upload_fixtures import csv_bytes, instructors

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
HASH64 = re.compile(r"\b[0-9a-f]{64}\b")
TASK_ID = re.compile(r"\b(openness2022|decisions2022)\.[a-z0-9_]+\b")
RAW_COLUMNS = {"title", "units", "deadline_text", "label", "name", "attribute", "verdict",
               "lead", "id", "created_at", "user_name", "config_hash", "status_date"}  # fmt: skip
NOTO = set(TTCollection(str(FONT_PATH)).fonts[0].getBestCmap())


def run(name: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=90)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at: AppTest) -> list[pd.DataFrame]:
    """Every table as the reader sees it: a column's heading is its ``column_config`` label
    where it has one."""
    out = []
    for d in at.dataframe:
        df = d.value.data if hasattr(d.value, "data") else d.value
        config = json.loads(d.proto.columns) if d.proto.columns else {}
        labels = {k: v.get("label") for k, v in config.items() if v.get("label")}
        out.append(df.rename(columns=labels))
    return out + [x.value for x in at.table]


def shown_text(at: AppTest) -> str:
    """Everything a reader sees as text, tables included."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric] + [x.value for x in at.title]
    parts += [x.value for x in at.subheader] + [x.value for x in at.header]
    parts += [e.label for e in at.expander] + [x.value for x in at.code]
    parts += [w.value for kind in (at.info, at.warning, at.success, at.error) for w in kind]
    for df in frames(at):
        parts.append(" ".join(map(str, df.columns)))
        parts.append(df.astype(str).to_string())
    for box in list(at.selectbox) + list(at.multiselect):
        parts += [str(o) for o in box.options]
    return "\n".join(parts)


# -- 12 language ---------------------------------------------------------------------------


def test_english_survives_a_change_of_page(app_env: Path):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90).run()
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value.startswith("PlanTrack")
    assert at.query_params["lang"] == "en"
    at.switch_page("pages/departments.py").run()
    assert not at.exception
    assert at.title[0].value == "By lead department"
    assert at.radio(key="lang").value == "en"
    at.switch_page("pages/tasks.py").run()
    assert at.title[0].value == "Tasks and milestones"
    source = [c.value for c in at.sidebar.caption if "source" in c.value]
    assert len(source) == 1 and source[0].startswith("Data source: database ")
    assert "数据" not in source[0]  # was "Data source：数据库 …"
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "任务与里程碑进展"
    assert "lang" not in at.query_params


def test_language_from_the_url(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert at.title[0].value.startswith("PlanTrack")
    links = [m.value for m in at.markdown if "](indicator?id=" in m.value]
    assert links and all("lang=en" in x for x in links), "links keep the language"


def test_english_names_of_plans_departments_areas(app_env: Path):
    at = run("overview.py", as_of=date(2023, 12, 31), lang="en")
    heads = [m.value for m in at.markdown if m.value.startswith("####")]
    assert "#### National Fitness Plan" in heads
    captions = " ".join(c.value for c in at.caption)
    assert "District Disabled Persons' Federation" in captions and "区残联" not in captions
    ind = run("indicator.py", lang="en")
    area = ind.selectbox(key="ind_area")
    assert "Daguanyuan Subdistrict" in area.options
    dept = run("departments.py", lang="en")
    box = dept.selectbox(key="dept")
    assert "District Education and Sports Bureau" in box.options


# -- 13 no raw names, ids, None, long hashes ------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_no_raw_names_ids_none_or_hashes(app_env: Path, name: str):
    at = run(name, as_of=date(2023, 12, 31), report_as_of=date(2023, 12, 31))
    for df in frames(at):
        assert not RAW_COLUMNS & {str(c) for c in df.columns}, (name, list(df.columns))
    text = shown_text(at)
    for copyable in (x.value for x in at.code):  # st.code: the whole hash, to copy
        text = text.replace(copyable, "")
    assert not HASH64.search(text), name
    assert not TASK_ID.search(text), (name, TASK_ID.search(text))
    assert not re.search(r"(?<![A-Za-z])None(?![A-Za-z])", text), name


def test_task_picker_names_tasks_by_plan_and_number(app_env: Path):
    at = run("tasks.py", tasks_as_of=date(2023, 12, 31))
    box = at.selectbox(key="tasks_form_task")
    labels = box.options
    assert any(lab.startswith("2022年政务公开工作要点 第1项") for lab in labels), labels[:3]
    assert not any(TASK_ID.search(lab) for lab in labels)


def test_report_shows_a_short_hash_and_copies_the_whole(app_env: Path):
    at = run("report.py", report_as_of=date(2023, 12, 31))
    meta = next(c.value for c in at.caption if "配置哈希" in c.value)
    shown = re.search(r"配置哈希 ([0-9a-f]+)", meta)
    assert shown and len(shown.group(1)) == 12
    assert any(len(c.value) == 64 for c in at.code), "the whole hash, with a copy button"


# -- 16 icons every font draws ----------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_icons_need_no_emoji_font(app_env: Path, name: str):
    at = run(name, as_of=date(2023, 12, 31))
    text = shown_text(at) + " ".join(b.label for b in at.button)
    missing = {ch for ch in text if ord(ch) > 0x7F and not ch.isspace() and ord(ch) not in NOTO}
    assert not missing, (name, missing)


# -- 17 dates ----------------------------------------------------------------------------------


def test_one_date_format_and_report_known_on_follows(app_env: Path):
    at = run("report.py")
    for d in at.date_input:
        assert d.proto.format == "YYYY/MM/DD".replace("/", "-"), d.key
    at.button(key="report_as_of_2023-12-31").click().run()
    assert at.date_input(key="report_known_on").value == date(2024, 3, 31)
    at.button(key="report_as_of_2025-12-31").click().run()
    assert at.date_input(key="report_known_on").value == date(2026, 3, 31)
    tasks = run("tasks.py")
    assert all(d.proto.format == "YYYY-MM-DD" for d in tasks.date_input)


def test_default_known_on():
    from app.report_view import default_known_on

    assert default_known_on(date(2023, 12, 31), today=date(2030, 1, 1)) == date(2024, 3, 31)
    assert default_known_on(date(2024, 5, 10), today=date(2030, 1, 1)) == date(2024, 9, 30)
    assert default_known_on(date(2025, 12, 31), today=date(2026, 1, 5)) == date(2026, 1, 5)


# -- 18 history by the as-of date, no projection after its year --------------------------------


def indicator(as_of: str, area: str = "370103", ind: str = "fitness.regular_exercise_rate"):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=90)
    at.query_params.update({"id": ind, "area": area, "as_of": as_of})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_history_respects_the_as_of_date(app_env: Path):
    at = indicator("2022-12-31")
    history = next(df for df in frames(at) if "修订次数" in df.columns and "状态" in df.columns)
    periods = history["数据期"].astype(str)
    assert len(periods) and (periods.str[:4].astype(int) <= 2022).all(), periods.tolist()
    assert any("之后各期" in c.value for c in at.caption)


def test_no_projection_after_its_year(app_env: Path):
    mid = indicator("2023-12-31", ind="fitness.instructors_per_10k")
    assert any("预计" in c.value for c in mid.caption)
    late = indicator("2026-06-30", ind="fitness.instructors_per_10k")
    assert not any("预计" in c.value for c in late.caption)


# -- 19 completion far outside 0–100% ----------------------------------------------------------


def test_completion_far_above_is_explained(app_env: Path):
    at = indicator("2023-12-31", area="370103017000", ind="fitness.sports_area_per_capita")
    metric = next(m for m in at.metric if m.label == "完成进度")
    assert metric.value.endswith("%") and int(metric.value[:-1]) > 150, metric.value
    assert metric.delta == "远超目标", "the figure comes with its meaning"
    assert any("基期值已接近目标" in c.value for c in at.caption)


def test_completion_words():
    from app.components import completion_text

    assert completion_text(0.62) == "62%"
    assert completion_text(5.97) == "远超目标（597%）"
    assert completion_text(-0.2) == "比基期倒退（−20%）"
    assert completion_text(None) == "—"


# -- 20 rollback and the batch list ------------------------------------------------------------


def test_rollback_starts_with_no_batch_and_the_list_shows_a_new_load(app_env: Path):
    at = run("upload.py")  # logged in as the demo admin (app_env): no name box
    box = at.selectbox(key="upload.rollback.batch")
    assert box.value is None and at.button(key="upload.rollback.go").disabled
    before = len(next(df for df in frames(at) if "入库时间" in df.columns))
    at.file_uploader[0].set_value(("q.csv", csv_bytes(instructors(base=3000)), "text/csv")).run()
    at.checkbox(key="upload.file.accept").check().run()
    at.text_area(key="upload.file.reason").input("更正").run()
    at.button(key="upload.file.confirm").click().run()
    table = next(df for df in frames(at) if "入库时间" in df.columns)
    assert len(table) == before + 1
    assert table.iloc[0]["上报人"] == "admin" and table.iloc[0]["来源"] == "文件上传"
    assert at.selectbox(key="upload.rollback.batch").value is None


# -- 21 Streamlit's own words --------------------------------------------------------------------


def test_select_placeholders_are_chinese(app_env: Path):
    for name in PAGES:
        at = run(name)
        for box in list(at.selectbox) + list(at.multiselect):
            assert box.proto.placeholder, (name, box.key)
            assert "Choose" not in box.proto.placeholder, (name, box.key)


def test_uploader_words_replaced_by_css():
    from app import style

    css = style.css()
    assert 'content: "选择文件"' in css and "不超过" in css and "没有匹配的选项" in css


def test_latest_periods_in_words_on_overview_and_departments(app_env: Path):
    """现状值 with 2025年四季度, not the file code 2025Q4 (overview 需关注 and scorecard, and
    the department page that shows the same scorecard)."""
    code = re.compile(r"\d{4}Q\d")
    ov = run("overview.py", as_of=date(2023, 12, 31))
    attention = [x.value for x in ov.caption if "现状" in x.value]
    assert attention and not any(code.search(x) for x in attention), attention[:2]
    assert any("2023年四季度" in x for x in attention)
    dept = run("departments.py", dept_as_of=date(2023, 12, 31))
    latest = [str(v) for df in frames(dept) for col in df.columns if "现状" in str(col)
              for v in df[col]]  # fmt: skip
    assert latest and not any(code.search(x) for x in latest), latest[:3]
