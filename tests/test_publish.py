"""The public static site: files, demo mark, downloads, and axe-core (npm, pinned in
.ci/node) run in headless Chromium on the index, a plan page and an indicator page with 0
serious or critical violations at 1440 and 390 px; screenshots kept in tests/artifacts/."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from plantrack.cli import main
from plantrack.publish import publish
from plantrack.workspace import Workspace
from tests.browser import CHROMIUM, browser

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def test_site_files_and_demo_mark(demo_ws: Workspace, tmp_path: Path) -> None:
    files = publish(demo_ws, tmp_path / "site", date(2024, 12, 31))
    names = {p.relative_to(tmp_path / "site").as_posix() for p in files}
    assert {"index.html", "plan-disabled.html", "data/values.csv", "data/values.json"} <= names
    assert "ind-fitness.regular_exercise_rate.html" in names
    for path in files:
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert '<html lang="zh-CN">' in text and "示例数据（模拟，非官方统计）" in text
            assert 'href="#main"' in text and text.count("<h1>") == 1
    page = (tmp_path / "site" / "ind-fitness.regular_exercise_rate.html").read_text("utf-8")
    assert '<svg role="img"' in page and "<desc" in page and "<table>" in page
    # the axis and the description round as the table does (41.1, not 41.08)
    precision = demo_ws.indicators["fitness.regular_exercise_rate"].precision
    numbers = re.findall(r"<text[^>]*>([\d.,-]+)</text>", page)
    numbers += re.findall(r"的(-?[\d.,]+)%", page.split("<desc")[1].split("</desc>")[0])
    assert len(numbers) >= 4
    assert all(len(n.split(".")[1]) == precision for n in numbers if "." in n), numbers
    assert 'role="region" tabindex="0"' in page.split("<svg")[0][-120:]  # scrolls on a phone
    data = json.loads((tmp_path / "site" / "data" / "values.json").read_text("utf-8"))
    assert data and max(r["period"] for r in data) <= "2024Q4"  # nothing after as-of
    plan = (tmp_path / "site" / "plan-disabled.html").read_text("utf-8")
    assert "巩固拓展残疾人脱贫攻坚成果" in plan


def test_real_database_has_no_demo_mark(empty_ws: Workspace, tmp_path: Path) -> None:
    publish(empty_ws, tmp_path / "site", date(2024, 12, 31))
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "示例数据" not in index
    assert "暂无公开数据" in (tmp_path / "site" / "plan-fitness.html").read_text("utf-8")


def test_cli(empty_ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(empty_ws.settings.db_path)
    assert main(["--db", db, "publish", "--out", str(tmp_path / "s")]) == 0
    assert "index.html" in capsys.readouterr().out
    (tmp_path / "f").write_text("x")
    assert main(["--db", db, "publish", "--out", str(tmp_path / "f")]) == 2


def _need_browser() -> None:
    missing = [n for n, ok in (("chromium", CHROMIUM), ("axe-core", AXE.exists())) if not ok]
    if missing and os.environ.get("CI"):
        raise RuntimeError(f"CI must install {missing} (see .ci/run)")
    if missing:
        pytest.skip(f"{missing} not installed here; the accessibility test runs in CI")


@pytest.mark.parametrize("width", [1440, 390])
def test_axe_no_serious_violations(demo_ws: Workspace, tmp_path: Path, width: int) -> None:
    _need_browser()
    site = tmp_path / "site"
    publish(demo_ws, site, date(2024, 12, 31))
    ARTIFACTS.mkdir(exist_ok=True)
    axe = AXE.read_text(encoding="utf-8")
    pages = ["index.html", "plan-disabled.html", "ind-fitness.regular_exercise_rate.html"]
    with browser() as b:
        tab = b.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
        for name in pages:
            tab.goto((site / name).as_uri())
            tab.add_script_tag(content=axe)
            result = tab.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
            )
            bad = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], f"{name} @ {width}px: {bad}"
            shot = ARTIFACTS / f"publish_{name.split('.')[0]}_{width}.png"
            tab.screenshot(path=str(shot), full_page=True)  # as a reader first sees it
            tab.keyboard.press("Tab")  # the skip link is the first stop and becomes visible
            assert tab.evaluate("document.activeElement.getAttribute('href')") == "#main"


def test_only_approved_figures_are_published(demo_copy: Workspace, tmp_path: Path) -> None:
    from plantrack.auth import periods as approval
    from plantrack.auth.roles import Action
    from tests.conftest import act_as

    ws, ind = demo_copy, "fitness.regular_exercise_rate"

    def site_periods(name: str) -> set[str]:
        publish(ws, tmp_path / name, date(2024, 12, 31))
        data = json.loads((tmp_path / name / "data" / "values.json").read_text("utf-8"))
        for page in (tmp_path / name).glob("*.html"):
            assert "示例数据（模拟，非官方统计）" in page.read_text("utf-8")
        return {r["period"] for r in data if r["indicator"] == ind}

    before = site_periods("before")
    assert "2022Q4" in before and "2023Q4" not in before  # init-demo approved 2021–2022 only
    admin = act_as(ws)
    for dept in ws.scope.leads[ind]:
        approval.change(ws.store, admin, Action.SUBMIT, dept, "2023Q4")
    assert "2023Q4" not in site_periods("submitted")  # 已提交 is not 已审核
    for dept in ws.scope.leads[ind]:
        approval.change(ws.store, admin, Action.APPROVE, dept, "2023Q4")
    assert "2023Q4" in site_periods("approved")


def test_read_commands_need_no_login_and_write_nothing(
    empty_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """publish and remind only read the database: no --user, no password, nothing stored."""
    import hashlib

    monkeypatch.delenv("PLANTRACK_PASSWORD", raising=False)
    db = empty_ws.settings.db_path
    empty_ws.store.ensure_schema()
    before = hashlib.sha256(Path(db).read_bytes()).hexdigest()
    assert main(["--db", str(db), "publish", "--out", str(tmp_path / "s")]) == 0
    assert main(["--db", str(db), "remind", "--as-of", "2024-04-10"]) == 0
    assert hashlib.sha256(Path(db).read_bytes()).hexdigest() == before
