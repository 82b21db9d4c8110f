"""The upload page's column-mapping step: unknown headers → fields → checked like any file."""

from __future__ import annotations

from tests.test_upload_page import page, texts
from tests.upload_fixtures import STREETS, csv_bytes


def test_unknown_headers_are_mapped_on_the_page(app_env):
    at = page()
    rows = [
        ["fitness.instructors", code.lower(), "2024Q1", 10 + k] for k, code in enumerate(STREETS)
    ]
    data = csv_bytes(rows, header=["Kennzahl", "Quartier", "Zeitraum", "Wert"], block=False)
    at.file_uploader[0].set_value(("fremd.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "找不到表头" in texts(at) and "列名对应" in texts(at) + str(at.expander)
    choices = {"Kennzahl": "indicator_id", "Quartier": "area_code", "Zeitraum": "period",
               "Wert": "value"}  # fmt: skip
    boxes = [b for b in at.selectbox if str(b.key).startswith("upload.map.")]
    assert [b.label for b in boxes] == list(choices)
    for box in boxes:
        box.set_value(choices[box.label])
    at.run()
    at.button(key="upload.map.apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["数据行"] == str(len(STREETS)) and metrics["错误"] == "0"
    assert "已使用列名对应" in "\n".join(str(c.value) for c in at.caption)
