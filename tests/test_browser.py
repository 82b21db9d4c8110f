"""End to end: serve the app with `streamlit run`, open "/" and then every page in headless
Chromium, wait for the charts, check that no error is shown, keep a screenshot of each."""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from tests.browser import (
    CHART_SELECTOR,
    CHROMIUM,
    ERROR_SELECTOR,
    PHONE,
    VIEWPORT,
    WIDTHS,
    browser,
    goto,
    screenshot_full,
    served_app,
    wait_for_charts,
    wait_until_drawn,
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


def font_chars() -> set[int]:
    """Code points Noto Sans CJK draws (the font CI installs; the pip copy is the same)."""
    from fontTools.ttLib import TTCollection
    from noto_cjk_sans_otc import FONT_PATH

    return set(TTCollection(str(FONT_PATH)).fonts[0].getBestCmap())


FONT_CHARS = font_chars()


def needs_other_font(text: str) -> set[str]:
    """Characters of ``text`` that Noto Sans CJK cannot draw (emoji would show as boxes in a
    browser without an emoji font). Material icons are ligatures of ASCII words."""
    return {
        ch
        for ch in text
        if ord(ch) > 0x7F
        and not ch.isspace()
        and unicodedata.category(ch) != "Cf"  # format marks (e.g. zero-width space) draw nothing
        and ord(ch) not in FONT_CHARS
    }


def assert_clean(tab) -> str:
    body = tab.inner_text("body")
    assert tab.locator(ERROR_SELECTOR).count() == 0, body[:2000]
    assert "Page not found" not in body
    assert "Traceback" not in body
    assert "示例数据" in body or "Demo data" in body, "demo banner missing"
    assert not needs_other_font(body), f"not drawn without an emoji font: {needs_other_font(body)}"
    return body


def test_root_opens_the_overview(page):
    body = assert_clean(page)
    assert page.locator("h1").first.inner_text() == "规划指标监测平台"
    assert "需关注" in body and "评价分布" in body
    page.wait_for_url("**/overview", timeout=10_000)  # "/" redirects to the overview's own URL
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot_full(page, ARTIFACTS / "root.png")


@pytest.mark.parametrize("width", sorted(WIDTHS, reverse=True))
@pytest.mark.parametrize("path", page_paths())
def test_page_renders_in_chromium(server: str, page, path: str, width: int):
    """Every page at desktop and phone width (logged in as the demo admin): drawn, no error,
    no emoji, icons from the Material font; a screenshot of each in
    tests/artifacts/<page>_<width>.png."""
    page.set_viewport_size(WIDTHS[width])
    try:
        charts = goto(page, url_of(server, path))
        if path in CHART_PAGES:
            assert charts > 0, f"/{path} shows no chart"
        assert_clean(page)
        assert page.locator("[data-testid='stIconMaterial']").count() > 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        screenshot_full(page, ARTIFACTS / f"{path}_{width}.png")
    finally:
        page.set_viewport_size(VIEWPORT)


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
    assert "National Fitness Plan" in body, "plan names in English"
    screenshot_full(page, ARTIFACTS / "overview_en.png")


def test_english_survives_page_changes_and_reload(server: str, page):
    """The language is kept across sidebar clicks (it used to reset to 中文) and in the URL;
    a reload (a fresh session, so the login form) is still in English."""
    goto(page, f"{server}/overview")
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.startsWith('PlanTrack')")
    assert "lang=en" in page.url
    try:
        for label, title in (("By department", "By lead department"),
                             ("Tasks and milestones", "Tasks and milestones"),
                             ("Overview", "PlanTrack")):  # fmt: skip
            page.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a").filter(
                has_text=label
            ).first.click()
            page.wait_for_function(
                f"() => document.querySelector('h1')?.innerText.startsWith({title!r})",
                timeout=30_000,
            )
            wait_until_drawn(page)
            assert "lang=en" in page.url, page.url
            assert page.get_by_label("English").is_checked()
        page.reload()  # a new session: the login form, in the URL's language
        wait_until_drawn(page)
        assert page.locator("h1").first.inner_text().startswith("PlanTrack")
        assert_clean(page)
    finally:
        goto(page, f"{server}/overview")  # a fresh session without ?lang=: 中文, logged in
        page.wait_for_function(
            "() => document.querySelector('h1')?.innerText === '规划指标监测平台'"
        )


def test_typed_date_applies_on_enter(server: str, page):
    """Typing a date in the as-of field and pressing Enter reruns the page with it."""
    goto(page, f"{server}/overview")
    year = page.locator("[data-testid='stDateInput'] [role='spinbutton']").first
    year.click()
    page.keyboard.type("20231231")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.body.innerText.includes('基本符合预期')", timeout=30_000
    )  # a mid-term verdict: today (after 2025) has none
    wait_until_drawn(page)
    assert_clean(page)


def test_streamlit_words_are_chinese(server: str, page):
    """The uploader's "Upload" and size line and the select boxes' placeholder are Chinese."""
    goto(page, f"{server}/upload")
    after = page.evaluate(
        """() => [...document.querySelectorAll(
                 '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,'
                 + '[data-testid="stFileUploaderDropzoneInstructions"] span')]
               .map(e => getComputedStyle(e, '::after').content)"""
    )
    assert after and all(a not in ("none", "normal", "") for a in after), after
    assert any("选择文件" in a for a in after) and any("不超过" in a for a in after), after
    body = page.inner_text("body")
    assert "Choose an option" not in body and "Choose options" not in body


def test_phone_first_screen_and_title(server: str, page):
    """At 390 px the first screen says how many targets are on track and how many behind,
    and the title is one line (no break inside a word)."""
    tab = page.context.browser.new_page(viewport=PHONE, locale="zh-CN")  # one playwright only
    try:
        goto(tab, f"{server}/overview")
        summary = tab.get_by_text("项进展顺利").first
        box = summary.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        h1 = tab.locator("h1").first
        lines = tab.evaluate(  # distinct line tops of the title's text (not the box's padding)
            "(h) => { const r = document.createRange(); r.selectNodeContents(h.querySelector('[data-heading-text]') || h);"
            " return new Set([...r.getClientRects()].filter(x => x.width > 0)"
            ".map(x => Math.round(x.top))).size; }",
            h1.element_handle(),
        )
        assert lines == 1, f"title wraps to {lines} lines"
        tab.screenshot(path=str(ARTIFACTS / "overview_390_first_screen.png"))
    finally:
        tab.close()


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
        wait_until_drawn(page)  # the demo accounts' table comes after the form
        body = page.inner_text("body")
        assert "示例账号" in body and "demo-admin-1" in body, path  # demo database only
        assert page.locator(CHART_SELECTOR).count() == 0, path
        assert page.locator("[data-testid='stMetric']").count() == 0, path
        cookies = {c["name"] for c in page.context.cookies()}
        assert not any("plantrack" in c.lower() for c in cookies)


def test_progress_chart_text_fits_at_phone_width(server: str, page):
    """At 390 px the chart lies inside the screen and its verdict texts are not cut at the
    right edge (a fixed axis end clipped “✓ 已实现 10…”): no dark pixel in the chart's last
    4 px columns. Shots in tests/artifacts/overview_chart_390_<n>.png."""
    import io

    from PIL import Image

    page.set_viewport_size(PHONE)
    try:
        goto(page, url_of(server, "overview"))
        charts = page.locator("[data-testid='stVegaLiteChart']").all()
        assert charts
        for i, chart in enumerate(charts):
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
            shot = chart.screenshot()
            (ARTIFACTS / f"overview_chart_390_{i}.png").write_bytes(shot)
            img = Image.open(io.BytesIO(shot)).convert("L")
            edge = [
                img.getpixel((x, y)) for x in range(img.width - 4, img.width)
                for y in range(img.height)
            ]  # fmt: skip
            assert sum(p < 128 for p in edge) == 0, f"chart {i}: text cut at the right edge"
    finally:
        page.set_viewport_size(VIEWPORT)
