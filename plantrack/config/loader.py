"""Load ``indicators.yaml`` keeping line numbers, so every problem names its line.

Three layers (as in dbt-semantic-interfaces): the YAML is parsed with positions, the strict
pydantic models type it, and the small rule functions in :mod:`plantrack.config.checks`
return every remaining problem at once.

Speed: the YAML is parsed by libyaml (:mod:`plantrack.config.fastyaml`, a few ms) and the
positions are a :class:`Positions` mapping that runs ruamel's round-trip parse (0.8 s for a
province registry) only when a problem needs its line. A checked registry is kept per
process, keyed by the sha256 of the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarint import ScalarInt

from plantrack.config import fastyaml
from plantrack.config.models import Registry

Loc = tuple[str | int, ...]

_PYDANTIC_HINTS = {
    "extra_forbidden": "未知的键（拼写错误？）— 删除它或改为文档中的键名",
    "missing": "缺少必填项 — 补上该键",
    "literal_error": "取值不在允许范围内",
    "string_type": '应为文字 — 代码、年份等请加引号，如 "2020"',
    "date_from_datetime_parsing": "日期无法识别 — 写成 2022-05-18",
    "float_parsing": "应为数字 — 如 41 或 2.6（不加单位）",
}


@dataclass(frozen=True)
class Issue:
    """One problem in the file: where, what, and how to fix it."""

    file: str
    line: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        mark = "警告：" if self.level == "warning" else ""
        return f"{self.file}:{self.line}: {mark}{self.message}"


class ConfigError(Exception):
    """The registry has errors; ``issues`` lists every one."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class Positions(Mapping[Loc, int]):
    """Line of every key and item of a YAML file, parsed (round trip) on first look-up."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[Loc, int] | None = None

    def _all(self) -> dict[Loc, int]:
        if self._lines is None:
            self._lines = {}
            _positions(YAML(typ="rt").load(self._text), (), self._lines)
        return self._lines

    def __getitem__(self, loc: Loc) -> int:
        return self._all()[loc]

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _positions(node: Any, loc: Loc, out: dict[Loc, int]) -> None:
    """Record the 1-based line of every key and item below ``node``."""
    if isinstance(node, CommentedMap):
        for key in node:
            line, _col = node.lc.key(key)
            out[(*loc, str(_plain(key)))] = line + 1
            _positions(node[key], (*loc, str(_plain(key))), out)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            line, _col = node.lc.item(i)
            out[(*loc, i)] = line + 1
            _positions(item, (*loc, i), out)


def line_of(positions: Mapping[Loc, int], loc: Loc) -> int:
    """The line of ``loc`` or of its nearest ancestor that has one."""
    loc = tuple(loc)
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return 1


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(_plain(k)): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    width = getattr(node, "_width", None) if type(node) is ScalarInt else None
    if width and not getattr(node, "_underscore", None) and node >= 0 and width > len(str(node)):
        return str(int(node)).zfill(width)  # 007 as written, as fastyaml reads it
    return node


def read_yaml(path: Path) -> tuple[Any, Mapping[Loc, int]]:
    """Parse a YAML file into plain data and a map of positions to lines (parsed lazily)."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Issue(name, 1, f"无法读取文件：{exc.strerror}")]) from None
    try:
        return _plain(fastyaml.load(text)), Positions(text)
    except yaml.YAMLError:
        pass  # ruamel names the line and the problem
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            [Issue(name, line, f"YAML 语法错误：{problem} — 检查缩进和冒号")]
        ) from None
    positions: dict[Loc, int] = {}
    _positions(data, (), positions)
    return _plain(data), positions


def _model_issues(name: str, err: ValidationError, positions: Mapping[Loc, int]) -> list[Issue]:
    issues = []
    for e in err.errors():
        loc = tuple(e["loc"])
        where = ".".join(str(p) for p in loc)
        hint = _PYDANTIC_HINTS.get(e["type"], e["msg"])
        if e["type"] == "literal_error":
            hint = f"{hint}：{e['msg']}"
        issues.append(Issue(name, line_of(positions, loc), f"{where}: {hint}"))
    return issues


def load_config(path: str | Path) -> Registry:
    """Load and check the registry; raise :class:`ConfigError` listing every problem."""
    return load_config_with_warnings(path)[0]


# checked registries of this process: (resolved path, sha256 of the file) → registry, warnings
_CHECKED: dict[tuple[str, str], tuple[Registry, tuple[Issue, ...]]] = {}
_CHECKED_MAX = 8


def load_config_with_warnings(path: str | Path) -> tuple[Registry, list[Issue]]:
    """The registry and the warnings about it (level ``warning``: valid, but worth a look).

    A file that passed is kept per process under its sha256: loading it again costs a hash
    of the file (the registry is frozen, so every caller can share it). A file with errors
    is checked again every time.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raw = None  # read_yaml names the problem
    key = (str(path.resolve()), hashlib.sha256(raw).hexdigest()) if raw is not None else None
    hit = _CHECKED.get(key) if key is not None else None
    if hit is not None:
        registry, warnings = hit
        tasks = registry.tasks_file
        if not tasks or (path.parent / tasks).exists():  # the one check outside the file
            return registry, list(warnings)
    registry, found = _load_checked(path)
    if key is not None:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[key] = (registry, tuple(found))
    return registry, found


def _load_checked(path: Path) -> tuple[Registry, list[Issue]]:
    from plantrack.config.checks import check_registry

    data, positions = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(
            [Issue(path.name, 1, "文件应为一个映射（键: 值）— 参照示例 indicators.yaml")]
        )
    try:
        registry = Registry.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_model_issues(path.name, err, positions)) from None
    found = check_registry(registry, path, positions)
    issues = [i for i in found if i.level == "error"]
    if issues:
        raise ConfigError(issues)
    return registry, [i for i in found if i.level != "error"]


def config_hash(path: str | Path, tasks_file: str | None = None) -> str:
    """sha256 of the registry file and of the task file it names, recorded with every batch."""
    path = Path(path)
    h = hashlib.sha256(path.read_bytes())
    tasks = path.parent / tasks_file if tasks_file else None
    if tasks is not None and tasks.exists():
        h.update(tasks.read_bytes())
    return h.hexdigest()
