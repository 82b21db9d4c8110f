"""End to end: serve the app with `streamlit run`, open every page in headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, ROOT, browser_page, served_app, wait_until_drawn

ARTIFACTS = ROOT / "tests" / "artifacts"

if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium (see .ci/run)")
    pytest.skip(
        "chromium is not installed here (apt-get install chromium fonts-noto-cjk); "
        "the browser test runs in CI",
        allow_module_level=True,
    )


def page_paths() -> list[str]:
    from app.nav import URL_PATHS

    return URL_PATHS


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory) -> str:
    db = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with served_app(db) as url:
        yield url


@pytest.mark.parametrize("path", page_paths())
def test_page_renders_in_chromium(server: str, path: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        page.goto(f"{server}/{path}")
        wait_until_drawn(page)
        if path in ("overview", "indicator"):
            page.wait_for_selector(".js-plotly-plot, [data-testid='stDataFrame']", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / f"{path}.png"), full_page=True)
        body = page.inner_text("body")
        assert "示例数据" in body
        assert page.locator("[data-testid='stException']").count() == 0, body[:2000]
        assert "Traceback" not in body
