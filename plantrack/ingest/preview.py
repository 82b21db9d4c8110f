"""Tables for the upload page: the normalised rows as read, and the correction grid.

Plain pandas over the workspace (no Streamlit), so the page stays a thin layer.
"""

from __future__ import annotations

import pandas as pd

from plantrack.workspace import Workspace


def preview(ws: Workspace, rows: pd.DataFrame, limit: int = 500) -> pd.DataFrame:
    """The first normalised rows as the user reads them (names, not ids)."""
    head = rows.head(limit)
    names = {i: ind.name for i, ind in ws.indicators.items()}
    return pd.DataFrame(
        {
            "行": head["row"].astype(int),
            "指标": head["indicator"].map(lambda i: names.get(i, i)),
            "地区": head["area"].map(lambda a: ws.area_names.get(a, a)),
            "报告期": head["period"].where(head["period"].notna(), head["period_raw"]),
            "数值": head["value"],
            "填写值": head["value_raw"].astype(str),
            "备注": head["note"],
        }
    )


def editor_rows(ws: Workspace, indicator: str, period: str) -> pd.DataFrame:
    """The grid for online corrections: the indicator's areas with their stored values."""
    ind = ws.indicators[indicator]
    areas = [ws.district] if ind.rollup.method == "none" else list(ws.area_names)
    cur = ws.store.current(indicators=[indicator])
    cur = cur[cur["period"] == period].set_index("area")
    return pd.DataFrame(
        {
            "指标代码": indicator,
            "地区代码": areas,
            "地区": [ws.area_names[a] for a in areas],
            "报告期": period,
            "数值": [cur["value"].get(a) for a in areas],
            "备注": [cur["note"].get(a) for a in areas],
        }
    )
