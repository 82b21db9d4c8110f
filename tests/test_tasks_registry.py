"""Task registry: deadline rules, status logic, and the transcription of the gazette tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plantrack.tasks.deadlines import Deadline, resolve_deadline
from plantrack.tasks.registry import (
    ResolvedTask,
    TaskConfigError,
    is_due_soon,
    load_tasks,
    task_status_at,
)

TASKS_YAML = Path(__file__).parents[1] / "registry" / "tasks.yaml"
ISSUED = date(2022, 6, 15)  # 市中政办字〔2022〕3号
PLANS = {
    "openness2022": (ISSUED, 2022),
    "decisions2022": (date(2022, 6, 1), 2022),  # 市中政字〔2022〕27号
}
BOTH = ("区政府各部门", "各街道办事处")


@pytest.fixture(scope="module")
def tasks() -> dict[str, ResolvedTask]:
    return {t.id: t for t in load_tasks(TASKS_YAML, PLANS)}


def row(tasks: dict[str, ResolvedTask], seq: int) -> ResolvedTask:
    return tasks[f"openness2022.t{seq:02d}"]


# --------------------------------------------------------------------------- deadline rules


@pytest.mark.parametrize(
    ("text", "due", "recurring"),
    [
        ("全年", date(2022, 12, 31), False),
        ("2022年年底前", date(2022, 12, 31), False),
        ("2022 年 \n年底前", date(2022, 12, 31), False),
        ("年底前", date(2022, 12, 31), False),
        ("2022年底前", date(2022, 12, 31), False),
        ("2022年年底前完成，长期坚持", date(2022, 12, 31), True),
        ("2022 年\n年底前完\n成，长期\n坚持", date(2022, 12, 31), True),
        ("9月底前", date(2022, 9, 30), False),
        ("2022年9月底前", date(2022, 9, 30), False),
        ("２０２２年９月底前", date(2022, 9, 30), False),
        ("2022年9月底前完成，并长期坚持", date(2022, 9, 30), True),
        ("6月底前", date(2022, 6, 30), False),
        ("2022年6月底前", date(2022, 6, 30), False),
        ("2月底前", date(2022, 2, 28), False),
        ("2024年2月底前", date(2024, 2, 29), False),
        ("本文件印发后30日内", date(2022, 7, 15), False),
        ("印发后30日内", date(2022, 7, 15), False),
        ("本文件\n印发后\n30 日内", date(2022, 7, 15), False),
        ("2022年10月", date(2022, 10, 31), False),
        ("2022年12月", date(2022, 12, 31), False),
    ],
)
def test_deadline_rules(text: str, due: date, recurring: bool) -> None:
    result = resolve_deadline(text, ISSUED, 2022)
    assert isinstance(result, Deadline)
    assert (result.due, result.recurring) == (due, recurring)
    assert result.rule


def test_whole_year_uses_plan_year() -> None:
    assert resolve_deadline("全年", ISSUED, 2023).due == date(2023, 12, 31)
    assert resolve_deadline("年底前", ISSUED, 2023).due == date(2023, 12, 31)
    assert resolve_deadline("2022年年底前", ISSUED, 2023).due == date(2022, 12, 31)


def test_deadline_is_frozen() -> None:
    result = resolve_deadline("全年", ISSUED, 2022)
    with pytest.raises(AttributeError):
        result.due = date(2000, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize("text", ["尽快", "", "2022年13月底前", "长期坚持", "2022年第三季度"])
def test_unrecognised_deadline(text: str) -> None:
    with pytest.raises(ValueError, match="完成时限"):
        resolve_deadline(text, ISSUED, 2022)


def test_unrecognised_deadline_names_text() -> None:
    with pytest.raises(ValueError, match="尽快"):
        resolve_deadline("尽快", ISSUED, 2022)


# --------------------------------------------------------------------------- status


DUE = date(2022, 9, 30)


@pytest.mark.parametrize(
    ("done_on", "as_of", "status"),
    [
        (None, date(2022, 9, 1), "进行中"),
        (None, DUE, "进行中"),
        (None, date(2022, 10, 1), "逾期"),
        (date(2022, 9, 15), date(2022, 10, 1), "已完成"),
        (DUE, DUE, "已完成"),
        (date(2022, 10, 10), date(2022, 12, 31), "逾期完成"),
        (date(2022, 10, 10), date(2022, 10, 5), "逾期"),  # not yet done at as_of
        (date(2022, 9, 20), date(2022, 9, 10), "进行中"),  # not yet done at as_of
    ],
)
def test_task_status_at(done_on: date | None, as_of: date, status: str) -> None:
    assert task_status_at(DUE, done_on, as_of) == status


@pytest.mark.parametrize(
    ("as_of", "days", "soon"),
    [
        (date(2022, 9, 1), 30, True),
        (date(2022, 8, 31), 30, True),
        (date(2022, 8, 30), 30, False),
        (DUE, 30, True),
        (date(2022, 10, 1), 30, False),
        (date(2022, 9, 25), 3, False),
    ],
)
def test_is_due_soon(as_of: date, days: int, soon: bool) -> None:
    assert is_due_soon(DUE, as_of, days) is soon


# --------------------------------------------------------------------------- transcription


def test_counts(tasks: dict[str, ResolvedTask]) -> None:
    openness = sorted(t.seq for t in tasks.values() if t.plan == "openness2022")
    decisions = sorted(t.seq for t in tasks.values() if t.plan == "decisions2022")
    assert openness == list(range(1, 65))
    assert decisions == [1, 2]


def test_every_task_complete(tasks: dict[str, ResolvedTask]) -> None:
    for task in tasks.values():
        assert task.units and all(u.strip() for u in task.units), task.id
        assert len(task.title) <= 30, task.id
        assert task.requirement and " " not in task.requirement, task.id
        assert date(2022, 6, 1) <= task.due <= date(2022, 12, 31), task.id


def test_categories(tasks: dict[str, ResolvedTask]) -> None:
    firsts = {t.category for t in tasks.values() if t.plan == "openness2022"}
    assert firsts == {
        "以重点领域为核心深化政务公开",
        "以政策精准服务推动常态化政务公开",
        "以基层建设为基础扎实推进政务公开",
        "以平台建设推动全方位政务公开",
        "以保障机制为基础推动规范化政务公开",
    }
    assert row(tasks, 24).category == "以重点领域为核心深化政务公开"
    assert row(tasks, 25).category == "以政策精准服务推动常态化政务公开"
    assert row(tasks, 42).subcategory == "继续打造“市中慧公开”品牌特色化建设"
    assert row(tasks, 60).subcategory == "加强培训考核"
    assert row(tasks, 61).subcategory == "抓好工作落实"


def test_row_1(tasks: dict[str, ResolvedTask]) -> None:
    t = row(tasks, 1)
    assert t.subcategory == "持续推进高质量信息公开"
    assert t.requirement.startswith("重点围绕济南中央活力区、济南中央商埠区")
    assert t.requirement.endswith("高端商贸等主导产业信息公开工作。")
    assert t.units == BOTH
    assert (t.deadline_text, t.due, t.recurring) == ("全年", date(2022, 12, 31), False)


def test_row_3(tasks: dict[str, ResolvedTask]) -> None:
    t = row(tasks, 3)
    assert "减税降费" in t.requirement
    assert t.units == ("区财政局",)
    assert t.deadline_text == "2022年年底前完成，长期坚持"
    assert (t.due, t.recurring) == (date(2022, 12, 31), True)


def test_row_13_lead_units(tasks: dict[str, ResolvedTask]) -> None:
    t = row(tasks, 13)
    assert t.units == ("区司法局", "区行政审批局", "区大数据局", "各相关部门")
    assert t.units_note == "区司法局、区行政审批局、区大数据局牵头，各相关部门配合"


def test_row_22_units(tasks: dict[str, ResolvedTask]) -> None:
    assert len(row(tasks, 22).units) == 7


def test_rows_23_24(tasks: dict[str, ResolvedTask]) -> None:
    r23, r24 = row(tasks, 23), row(tasks, 24)
    assert r23.deadline_text == "2022年9月底前"
    assert (r23.due, r23.recurring) == (date(2022, 9, 30), False)
    assert r24.deadline_text == "2022年9月底前完成，并长期坚持"
    assert (r24.due, r24.recurring) == (date(2022, 9, 30), True)
    assert r23.units == r24.units == ("区教育体育局", "区卫生健康局")
    assert r23.requirement.startswith("按照国家、省、市相关领域公共企事业单位信息公开制度")
    assert r24.requirement.startswith("对具有市场支配地位")


def test_row_35_and_63_june(tasks: dict[str, ResolvedTask]) -> None:
    for seq in (35, 63):
        assert row(tasks, seq).due == date(2022, 6, 30)


def test_row_43_ipv6(tasks: dict[str, ResolvedTask]) -> None:
    t = row(tasks, 43)
    assert "互联网协议第6版" in t.requirement
    assert t.units == ("区政府办公室",)
    assert (t.deadline_text, t.due) == ("2022年年底前", date(2022, 12, 31))
    assert t.subcategory == "加强政府信息平台建设"


def test_row_62_after_issue(tasks: dict[str, ResolvedTask]) -> None:
    t = row(tasks, 62)
    assert t.deadline_text == "本文件印发后30日内"
    assert t.due == date(2022, 7, 15)


def test_row_64(tasks: dict[str, ResolvedTask]) -> None:
    t = row(tasks, 64)
    assert t.requirement == "要将本要点落实情况纳入政府信息公开工作年度报告予以公开，接受社会监督。"
    assert t.units == BOTH
    assert (t.deadline_text, t.due) == ("2022年年底前", date(2022, 12, 31))
    assert t.subcategory == "抓好工作落实"


def test_merged_cells_carried_down(tasks: dict[str, ResolvedTask]) -> None:
    for seq in (9, 10, 29, 31, 32, 52, 57, 59, 63):
        assert row(tasks, seq).units == BOTH, seq
    assert row(tasks, 45).units == BOTH
    assert row(tasks, 45).recurring


def test_deadline_counts(tasks: dict[str, ResolvedTask]) -> None:
    openness = [t for t in tasks.values() if t.plan == "openness2022"]
    assert sum(t.deadline_text == "全年" for t in openness) == 50
    assert sum(t.recurring for t in openness) == 4  # rows 3, 15, 24, 45


def test_decisions(tasks: dict[str, ResolvedTask]) -> None:
    d1, d2 = tasks["decisions2022.d1"], tasks["decisions2022.d2"]
    assert d1.requirement == "制定出台《济南市市中区全民健身设施管理实施细则》"
    assert d1.units == ("区教育体育局",)
    assert (d1.deadline_text, d1.due) == ("2022年10月", date(2022, 10, 31))
    assert d2.requirement == "设立市中区省级经济开发区"
    assert d2.units == ("区发展改革局",)
    assert (d2.deadline_text, d2.due) == ("2022年12月", date(2022, 12, 31))
    assert d1.subcategory is None


# --------------------------------------------------------------------------- broken config


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_misspelt_key_names_line(tmp_path: Path) -> None:
    text = TASKS_YAML.read_text(encoding="utf-8")
    broken = text.replace("        units: [区财政局]", "        unitz: [区财政局]", 1)
    assert broken != text
    path = tmp_path / "tasks.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(TaskConfigError) as exc:
        load_tasks(path, PLANS)
    message = str(exc.value)
    line = _line_of(broken, "unitz:")
    assert f"tasks.yaml:{line}:" in message
    assert "unitz" in message
    assert "units" in message  # missing field reported too


def test_problems_are_all_listed(tmp_path: Path) -> None:
    text = TASKS_YAML.read_text(encoding="utf-8")
    broken = text.replace("deadline_text: 2022年10月", "deadline_text: 尽快", 1).replace(
        "id: openness2022.t05", "id: openness2022.t04", 1
    )
    path = tmp_path / "tasks.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(TaskConfigError) as exc:
        load_tasks(path, PLANS)
    problems = exc.value.problems
    assert len(problems) == 2
    assert any(p.startswith(f"tasks.yaml:{_line_of(broken, '尽快')}:") for p in problems)
    dup_line = [n for n, s in enumerate(broken.splitlines(), 1) if "openness2022.t04" in s][1]
    assert any(p.startswith(f"tasks.yaml:{dup_line}:") for p in problems)
    assert all(" — " in p for p in problems)


def test_unknown_plan(tmp_path: Path) -> None:
    with pytest.raises(TaskConfigError, match="decisions2022"):
        load_tasks(TASKS_YAML, {"openness2022": (ISSUED, 2022)})


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "tasks.yaml"
    path.write_text("version: 1\ntask_lists:\n  - plan: [x\n", encoding="utf-8")
    with pytest.raises(TaskConfigError, match=r"tasks\.yaml:\d+: YAML"):
        load_tasks(path, PLANS)
