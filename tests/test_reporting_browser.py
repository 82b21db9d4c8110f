"""The 填报进度 page served by `streamlit run` in headless Chromium at desk (1440 px) and phone
(390 px) width: no error, the grid's late cells say 逾期未报 in words; screenshots kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import (
    CHARTS_DRAWN,
    CHROMIUM,
    ERROR_SELECTOR,
    browser,
    log_in,
    served_app,
    wait_until_drawn,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium (see .ci/run)")
    pytest.skip("chromium is not installed here; the browser test runs in CI",
                allow_module_level=True)  # fmt: skip


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory) -> str:
    db = tmp_path_factory.mktemp("rep") / "rep.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with served_app(db) as url:
        yield url


@pytest.mark.parametrize("width", [1440, 390])
def test_reporting_page_in_chromium(server: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with browser() as b:
        page = b.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
        page.goto(f"{server}/reporting?as_of=2024-02-10")
        log_in(page)  # a fresh session starts at the login form
        wait_until_drawn(page)
        page.wait_for_selector("table.pt-grid")
        body = page.inner_text("body")
        assert page.locator(ERROR_SELECTOR).count() == 0, body[:2000]
        assert "填报进度" in body
        grid = page.inner_text("table.pt-grid")
        assert "区残联" in grid and "逾期未报" in grid
        height = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        page.set_viewport_size({"width": width, "height": min(max(height, 600), 12000)})
        page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"reporting_{width}.png"), full_page=True)
