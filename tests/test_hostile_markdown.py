"""Markdown/HTML injection (#11): strings from the URL, uploaded file names and column
headers show as typed, never as a link, an image the browser fetches, or markup."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from app.text import JOINER, md_escape, md_list
from tests.conftest import ROOT

IMAGE = "![x](http://example.invalid/x.png)"
LINK = "[请点此重新登录](http://evil.invalid/login)"
PAYLOADS = [
    IMAGE,
    LINK,
    "<img src=http://example.invalid/y.png>",
    "visit www.evil.invalid or http://evil.invalid now",
    ":red[假通知] **粗体** `code` $x^2$ # 标题",
    "行一\n# 标题\n- 列表\n![x](http://example.invalid/z.png)",
    "[a][ref]\n\n[ref]: http://evil.invalid",
    "mail me@evil.invalid",
]


def live_markup(md: str) -> list[str]:
    """What in ``md`` would still act as markup: brackets, HTML, autolinks, directives,
    once every backslash-escaped character is taken out."""
    bare = re.sub(r"\\.", "", md)
    found = [s for s in ("[", "<", "://", "www.", "@", "`", "$", "*", "_") if s in bare]
    found += [m for m in re.findall(r"(?m)^\s*(#|- |\d+\.)", bare)]
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_text_has_no_live_markup_and_keeps_every_character(payload: str):
    out = md_escape(payload)
    assert live_markup(out) == []
    assert re.sub(r"\\(.)", r"\1", out).replace(JOINER, "") == " ".join(payload.split())
    items = md_list([payload, payload]).split("\n")
    assert len(items) == 2 and all(i.startswith("- ") and not live_markup(i[2:]) for i in items)


def _alerts(at: AppTest) -> list[str]:
    kinds = (at.error, at.warning, at.info, at.success, at.markdown, at.caption)
    return [str(e.value) for kind in kinds for e in kind]


@pytest.mark.parametrize("asked", [IMAGE, LINK])
def test_indicator_id_from_the_url_is_shown_as_text(app_env: Path, asked: str):
    at = AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=90)
    at.query_params["id"] = asked
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [w for w in _alerts(at) if "invalid" in w]
    assert shown, _alerts(at)  # the unknown id is named in the warning …
    for text in shown:  # … as plain characters
        assert live_markup(text) == [], text


def test_hostile_file_name_is_shown_as_text_on_the_upload_page(app_env: Path):
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    name = f"{LINK}{IMAGE}.csv"
    at.file_uploader[0].set_value((name, b"\xff\xfe\x00garbage", "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [w for w in _alerts(at) if "invalid" in w]
    shown += [s.label for s in at.status if "invalid" in s.label]
    assert shown, _alerts(at)
    for text in shown:
        assert live_markup(text) == [], text


def test_hostile_column_header_is_a_plain_widget_label(app_env: Path):
    """A file without a recognised header row offers a picker per column, labelled with the
    column's header: the label must not carry a live image."""
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=90).run()
    data = f"{IMAGE},foo\n1,2\n".encode()
    at.file_uploader[0].set_value(("cols.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [s.label for s in at.selectbox if "invalid" in s.label]
    assert labels, [s.label for s in at.selectbox]
    for label in labels:
        assert live_markup(label) == [], label


def test_browser_fetches_nothing_outside_loopback(demo_db: Path, tmp_path: Path):
    """Opening /indicator?id=![x](http://example.invalid/x.png) in Chromium requests nothing
    from any host but the local server."""
    from tests.browser import CHROMIUM, browser, goto, served_app

    if CHROMIUM is None:
        pytest.fail("chromium is needed for this check (apt-get install chromium)")
    db = tmp_path / "md.duckdb"
    db.write_bytes(demo_db.read_bytes())
    hosts: list[str] = []
    with served_app(db) as url, browser() as b:
        page = b.new_page(locale="zh-CN")
        page.on("request", lambda r: hosts.append(urlparse(r.url).hostname or r.url))
        goto(page, f"{url}/indicator?id={quote(IMAGE)}")
        warning = page.locator("[data-testid='stAlertContentWarning']", has_text="example")
        warning.first.wait_for(timeout=30_000)
        text = warning.first.inner_text().replace(JOINER, "")
        assert "![x](http://example.invalid/x.png)" in text
        assert warning.first.locator("img, a").count() == 0, warning.first.inner_html()
    outside = {h for h in hosts if h not in ("127.0.0.1", "localhost")}
    assert hosts and not outside, outside
