"""Property: random malformed tables never raise and never change the stored data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack import upload
from plantrack.workspace import Workspace, open_workspace
from tests.conftest import act_as, make_settings
from tests.upload_fixtures import LONG, csv_bytes, snapshot, xlsx_bytes

HEADERS = [*LONG, "indicator_id", "area", "value", "上期值", "合计", "", "地区"]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "fitness.instructors",
            "大观园",
            "370103",
            "2024Q1",
            "2031Q1",
            "合计",
            "=1+1",
            "41%",
            "１２",
            "-5",
        ]
    ),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
TABLES = st.tuples(
    st.lists(st.sampled_from(HEADERS), min_size=0, max_size=9),
    st.lists(st.lists(CELLS, max_size=10), max_size=12),
    st.sampled_from(["csv-utf-8", "csv-gbk", "xlsx"]),
    st.booleans(),
)


@pytest.fixture(scope="module")
def ws(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("prop")
    shutil.copy(demo_db, folder / "p.duckdb")
    return open_workspace(settings=make_settings(folder / "p.duckdb"))


def encode(header: list, rows: list[list], kind: str, block: bool) -> bytes:
    if kind == "xlsx":
        clean = [[None if isinstance(v, float) and v != v else v for v in r] for r in rows]
        clean = [
            [str(v) if isinstance(v, float) and abs(v) == float("inf") else v for v in r]
            for r in clean
        ]
        clean = [[v if not isinstance(v, str) else v.replace("\x00", "") for v in r] for r in clean]
        return xlsx_bytes(clean, header=header or None, block=block, text_cols=range(20))
    encoding = "utf-8" if kind == "csv-utf-8" else "gbk"
    text_rows = [[str(v) for v in r] for r in rows]
    try:
        return csv_bytes(text_rows, encoding=encoding, header=header or None, block=block)
    except UnicodeEncodeError:
        return csv_bytes(text_rows, encoding="gb18030", header=header or None, block=block)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(TABLES)
def test_random_tables_never_raise_and_never_store(ws, table):
    header, rows, kind, block = table
    try:
        data = encode(header, rows, kind, block)
    except Exception:  # openpyxl refuses some control characters: not our concern
        return
    act_as(ws)  # log in first: the session and audit rows are not data
    before = snapshot(ws)
    name = f"random.{'xlsx' if kind == 'xlsx' else 'csv'}"
    result = upload.check(ws, data, name, user="hypothesis", keep=False)
    assert result.outcome in {"unreadable", "invalid", "valid"}
    assert all(p.message and name in p.text for p in result.report.problems)
    loaded = upload.load(ws, result, actor=act_as(ws), keep=False)
    if loaded.outcome != "loaded":
        assert snapshot(ws) == before  # a refused file changes no stored data


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["x.xlsx", "x.csv", "x"]))
def test_random_bytes_never_raise(demo_db, data, name):
    ws = open_workspace(settings=make_settings(demo_db))
    result = upload.check(ws, data, name, keep=False)
    assert result.outcome in {"unreadable", "invalid", "valid"}
