"""indicators.yaml: the good file loads; each broken copy fails naming its line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from plantrack.config import ConfigError, load_config
from plantrack.config.models import Registry
from plantrack.config.schema import SCHEMA_PATH, schema_text

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "indicators.yaml").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    assert old in GOOD, f"fixture text not found: {old!r}"
    path = tmp_path / "indicators.yaml"
    path.write_text(GOOD.replace(old, new, count), encoding="utf-8")
    (tmp_path / "registry").mkdir(exist_ok=True)
    (tmp_path / "registry" / "tasks.yaml").write_bytes(
        (ROOT / "registry" / "tasks.yaml").read_bytes()
    )
    return path


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_good_file_loads_with_headline_targets():
    reg = load_config(ROOT / "indicators.yaml")
    by_id = {i.id: i for i in reg.indicators}
    assert by_id["fitness.regular_exercise_rate"].target.value == 41
    assert by_id["fitness.sports_area_per_capita"].target.value == 2.6
    assert by_id["fitness.instructors_per_10k"].target.value == 30
    assert by_id["disabled.congress_delegates_pwd_share"].baseline.value == 50
    assert by_id["disabled.congress_delegates_pwd_share"].target.value == 65
    assert by_id["disabled.welfare_jobs_pwd_share"].target.value == 15
    assert len(reg.areas.subareas) == 17
    assert {p.id for p in reg.plans} == {"fitness", "disabled", "openness2022", "decisions2022"}
    kinds = {i.kind for i in reg.indicators}
    assert {"target", "relative", "milestone", "monitor"} <= kinds


def test_misspelt_key_names_its_line(tmp_path):
    path = broken(
        tmp_path,
        "    measure: stock\n    frequency: quarter\n    rollup: {method: weighted_mean",
        "    measrue: stock\n    frequency: quarter\n    rollup: {method: weighted_mean",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    line = line_of(path, "measrue:")
    assert re.search(rf"indicators\.yaml:{line}: .*measrue.*未知的键", str(exc.value))


def test_missing_direction_names_its_line(tmp_path):
    path = broken(tmp_path, "    direction: up\n    attribute: 约束性", "    attribute: 约束性")
    with pytest.raises(ConfigError, match=r"indicators\.yaml:\d+: .*direction: 缺少必填项"):
        load_config(path)


def test_target_before_base_year_names_its_line(tmp_path):
    path = broken(
        tmp_path, 'target: {value: 41, period: "2025"', 'target: {value: 41, period: "2019"'
    )
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    line = line_of(path, 'period: "2019"')
    assert f"indicators.yaml:{line}: " in str(exc.value)
    assert "不晚于基期" in str(exc.value)


def test_every_problem_reported_at_once(tmp_path):
    text = GOOD.replace("    direction: up\n    attribute: 约束性", "    attribute: 约束性", 1)
    text = text.replace(
        'period: "2025", comparator: ">=", text: 占全区',
        'period: "2019", comparator: ">=", text: 占全区',
    )
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert len(exc.value.issues) >= 1  # model errors come first; fix them, then rule errors
    text2 = GOOD.replace(
        "plan: disabled\n    kind: target", "plan: nosuchplan\n    kind: target", 1
    )
    text2 = text2.replace(
        'period: "2025", comparator: ">=", text: 占全区',
        'period: "2019", comparator: ">=", text: 占全区',
    )
    path.write_text(text2, encoding="utf-8")
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "tasks.yaml").write_bytes(
        (ROOT / "registry" / "tasks.yaml").read_bytes()
    )
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    messages = [str(i) for i in exc.value.issues]
    assert any("nosuchplan" in m for m in messages) and any("不晚于基期" in m for m in messages)


def test_formula_must_name_defined_components(tmp_path):
    path = broken(
        tmp_path,
        "formula: fitness.instructors / common.population * 10000",
        "formula: fitness.instructorz / common.population * 10000",
    )
    with pytest.raises(ConfigError, match=r"indicators\.yaml:\d+: .*fitness\.instructorz"):
        load_config(path)


def test_yaml_syntax_error_names_line(tmp_path):
    path = broken(tmp_path, "version: 1\n", "version: 1\nplans: [\n")
    with pytest.raises(ConfigError, match=r"indicators\.yaml:\d+: YAML 语法错误"):
        load_config(path)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [(None, None, 0), ("    direction: up\n    attribute: 约束性", "    attribute: 约束性", 2)],
)
def test_check_config_cli_exit_codes(tmp_path, old, new, code):
    path = ROOT / "indicators.yaml" if old is None else broken(tmp_path, old, new)
    proc = subprocess.run(
        [sys.executable, "-m", "plantrack", "check-config", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == code, proc.stderr
    if code:
        assert re.search(r"indicators\.yaml:\d+: ", proc.stderr)
        assert "Traceback" not in proc.stderr


def test_schema_file_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "validation/indicators.schema.json is stale: run `python -m plantrack schema > validation/indicators.schema.json`"
    )


def _fields(model) -> list[tuple[str, object]]:
    out = []
    for name, f in model.model_fields.items():
        out.append((f"{model.__name__}.{name}", f))
        for sub in getattr(f.annotation, "__args__", (f.annotation,)):
            if isinstance(sub, type) and hasattr(sub, "model_fields"):
                out += _fields(sub)
    return out


def test_every_schema_field_has_a_description():
    missing = [name for name, f in _fields(Registry) if not f.description]
    assert not missing, f"fields without description: {missing}"
    schema = json.loads(schema_text())
    assert schema["properties"]["indicators"]["description"]


def test_config_hash_covers_the_task_file_it_names(tmp_path):
    from plantrack.config import config_hash

    path = broken(tmp_path, "version: 1\n", "version: 1\n")
    before = config_hash(path, "registry/tasks.yaml")
    tasks = tmp_path / "registry" / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert config_hash(path, "registry/tasks.yaml") != before
    assert config_hash(path) == config_hash(path, None)
