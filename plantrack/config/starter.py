"""A commented minimal ``indicators.yaml`` for a new place (``python -m plantrack new-config``).

The areas come from a CSV (``code,name[,aliases]``; a header row is recognised by its
names, e.g. ``code,name`` / ``地区代码,地区`` / ``Country Code,Country Name``); the parent
area (the level the plan is set for) is named on the command line.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

CODE_HEADERS = {"code", "area_code", "country code", "iso3", "代码", "地区代码", "区划代码"}
NAME_HEADERS = {"name", "area", "area_name", "country", "country name", "名称", "地区", "地区名称"}
ALIAS_HEADERS = {"aliases", "alias", "别名"}


class StarterError(ValueError):
    """The areas file cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


def read_areas(text: str, file: str = "areas.csv") -> list[AreaRow]:
    """Areas from CSV text: ``code,name[,aliases]`` (aliases separated by ``;`` or ``、``)."""
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(c.strip() for c in r)]
    if not rows:
        raise StarterError(f"{file} 中没有地区。每行写一个地区：代码,名称（可加第三列别名）。")
    cols = {"code": 0, "name": 1, "aliases": 2}
    head = [c.strip().lower() for c in rows[0]]
    first_line = 1
    if any(h in CODE_HEADERS | NAME_HEADERS for h in head):
        found = {
            key: next((i for i, h in enumerate(head) if h in names), None)
            for key, names in (("code", CODE_HEADERS), ("name", NAME_HEADERS),
                               ("aliases", ALIAS_HEADERS))
        }  # fmt: skip
        if found["code"] is None or found["name"] is None:
            raise StarterError(f"{file} 第1行：表头需要“code”和“name”两列（或 地区代码、地区）。")
        cols = {k: v for k, v in found.items() if v is not None}
        rows, first_line = rows[1:], 2
    if not rows:
        raise StarterError(f"{file} 只有表头，没有地区。每行写一个地区：代码,名称。")
    out: list[AreaRow] = []
    seen: dict[str, int] = {}
    for n, r in enumerate(rows, start=first_line):
        cells = [c.strip() for c in r] + [""] * 3
        code, name = cells[cols["code"]], cells[cols["name"]]
        if not code or not name:
            raise StarterError(f"{file} 第{n}行：缺少地区代码或名称。每行写：代码,名称。")
        if code in seen:
            raise StarterError(f"{file} 第{n}行：地区代码 {code} 与第{seen[code]}行重复。")
        seen[code] = n
        alias_cell = cells[cols["aliases"]] if "aliases" in cols else ""
        aliases = tuple(a.strip() for a in alias_cell.replace("、", ";").split(";") if a.strip())
        out.append(AreaRow(code, name, aliases))
    return out


def _q(text: str) -> str:
    """A YAML scalar in double quotes (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _area(a: AreaRow) -> str:
    aliases = f", aliases: [{', '.join(_q(x) for x in a.aliases)}]" if a.aliases else ""
    return f"{{code: {_q(a.code)}, name: {_q(a.name)}{aliases}}}"


def starter_yaml(
    name: str,
    areas: list[AreaRow],
    parent: AreaRow,
    start: int,
    end: int,
    base: str,
    frequency: str = "year",
) -> str:
    """The commented starter file (valid as it stands; edit the example indicator)."""
    subareas = "\n".join(f"    - {_area(a)}" for a in areas)
    return f"""\
# PlanTrack registry: {name}
# Written by `python -m plantrack new-config`. Check it with `python -m plantrack check-config`.
# Schema with every key explained: validation/indicators.schema.json (`python -m plantrack schema`).
# Words may be English or Chinese: direction up/down, attribute binding/expected (约束性/预期性),
# frequency year/quarter/month, comparator >=/<=/==. Codes and years may go unquoted (007 stays 007).
version: 1
name: {_q(name)}

areas:
  # The level the plan is set for; its value is rolled up from the sub-areas below (rollup).
  district: {_area(parent)}
  subareas:
{subareas}
  # What screens and reports call the two levels (defaults: 街道 and 全区), e.g.
  # subarea_label: 国家
  # district_label: 欧洲

plans:
  - id: plan
    name: {_q(name)}
    # Optional: short_name, name_en, doc_no, issuer, issued (date), source.
    start_year: {start}
    end_year: {end}
    base_period: {_q(base)}   # the period targets are measured from (year, 2020Q4 or 2020-12)
    assessment: {{delta: 0.10, delta_red: 0.30}}   # tolerance around the time share (methods.md)

indicators:
  # One entry per indicator; copy this example and edit it. Upload data with the indicator's
  # id or name as it appears here (`python -m plantrack template --period {end}`).
  - id: plan.example
    name: Example indicator (rename me)
    plan: plan
    kind: target            # target | relative (another series) | milestone | monitor (no target)
    unit: "%"
    direction: up           # up: higher is better; down: lower is better
    frequency: {frequency}          # year | quarter | month
    rollup: {{method: mean}}  # sum | mean | median | weighted_mean (with weight: <id>) | formula | none
    target:
      value: 50
      period: {_q(str(end))}
      comparator: ">="
      # change_pct: -20     # instead of value: 20 % below each area's own base
      # by_area:            # each area its own base and/or target
      #   {_q(areas[0].code) if areas else '"CODE"'}: {{base: 40, value: 55}}
"""
