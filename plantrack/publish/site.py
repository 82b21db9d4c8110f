"""Write the public progress site: static HTML, no server, WCAG 2.1 AA.

Pages: ``index.html`` (the plans), ``plan-<id>.html`` (its indicators and key tasks),
``ind-<id>.html`` (chart as inline SVG with a text alternative, and the same numbers as a
table) and downloads ``data/values.csv`` / ``data/values.json``. Every page has lang="zh-CN",
a skip link, one h1 and ordered headings, visible keyboard focus, text in 4.5:1 contrast or
more, and states in words (never colour alone). A demo database is marked on every page.

Only published figures go out: :func:`published_values` is the one place that chooses them.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.export import escape_frame
from plantrack.periods import parse_period
from plantrack.publish.svg import line_svg

if TYPE_CHECKING:
    from plantrack.workspace import Workspace

DEMO_MARK = (
    "示例数据（模拟，非官方统计）：本站所有数值均为虚构，仅供演示；"
    "其中的“已审核”往期数据由示例数据生成器自动审核，并非真实审核。"
)
CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1a1a1a;
background:#fff;line-height:1.6}
.skip{position:absolute;left:-999px;top:0;background:#1f4e79;color:#fff;padding:.5rem 1rem}
.skip:focus{left:0}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
header{border-bottom:2px solid #1f4e79}
a{color:#0b4a8b}a:focus,a:hover{outline:3px solid #b35900;outline-offset:2px}
.demo{background:#fff4cc;color:#4d3800;border:2px solid #8a6d00;padding:.5rem 1rem;
font-weight:bold}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #8c8c8c;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#e8eef5}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
.wrap{overflow-x:auto}
"""


def published_values(ws: Workspace) -> pd.DataFrame:
    """The district figures the site may show: approved (已审核) department × periods only,
    each at its revision as approved. The only function that picks what goes public."""
    cols = ["indicator", "area", "period", "period_end", "value"]
    obs = ws.store.current(columns=cols, approved_only=ws.scope)
    obs = obs[(obs["area"] == ws.district) & obs["indicator"].isin(list(ws.indicators))]
    return obs.sort_values(["indicator", "period_end"]).reset_index(drop=True)


def _page(ws: Workspace, title: str, body: str, as_of: date) -> str:
    demo = f'<p class="demo" role="note">{DEMO_MARK}</p>' if ws.is_demo else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - 规划实施进展公开</title>"
        '<link rel="stylesheet" href="style.css"></head><body>'
        '<a class="skip" href="#main">跳到正文</a>'
        f'<header><nav aria-label="站点导航"><a href="index.html">规划实施进展公开</a></nav>{demo}</header>'
        f'<main id="main" tabindex="-1"><h1>{escape(title)}</h1>{body}</main>'
        f"<footer><p>数据截至 {as_of:%Y年%m月%d日}。"
        '数据下载：<a href="data/values.csv">CSV</a>、<a href="data/values.json">JSON</a>。'
        "</p></footer></body></html>\n"
    )


def _table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="wrap"><table><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _fmt(value: float, precision: int | None) -> str:
    return f"{value:,.{precision if precision is not None else 2}f}"


def publish(ws: Workspace, out: str | Path, as_of: date | None = None) -> list[Path]:
    """Write the site into ``out`` (created); returns the files written."""
    as_of = as_of or date.today()
    out = Path(out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    values = published_values(ws)
    values = values[pd.to_datetime(values["period_end"]).dt.date <= as_of]
    written: list[Path] = []

    def write(name: str, text: str) -> None:
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)

    write("style.css", CSS)
    table = values.assign(
        name=values["indicator"].map(lambda i: ws.indicators[i].name),
        unit=values["indicator"].map(lambda i: ws.indicators[i].unit),
    )[["indicator", "name", "period", "value", "unit"]]
    csv = escape_frame(table).to_csv(index=False)
    write("data/values.csv", "\ufeff" + csv)
    write(
        "data/values.json",
        json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=1),
    )
    plans = [p for p in ws.plans if any(i.plan == p for i in ws.indicators.values())]
    links = "".join(
        f'<li><a href="plan-{p}.html">{escape(ws.plans[p].name)}</a></li>' for p in plans
    )
    intro = (
        "<p>本站公开本区各项规划主要指标的完成情况和主要任务的推进情况，"
        "图表均附有文字说明和数据表。</p>"
    )
    write(
        "index.html", _page(ws, "规划实施进展公开", f"{intro}<h2>规划</h2><ul>{links}</ul>", as_of)
    )
    for p in plans:
        write(f"plan-{p}.html", _plan_page(ws, p, values, as_of))
        for ind in (i for i in ws.indicators.values() if i.plan == p):
            write(f"ind-{ind.id}.html", _indicator_page(ws, ind.id, values, as_of))
    return written


def _plan_page(ws: Workspace, pid: str, values: pd.DataFrame, as_of: date) -> str:
    plan = ws.plans[pid]
    rows = []
    for ind in (i for i in ws.indicators.values() if i.plan == pid):
        mine = values[values["indicator"] == ind.id]
        latest = "暂无公开数据" if mine.empty else (
            f"{_fmt(float(mine['value'].iloc[-1]), ind.precision)} {escape(ind.unit or '')}"
            f"（{mine['period'].iloc[-1]}）"
        )  # fmt: skip
        target = escape(ind.target.text or "") if ind.target else "—"
        link = f'<a href="ind-{ind.id}.html">{escape(ind.name)}</a>'
        rows.append([link, target, latest])
    body = f"<p>{escape(plan.doc_no or '')}</p><h2>主要指标</h2>"
    body += _table(f"{plan.short_name}主要指标", ["指标", "目标", "最新公开值"], rows)
    tasks = [t for t in ws.plan_tasks if t.plan == pid]
    if tasks:
        from plantrack.tasks.plan_tasks import plan_task_table

        prog = plan_task_table(ws, as_of.year).set_index("id")
        trows = [
            [escape(t.section), escape(t.title), escape("、".join(t.lead)),
             escape(str(prog.at[t.id, "degree"]))]
            for t in tasks
        ]  # fmt: skip
        body += "<h2>主要任务</h2>"
        body += _table(
            f"{plan.short_name}主要任务推进情况", ["条款", "任务", "牵头部门", "完成程度"], trows
        )
    return _page(ws, plan.name, body, as_of)


def _indicator_page(ws: Workspace, iid: str, values: pd.DataFrame, as_of: date) -> str:
    ind = ws.indicators[iid]
    mine = values[values["indicator"] == iid]
    unit = ind.unit or ""
    body = f'<p>所属规划：<a href="plan-{ind.plan}.html">{escape(ws.plans[ind.plan].name)}</a></p>'
    if ind.target:
        body += f"<p>目标：{escape(ind.target.text or '')}</p>"
    body += "<h2>历年数值</h2>"
    if mine.empty:
        return _page(ws, ind.name, body + "<p>暂无公开数据。</p>", as_of)
    points = [(str(p), float(v)) for p, v in zip(mine["period"], mine["value"], strict=True)]
    target = ind.target.value if ind.target and ind.target.value is not None else None
    chart = line_svg(f"c-{iid.replace('.', '-')}", f"{ind.name}（{unit}）", points, unit, target,
                     fmt=lambda v: _fmt(v, ind.precision))  # fmt: skip
    region = f'<div class="wrap" role="region" tabindex="0" aria-label="{escape(ind.name)}图表">'
    body += (
        f"<figure>{region}{chart}</div><figcaption>图：{escape(ind.name)}，单位：{escape(unit)}。"
    )
    body += "数值见下表。</figcaption></figure>"
    rows = [[escape(p), _fmt(v, ind.precision)] for p, v in points]
    body += _table(f"{ind.name}历年数值", ["期间", f"数值（{unit}）"], rows)
    period = parse_period(points[-1][0])
    body += f"<p>最新：{escape(str(period))} 为 {_fmt(points[-1][1], ind.precision)} {escape(unit)}。</p>"
    return _page(ws, ind.name, body, as_of)
