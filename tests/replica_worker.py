"""One dashboard replica for tests/test_store_replicas.py: a process of its own (its own
Streamlit caches) driving pages with AppTest, told what to do line by line on stdin.

    render  — open the indicator page as the demo admin (fitness.instructors, one 街道, as of 2024-03-31)
    rerun   — run the same page again (what a reader's next interaction does)
    upload  — load a 2024Q1 file through the upload page, logged in as 张三 (an admin account)

Each command answers one JSON line: the page's metrics and its revision table, or the upload's
messages. The database is PLANTRACK_DB (the test's PostgreSQL URL).
"""

from __future__ import annotations

import json
import sys

from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORD, ROOT, login_app
from tests.upload_fixtures import STREETS, csv_bytes, instructors

STREET = STREETS[0]


def indicator_page() -> AppTest:
    at = login_app(AppTest.from_file(str(ROOT / "pages" / "indicator.py"), default_timeout=300))
    at.query_params["id"] = "fitness.instructors"
    at.query_params["area"] = STREET
    at.query_params["as_of"] = "2024-03-31"
    return at


def seen(at: AppTest) -> dict:
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value.to_csv(index=False) for d in at.dataframe if "填报人" in d.value.columns]
    return {"metrics": {m.label: m.value for m in at.metric}, "revisions": "\n".join(frames)}


def upload() -> dict:
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=300)
    at = login_app(at, "张三", PASSWORD).run()  # the stored 填报人 is the logged-in account
    data = csv_bytes(instructors(base=1000))
    at.file_uploader[0].set_value(("replica.csv", data, "text/csv")).run()
    accept = [c for c in at.checkbox if c.key == "upload.file.accept"]
    if accept:
        accept[0].check().run()
        at.text_area(key="upload.file.reason").input("副本测试").run()
    at.button(key="upload.file.confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return {"messages": [str(s.value) for s in at.success] + [str(e.value) for e in at.error]}


def main() -> None:
    page: AppTest | None = None
    for line in sys.stdin:
        command = line.strip()
        if command == "render":
            page = indicator_page().run()
            answer = seen(page)
        elif command == "rerun" and page is not None:
            answer = seen(page.run())
        elif command == "upload":
            answer = upload()
        else:
            break
        print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
