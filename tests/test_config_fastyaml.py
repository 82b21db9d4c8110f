"""The fast YAML path (libyaml) reads what ruamel's round-trip parser reads; lines come from
ruamel only when a problem needs one."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from plantrack.config import ConfigError, fastyaml, load_config
from plantrack.config.loader import Positions, _plain, read_yaml

ROOT = Path(__file__).resolve().parents[1]


def _kinds(x):
    """The value with every scalar tagged by its kind (True == 1 must not pass as equal)."""
    if isinstance(x, dict):
        return {k: _kinds(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_kinds(v) for v in x]
    for t in (bool, int, float, str, datetime.datetime, datetime.date, type(None)):
        if isinstance(x, t):
            return (t.__name__, x)
    raise AssertionError(type(x))


@pytest.mark.parametrize("name", ["indicators.yaml", "registry/tasks.yaml"])
def test_repository_files_read_the_same_as_round_trip(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert _kinds(_plain(fastyaml.load(text))) == _kinds(_plain(YAML(typ="rt").load(text)))


def test_yaml_1_2_scalars_as_ruamel_reads_them():
    text = (
        "a: yes\nb: 0123\nc: 0o17\nd: 1_000\ne: 1:30\nf: .5\ng: 2023-06-30\nh: ~\n"
        "i: 0x1F\nj: on\nk: 1e3\nl: -.inf\nm: 2023-06-30 10:00:00\nn: No\no: True\n"
    )
    fast = _kinds(_plain(fastyaml.load(text)))
    assert fast == _kinds(_plain(YAML(typ="rt").load(text)))
    assert fast["a"] == ("str", "yes") and fast["j"] == ("str", "on")  # not YAML 1.1 booleans
    assert fast["b"] == ("str", "0123") and fast["e"] == ("str", "1:30")  # a code as written


def test_duplicate_key_is_refused_with_its_line(tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text("version: 1\nplans: []\nversion: 2\n", encoding="utf-8")
    with pytest.raises(fastyaml.DuplicateKeyError):
        fastyaml.load(path.read_text(encoding="utf-8"))
    with pytest.raises(ConfigError, match=r"indicators\.yaml:\d+: YAML 语法错误"):
        read_yaml(path)


def test_lines_are_parsed_only_when_asked(tmp_path):
    data, positions = read_yaml(ROOT / "indicators.yaml")
    assert isinstance(positions, Positions) and positions._lines is None
    load_config(ROOT / "indicators.yaml")  # a good file never needs a line
    assert positions[("plans",)] > 0 and positions._lines is not None
    assert "plans" in data


def test_checked_registry_is_kept_by_file_hash(tmp_path):
    import shutil

    path = tmp_path / "indicators.yaml"
    shutil.copy(ROOT / "indicators.yaml", path)
    for name in ("registry",):  # the task file the registry names
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name)
    first = load_config(path)
    assert load_config(path) is first  # same bytes: the checked registry is reused
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("version: 1", "version: 1  # edited", 1), encoding="utf-8")
    second = load_config(path)
    assert second is not first and second == first  # new bytes: parsed and checked again
    path.write_text(text + "\nbogus_key: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bogus_key"):
        load_config(path)  # a file with errors is never served from the cache
    if second.tasks_file:
        path.write_text(text.replace("version: 1", "version: 1  # edited", 1), encoding="utf-8")
        (tmp_path / second.tasks_file).unlink()
        with pytest.raises(ConfigError, match="任务清单"):
            load_config(path)  # the task file it names went missing: checked again
