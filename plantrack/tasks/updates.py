"""Recording progress of tasks and milestones: validation, evidence files, one update.

Every update is checked before anything is stored; a problem names where (file, row,
column), the value and the fix, in Chinese. The bulk Excel template and reader are in
:mod:`plantrack.tasks.bulk`.

Rules (every one an error — nothing is stored while any remains):
- 任务编号 must be a task, decision or milestone indicator of the registry;
- 状态 is 未开始 / 进行中 / 已完成 (also done / in_progress / not_started);
- 日期 is a date (2022-09-30, 2022/9/30, 2022年9月30日, an Excel date), not after today and
  not before the issue date of the task's plan;
- 进展说明 is required when the status is 已完成 (what was done), at most 500 characters;
- 佐证材料 is a link (http:// or https://) or a stored file (``file:<sha256><suffix>``);
- one task cannot have two updates with the same date in one file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from plantrack.settings import MAX_UPLOAD_BYTES
from plantrack.store.task_updates import record_updates
from plantrack.tasks.board import board_items

if TYPE_CHECKING:
    from plantrack.auth.actor import Actor
    from plantrack.workspace import Workspace

STATUSES = ("未开始", "进行中", "已完成")
STATUS_ALIASES = {
    "not_started": "未开始",
    "in_progress": "进行中",
    "done": "已完成",
    "未开始": "未开始",
    "进行中": "进行中",
    "已完成": "已完成",
}
NOTE_MAX = 500
EVIDENCE_SUFFIXES = (
    ".pdf", ".ofd", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".csv", ".txt",
    ".jpg", ".jpeg", ".png", ".zip",
)  # fmt: skip
CLI_LABELS = {
    "task_id": "参数 TASK（任务编号）",
    "status": "参数 --status",
    "status_date": "参数 --date",
    "note": "参数 --note",
    "evidence": "参数 --evidence",
    "user": "参数 --user",
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_FILE_REF = re.compile(r"^file:[0-9a-f]{64}(\.[0-9a-z]{1,6})?$")
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Problem:
    """One problem of one update: where, the value, what is wrong and how to fix it."""

    source: str
    row: int | None
    column: str
    value: object
    message: str

    def __str__(self) -> str:
        where = f"{self.source} 第{self.row}行" if self.row is not None else self.source
        value = self.value
        if isinstance(value, datetime) and value.time() == datetime.min.time():
            value = value.date()
        shown = "（空）" if _blank(value) else f"“{value}”"
        return f"{where} {self.column}：值 {shown} — {self.message}"


class UpdateError(Exception):
    """Updates refused; ``problems`` lists every one. Nothing was stored."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return bool(pd.isna(value)) if isinstance(value, float) else False


def parse_status(value: object) -> str | None:
    if _blank(value):
        return None
    return STATUS_ALIASES.get(str(value).strip().lower().replace("-", "_"))


def parse_day(value: object) -> date | None:
    """A date from a date, an Excel serial number, or text in one of the usual forms."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _EXCEL_EPOCH + timedelta(days=int(value)) if 20000 < value < 80000 else None
    text = re.sub(r"\s+", "", str(value or ""))
    text = re.sub(r"(?:T|00:00:00).*$", "", text)  # a datetime written as text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def item_plans(ws: Workspace) -> dict[str, str]:
    """Task / milestone id → plan id, for every item that accepts updates."""
    items = board_items(ws)
    return dict(zip(items["id"], items["plan"], strict=True))


def validate_updates(
    ws: Workspace,
    rows: Sequence[Mapping[str, object]],
    source: str,
    labels: Mapping[str, str],
    today: date | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check raw updates (keys task_id, status, status_date, note, evidence; ``row`` for the
    row number shown). Returns the clean updates and every problem found."""
    today = today or date.today()
    plans = item_plans(ws)
    issued = {i: ws.plans[p].issued for i, p in plans.items()}
    problems: list[Problem] = []
    clean = []
    seen: dict[tuple[str, date], object] = {}
    for raw in rows:
        row = raw.get("row")
        update, found = _check_row(raw, issued, today)
        task_id, day = update[0], update[2]
        if day is not None and task_id in issued:
            if (task_id, day) in seen:
                what = f"与第{seen[(task_id, day)]}行重复：同一任务同一日期只能有一条进展"
                found.append(("task_id", task_id, what))
            seen[(task_id, day)] = row
        rownum = row if isinstance(row, int) else None
        problems += [Problem(source, rownum, labels[f], v, m) for f, v, m in found]
        clean.append(update)
    columns = ["task_id", "status", "status_date", "note", "evidence"]
    return pd.DataFrame(clean, columns=columns), problems


def _check_row(
    raw: Mapping[str, object], issued: Mapping[str, date], today: date
) -> tuple[tuple, list[tuple[str, object, str]]]:
    """One update: its clean values and its problems as (field, value as given, message)."""
    found: list[tuple[str, object, str]] = []
    task_id = str(raw.get("task_id") or "").strip()
    status = parse_status(raw.get("status"))
    day = parse_day(raw.get("status_date"))
    note = "" if _blank(raw.get("note")) else str(raw.get("note")).strip()
    evidence = "" if _blank(raw.get("evidence")) else str(raw.get("evidence")).strip()
    if task_id not in issued:
        found.append(("task_id", raw.get("task_id"), _unknown_task(task_id, issued)))
    if status is None:
        found.append(("status", raw.get("status"), "状态应为 未开始、进行中 或 已完成"))
    given = raw.get("status_date")
    if day is None:
        found.append(("status_date", given, "日期无法识别，请写成 2022-09-30"))
    elif day > today:
        found.append(("status_date", given, f"日期晚于今天（{today}），只能记录已发生的进展"))
    elif task_id in issued and day < issued[task_id]:
        found.append(("status_date", given, f"日期早于该计划的印发日期 {issued[task_id]}"))
    if status == "已完成" and not note:
        found.append(("note", raw.get("note"), "状态为“已完成”时须填写进展说明（完成了什么）"))
    if len(note) > NOTE_MAX:
        found.append(("note", f"{note[:20]}…", f"进展说明超过 {NOTE_MAX} 字，请精简"))
    if evidence and not (_is_url(evidence) or _FILE_REF.match(evidence)):
        found.append(("evidence", evidence, "佐证材料应为以 http:// 或 https:// 开头的链接"))
    return (task_id, status, day, note or None, evidence or None), found


def _unknown_task(task_id: str, plans: Mapping[str, object]) -> str:
    if not task_id:
        return "缺少任务编号"
    close = [i for i in plans if task_id in i or i.endswith(task_id)][:3]
    hint = f"，是否指 {'、'.join(close)}？" if close else "，可用 `python -m plantrack tasks` 查看"
    return f"没有这个任务或里程碑指标{hint}"


def _is_url(text: str) -> bool:
    return bool(re.match(r"^https?://\S+$", text))


def check_evidence_file(name: str, size: int, source: str, label: str) -> list[Problem]:
    """An evidence file is refused if its type is not a document/image or it is too large."""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_SUFFIXES:
        allowed = "、".join(EVIDENCE_SUFFIXES)
        return [Problem(source, None, label, name, f"不支持的文件类型，可用：{allowed}")]
    if size > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        return [Problem(source, None, label, name, f"文件超过 {limit} MB")]
    if size == 0:
        return [Problem(source, None, label, name, "文件是空的")]
    return []


def store_evidence(ws: Workspace, data: bytes, name: str) -> str:
    """Keep an evidence file by its sha256 (like uploads); returns ``file:<sha256><suffix>``."""
    sha = hashlib.sha256(data).hexdigest()
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    folder = ws.settings.uploads_dir / "evidence" / sha[:2]
    target = folder / f"{sha}{suffix}"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return f"file:{sha}{suffix}"


def evidence_path(ws: Workspace, evidence: str) -> str | None:
    """The stored file of a ``file:`` evidence reference (None for links)."""
    if not _FILE_REF.match(evidence or ""):
        return None
    name = evidence.removeprefix("file:")
    return str(ws.settings.uploads_dir / "evidence" / name[:2] / name)


def record_update(
    ws: Workspace,
    update: Mapping[str, object],
    *,
    actor: Actor,
    source: str = "命令行",
    labels: Mapping[str, str] = CLI_LABELS,
    evidence_file: tuple[str, bytes] | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Validate and store one update (optionally with an evidence file); raise UpdateError."""
    problems: list[Problem] = []
    if evidence_file is not None:
        name, data = evidence_file
        problems += check_evidence_file(name, len(data), source, labels["evidence"])
    clean, found = validate_updates(ws, [dict(update)], source, labels, today)
    problems += found
    if problems:
        raise UpdateError(problems)
    if evidence_file is not None:
        clean["evidence"] = store_evidence(ws, evidence_file[1], evidence_file[0])
    record_updates(ws.store, clean, actor=actor, scope=ws.scope)
    return clean
