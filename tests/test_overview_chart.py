"""The overview's progress charts (Vega-Lite): one per plan with targets, each bar the
completion of one target indicator as assessed, clickable (selection ``pick``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from plantrack.charts_progress import PICK
from tests.conftest import ROOT

AS_OF = date(2023, 12, 31)


def charts(at: AppTest) -> list[dict]:
    """The specs of the page's Vega-Lite charts, with their data sets filled in."""
    out = []
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        data = {d.name: d.data for d in el.proto.datasets}
        out.append({"spec": spec, "data": data, "modes": list(el.proto.selection_mode)})
    return out


def rows_of(chart: dict) -> pd.DataFrame:
    """The bar layer's table."""
    name = chart["spec"]["layer"][0]["data"]["name"]
    return pa.ipc.open_stream(chart["data"][name].data).read_all().to_pandas()


def test_progress_chart_per_plan_with_the_assessed_completion(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60)
    at.session_state["as_of"] = AS_OF
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    found = charts(at)
    assert len(found) == 2  # 全民健身 and 残疾人事业 have targets; the other plans none
    for chart in found:
        assert chart["modes"] == [PICK]
        assert [p["name"] for p in chart["spec"]["params"]] == [PICK]
    from app import cache

    ws = cache.workspace()
    table = cache.cached_assessment(ws, AS_OF, None, None, cache.data_version(ws))
    targets = table[(table["kind"] == "target") & (table["plan"] == "fitness")]
    bars = rows_of(found[0])
    assert bars["indicator"].tolist() == targets["indicator"].tolist()
    expected = pd.to_numeric(targets["completion"], errors="coerce").clip(-0.5, 1.5).fillna(0)
    assert bars["shown"].round(6).tolist() == expected.round(6).tolist()
    assert bars["light"].tolist() == targets["light"].fillna("grey").tolist()


def test_many_plans_draw_tables_under_all_plans_and_a_chart_per_chosen_plan(
    app_env: Path, monkeypatch
):
    """With more plans than CHART_PLANS (a province's registry; here the limit is lowered
    to 1 for the demo's two plans with targets), 全部规划 lists each plan's table and says
    where the charts are; choosing a plan draws its chart above its table."""
    from app import overview_view

    monkeypatch.setattr(overview_view, "CHART_PLANS", 1)
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60)
    at.session_state["as_of"] = AS_OF
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert charts(at) == []
    assert len(at.dataframe) >= 2  # one table per plan (and the monitors' table)
    assert any("选择一个规划" in c.value and "共 2 个规划" in c.value for c in at.caption)
    at.segmented_control(key="ov_plan").set_value("fitness").run()
    assert not at.exception, [e.value for e in at.exception]
    (chart,) = charts(at)
    assert set(rows_of(chart)["indicator"]) and all(
        i.startswith("fitness.") for i in rows_of(chart)["indicator"]
    )
    assert not any("选择一个规划" in c.value for c in at.caption)
