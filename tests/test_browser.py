"""End to end: serve the app with `streamlit run`, open "/" and then every page in headless
Chromium, wait for the charts, check that no error is shown, keep a screenshot of each."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from tests.browser import (
    CHART_SELECTOR,
    CHROMIUM,
    ERROR_SELECTOR,
    VIEWPORT,
    browser,
    goto,
    screenshot_full,
    served_app,
    wait_for_charts,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Pages whose main content is a chart: the test waits for at least one.
CHART_PAGES = {"overview", "indicator"}

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


def url_of(server: str, path: str) -> str:
    """Every page has its own URL ("/" redirects to the first one)."""
    return f"{server}/{path}"


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory) -> str:
    db = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with served_app(db) as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str):
    """One browser tab for the module; it opens "/" first, as a reader would."""
    with browser() as b:
        tab = b.new_page(viewport=VIEWPORT, locale="zh-CN")
        goto(tab, f"{server}/")
        yield tab


def assert_clean(tab) -> str:
    body = tab.inner_text("body")
    assert tab.locator(ERROR_SELECTOR).count() == 0, body[:2000]
    assert "Page not found" not in body
    assert "Traceback" not in body
    assert "示例数据" in body or "Demo data" in body, "demo banner missing"
    return body


def test_root_opens_the_overview(page):
    body = assert_clean(page)
    assert page.locator("h1").first.inner_text() == "规划指标监测平台"
    assert "需关注" in body and "评价分布" in body
    page.wait_for_url("**/overview", timeout=10_000)  # "/" redirects to the overview's own URL
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot_full(page, ARTIFACTS / "root.png")


@pytest.mark.parametrize("path", page_paths())
def test_page_renders_in_chromium(server: str, page, path: str):
    charts = goto(page, url_of(server, path))
    if path in CHART_PAGES:
        assert charts > 0, f"/{path} shows no chart"
    assert_clean(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot_full(page, ARTIFACTS / f"{path}.png")


def test_indicator_url_is_shareable(server: str, page):
    goto(page, f"{server}/indicator?id=fitness.instructors_per_10k&area=370103&as_of=2023-12-31")
    assert_clean(page)
    assert page.locator("h1").first.inner_text() == "每万人拥有公益社会体育指导员"
    assert "2023-12-31" in page.url


def test_indicator_downloads_an_xlsx(server: str, page):
    goto(page, f"{server}/indicator?id=fitness.regular_exercise_rate&area=370103")
    with page.expect_download(timeout=30_000) as info:
        page.get_by_text("下载 Excel").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames == ["当前值", "修订记录", "指标定义"]
    assert book["当前值"].max_row > 18  # the district and its 街道, by period


def test_english_switch_in_the_browser(server: str, page):
    goto(page, f"{server}/")
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.startsWith('PlanTrack')")
    wait_for_charts(page)
    body = assert_clean(page)
    assert "Needs attention" in body and "Verdicts" in body
    screenshot_full(page, ARTIFACTS / "overview_en.png")


def test_one_click_from_the_overview_to_an_indicator(server: str, page):
    """A bar of the progress chart and a name in 需关注 each open the indicator page."""
    goto(page, f"{server}/")
    # the progress chart (Vega-Lite, SVG): its top layer is one clickable band per indicator
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    band = chart.locator("svg.marks g.mark-rect").last.locator("path").first
    band.click(force=True)
    page.wait_for_url("**/indicator?id=*", timeout=30_000)
    wait_for_charts(page)
    assert_clean(page)
    goto(page, f"{server}/")
    page.locator("[data-testid='stPageLink'] a").filter(has_text="逆向").first.click()
    page.wait_for_url("**/indicator?id=disabled.welfare_jobs_pwd_share*", timeout=30_000)
    wait_for_charts(page)
    assert page.locator("h1").first.inner_text() == "公益性岗位安排残疾人比例"


def test_every_page_by_url_without_a_session_shows_only_the_login(server: str, page):
    """A fresh server session (a page opened directly by URL) gets the login form and
    nothing else — the token lives only in the server session, never in the browser."""
    for path in page_paths():
        page.goto(url_of(server, path))
        page.wait_for_selector("input[type='password']", timeout=30_000)
        body = page.inner_text("body")
        assert "示例账号" in body and "demo-admin-1" in body, path  # demo database only
        assert page.locator(CHART_SELECTOR).count() == 0, path
        assert page.locator("[data-testid='stMetric']").count() == 0, path
        cookies = {c["name"] for c in page.context.cookies()}
        assert not any("plantrack" in c.lower() for c in cookies)
