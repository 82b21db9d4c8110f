"""The overview's 仅显示已审核数据: approved figures only (each as approved), or the latest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from plantrack.auth import accounts
from plantrack.auth import periods as approval
from plantrack.auth.roles import Action
from plantrack.store import Store
from plantrack.workspace import open_workspace
from tests.conftest import ROOT

IND = "disabled.congress_delegates_pwd_share"  # led by 区委组织部 and 区残联, yearly, in %
AS_OF = date(2023, 12, 31)


def latest_cell(at: AppTest) -> str:
    """The 最新值 cell of IND in the overview's scorecard tables."""
    for frame in at.dataframe:
        table = frame.value
        if isinstance(table, pd.DataFrame) and {"name", "latest"} <= set(table.columns):
            row = table[table["name"].str.contains(f"id={IND}&", regex=False)]
            if not row.empty:
                return str(row["latest"].iloc[0])
    raise AssertionError(f"{IND} not in the overview's tables")


def test_overview_toggle_shows_approved_figures_only(app_env: Path) -> None:
    ws = open_workspace(settings=None)  # the app's database (PLANTRACK_DB)
    admin = accounts.login(Store(app_env), "admin", "demo-admin-1")
    figure = pd.DataFrame(
        {"indicator": [IND], "area": [ws.district], "period": ["2023"],
         "period_end": [date(2023, 12, 31)], "value": [77.7], "note": [None]}
    )  # fmt: skip
    ws.store.load(figure, actor=admin, source="t", scope=ws.scope)  # 2023: not approved
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=120)
    at.session_state["as_of"] = AS_OF
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert latest_cell(at) == "77.7%（2023年）"  # the latest, not yet approved
    at.toggle(key="ov_approved").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert latest_cell(at) == "50.0%（2022年）"  # the demo approves its periods through 2022
    assert not any("77.7" in str(f.value.to_dict()) for f in at.dataframe)
    # once both lead departments' 2023 is approved, the figure shows as approved
    for dept in ("区委组织部", "区残联"):
        approval.change(ws.store, admin, Action.SUBMIT, dept, "2023")
        approval.change(ws.store, admin, Action.APPROVE, dept, "2023")
    at.run()
    assert latest_cell(at) == "77.7%（2023年）"
    at.toggle(key="ov_approved").set_value(False).run()
    assert latest_cell(at) == "77.7%（2023年）"


def test_approved_only_needs_every_lead_department_of_the_indicator(demo_copy) -> None:
    """IND is led by 区委组织部 and 区残联: 区残联 approving 2023 alone does not make its 2023
    figure approved (it counted as approved when any one lead department had approved)."""
    ws = demo_copy
    admin = accounts.login(ws.store, "admin", "demo-admin-1")
    figure = pd.DataFrame(
        {"indicator": [IND], "area": [ws.district], "period": ["2023"],
         "period_end": [date(2023, 12, 31)], "value": [77.7], "note": [None]}
    )  # fmt: skip
    ws.store.load(figure, actor=admin, source="t", scope=ws.scope)

    def approved_2023() -> list[float]:
        obs = ws.store.current(approved_only=ws.scope)
        rows = obs[(obs["indicator"] == IND) & (obs["period"] == "2023")]
        return [float(v) for v in rows["value"]]

    assert approved_2023() == []
    approval.change(ws.store, admin, Action.SUBMIT, "区残联", "2023")
    approval.change(ws.store, admin, Action.APPROVE, "区残联", "2023")
    assert approved_2023() == []  # 区委组织部 has not approved its 2023
    # an indicator led by 区残联 alone is approved by 区残联's approval
    only = [
        i.id for i in ws.registry.indicators if list(ws.scope.leads.get(i.id, [])) == ["区残联"]
    ]
    assert only
    obs = ws.store.current(approved_only=ws.scope)
    assert set(obs[obs["period"] == "2023"]["indicator"]) <= set(only)
    approval.change(ws.store, admin, Action.SUBMIT, "区委组织部", "2023")
    approval.change(ws.store, admin, Action.APPROVE, "区委组织部", "2023")
    assert approved_2023() == [77.7]
