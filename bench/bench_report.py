"""Benchmark: the full district report (every chart) as .docx, .xlsx and .pdf.

Run: ``python bench/bench_report.py [--db FILE]`` (default: a fresh demo database in a
temporary folder). Prints where the time goes; the budget is 15 s for the Word report
(assessment + charts + docx), measured from a cold process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

BUDGET_S = 15.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="数据库文件（默认新建示例库）")
    parser.add_argument("--as-of", default="2023-12-31")
    args = parser.parse_args()
    t0 = time.perf_counter()
    from plantrack.report import build_content, render
    from plantrack.report.figures import font_family, report_charts
    from plantrack.settings import Settings
    from plantrack.workspace import open_workspace

    root = Path(__file__).resolve().parents[1]
    tmp = Path(tempfile.mkdtemp(prefix="bench_report_"))
    db = Path(args.db) if args.db else tmp / "demo.duckdb"
    settings = Settings(root / "indicators.yaml", db, demo=not args.db, uploads_dir=tmp)
    t_import = time.perf_counter() - t0

    t = time.perf_counter()
    ws = open_workspace(settings=settings)
    t_open = time.perf_counter() - t

    times: dict[str, float] = {"import": t_import}
    as_of = date.fromisoformat(args.as_of)

    def step(name: str, fn):
        start = time.perf_counter()
        out = fn()
        times[name] = time.perf_counter() - start
        return out

    content = step("assessment", lambda: build_content(ws, as_of, date.today()))
    step("font", font_family)
    charts = step("charts", lambda: report_charts(content))
    docx = step("docx", lambda: render(content, ".docx", charts))
    xlsx = step("xlsx", lambda: render(content, ".xlsx"))
    pdf = step("pdf", lambda: render(content, ".pdf", charts))
    word = sum(times[k] for k in ("import", "assessment", "font", "charts", "docx"))

    print(f"数据库：{db}（打开/生成示例 {t_open:.2f} s，不计入）")
    print(f"主要指标 {len(content.table)} 个，图 {len(charts)} 张，批次 {len(content.batches)} 个")
    for name, secs in times.items():
        print(f"  {name:<11}{secs:7.2f} s")
    print(
        f"  sizes: docx {len(docx) // 1024} KiB, xlsx {len(xlsx) // 1024} KiB, pdf {len(pdf) // 1024} KiB"
    )
    verdict = "OK" if word < BUDGET_S else "OVER BUDGET"
    print(f"Word 报告合计 {word:.2f} s（预算 {BUDGET_S:.0f} s）：{verdict}")
    print(f"全部三种格式合计 {sum(times.values()):.2f} s")
    return 0 if word < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
