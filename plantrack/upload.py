"""The upload pipeline shared by the CLI and the page: read → normalise → validate → load.

:func:`check` reads and validates a file without writing to the database; :func:`load`
stores a checked file in one transaction, or refuses with the reason. The file is kept
under ``uploads_dir`` when it is loaded; a refused or unreadable one under
``uploads_dir/refused`` for a limited time and space (:func:`plantrack.ingest.files.cleanup`). great-expectations is imported inside :func:`check`, never when
this module is imported.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from plantrack import settings as plantrack_settings
from plantrack.auth.actor import Actor
from plantrack.ingest import files
from plantrack.ingest.files import FileRejected
from plantrack.ingest.normalise import Vocabulary, normalise
from plantrack.ingest.precision import same_values, tolerances
from plantrack.ingest.read import read_table
from plantrack.ingest.report import Problem, Report
from plantrack.periods import parse_period
from plantrack.store import LoadSummary, StoreError
from plantrack.store.store import SEEN_COLUMN, StaleCheckError
from plantrack.workspace import Workspace

Progress = Callable[[str], None]
STORE_COLUMNS = ["indicator", "area", "period", "period_end", "value", "note"]
KEY = ["indicator", "area", "period"]
EXIT = {"valid": 0, "loaded": 0, "unreadable": 2}


@dataclass
class UploadResult:
    file: str
    report: Report
    outcome: str  # unreadable | invalid | valid | loaded | refused
    sha256: str | None = None
    size: int = 0
    layout: str | None = None
    rows: pd.DataFrame | None = None  # normalised rows (all of them, errors included)
    timings: dict[str, float] = field(default_factory=dict)
    summary: LoadSummary | None = None
    message: str = ""
    data: bytes | None = field(default=None, repr=False)  # kept only once the file is loaded

    @property
    def exit_code(self) -> int:
        return EXIT.get(self.outcome, 1)

    def to_dict(self) -> dict:
        out = {**self.report.to_dict(), "outcome": self.outcome, "message": self.message}
        out["sha256"] = self.sha256
        if self.summary is not None:
            s = self.summary
            out["loaded"] = {
                "batch": s.batch_id,
                "new": s.new,
                "revised": s.revised,
                "unchanged": s.unchanged,
                "noted": getattr(s, "noted", 0),
            }
        return out

    def store_rows(self) -> pd.DataFrame:
        """The rows to store, with the revision the check saw of each (``prev_revision``),
        so that a load after someone else's changes is refused instead of overwriting them."""
        assert self.rows is not None
        cols = [*STORE_COLUMNS, SEEN_COLUMN] if SEEN_COLUMN in self.rows.columns else STORE_COLUMNS
        return self.rows[cols]


def _import_checks() -> None:
    import validation.run  # noqa: F401 — great-expectations: seconds, once per process


def warm_checks() -> None:
    """Import the checks (great-expectations) in a background thread while the file is read
    and normalised; :func:`_validate`'s import then waits for it instead of starting over."""
    if "validation.run" not in sys.modules:
        threading.Thread(target=_import_checks, name="plantrack-gx-import", daemon=True).start()


def _limit() -> int:
    return plantrack_settings.max_upload_bytes()


def _file_problem(name: str, code: str, message: str) -> Problem:
    return Problem("error", code, message, name)


def check_path(ws: Workspace, path: str | Path, **kwargs) -> UploadResult:
    """:func:`check` on a file on disk (its size is checked before it is read)."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        files.check_size(size, name, kwargs.pop("limit", None) or _limit())
        data = path.read_bytes()
    except FileRejected as exc:
        return UploadResult(
            name, Report(name, [_file_problem(name, exc.code, str(exc))]), "unreadable"
        )
    except OSError as exc:
        msg = f"无法打开文件 {name}：{exc.strerror or exc}。请检查路径和权限。"
        return UploadResult(name, Report(name, [_file_problem(name, "no_file", msg)]), "unreadable")
    return check(ws, data, name, **kwargs)


def check(
    ws: Workspace,
    data: bytes,
    name: str,
    *,
    user: str | None = None,
    keep: bool = True,
    today: date | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
    mapping: Mapping[str, str] | None = None,
    skip_unknown_areas: bool = False,
) -> UploadResult:
    """Read, normalise and validate; nothing is written to the database. ``mapping`` names
    columns PlanTrack does not recognise ({header: field}, ``columns.parse_mapping``).
    ``skip_unknown_areas``: leave out the rows whose area is not configured (a World Bank
    file's aggregates WLD, EUU …) with one warning naming them, instead of refusing the file."""
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    digest, size = files.sha256(data), len(data)
    result = UploadResult(name, Report(name), "invalid", digest, size)
    try:
        files.check_size(size, name, limit or _limit())
        result.data = data
        warm_checks()
        say("正在读取文件…")
        vocab = Vocabulary(ws.registry)
        table = read_table(data, name, vocab.match_header, mapping)
        result.timings["read"] = time.perf_counter() - t0
        say("正在整理数据（报告期、数值、地区、指标）…")
        t1 = time.perf_counter()
        norm = normalise(table, vocab)
        result.timings["normalise"] = time.perf_counter() - t1
    except FileRejected as exc:
        result.report.add([_file_problem(name, exc.code, str(exc))])
        return _finish(ws, result, "unreadable", user, keep)
    skipped = None
    if skip_unknown_areas:
        norm.rows, skipped = _skip_unknown_areas(name, norm.rows)
    result.layout, result.rows = norm.layout, norm.rows
    result.report.rows, result.report.sheet = len(norm.rows), norm.sheet
    if skipped is not None:
        result.report.add([skipped])
    result.report.blank_rows = norm.unfilled
    if norm.rows.empty:
        msg = f"文件 {name} 只有表头，没有数据行。请在表头下方填写数据后重新上传。"
        if norm.unfilled:
            msg = (
                f"文件 {name} 的 {norm.unfilled:,} 行都没有填写数值（未填写的行已跳过）。"
                "请在“数值”列填写本期数据后重新上传。"
            )
        result.report.add([_file_problem(name, "no_rows", msg)])
        return _finish(ws, result, "invalid", user, keep)
    try:
        previous = ws.store.batch_for_sha(digest)
        if previous is not None:
            msg = (
                f"文件 {name} 与已入库的批次 #{previous} 完全相同（sha256 {digest[:12]}…），"
                "不会重复入库。如需更正数值，请修改文件后重新上传。"
            )
            result.report.add([_file_problem(name, "same_file", msg)])
            return _finish(ws, result, "invalid", user, keep)
        say(f"正在检查 {len(norm.rows):,} 行数据…")
        _validate(ws, result, today or date.today(), norm.meta.get("报告期"))
        if norm.external_links:
            result.report.add([_external_links(name, norm.external_links)])
    except StoreError as exc:
        result.report.add([_file_problem(name, "store", str(exc))])
        return _finish(ws, result, "invalid", user, keep)
    except Exception as exc:  # noqa: BLE001 — never a stack trace for the user
        msg = (
            f"检查文件 {name} 时程序出错（{type(exc).__name__}：{exc}），未写入任何数据。"
            "请把文件和这条信息发给系统管理员。"
        )
        result.report.add([_file_problem(name, "internal", msg)])
        return _finish(ws, result, "invalid", user, keep)
    return _finish(ws, result, "valid" if result.report.ok else "invalid", user, keep)


def _skip_unknown_areas(name: str, rows: pd.DataFrame) -> tuple[pd.DataFrame, Problem | None]:
    """The rows without the ones whose area is written but not configured, and a warning
    naming those areas and how many rows of the file were left out (None if there were none).
    A row with no area at all stays (an error)."""
    raw = rows["area_raw"].astype(object).fillna("").astype(str).str.strip()
    drop = (~rows["area_ok"].astype(bool) & (raw != "")).to_numpy()
    if not drop.any():
        return rows, None
    codes = list(dict.fromkeys(raw[drop]))
    shown = "、".join(codes[:20]) + (f" 等 {len(codes)} 个" if len(codes) > 20 else "")
    n = int(rows.loc[drop, "row"].nunique())
    msg = (
        f"跳过了 {n:,} 行未配置的地区：{shown}。这些行未检查、不入库；"
        "如需录入，请先在配置文件的 areas 中添加这些地区。"
    )
    kept = rows[~drop].reset_index(drop=True)
    return kept, Problem("warning", "skipped_area", msg, name)


def _external_links(name: str, n: int) -> Problem:
    return Problem(
        "warning",
        "external_link",
        f"文件 {name} 含有 {n} 个指向其他工作簿的外部链接，单元格里是 Excel 保存时缓存的结果，"
        "不一定是填报的数字。请断开链接（数据 → 编辑链接 → 断开链接）后重新上传；"
        "如确认无误，请说明原因。",
        name,
    )


def _snap(rows: pd.DataFrame, current: pd.DataFrame, precision: dict[str, int]) -> None:
    """A value equal to the stored one at the indicator's precision takes the stored value
    exactly, so floating noise (6.4860000000000015 for 6.486) is not a revision."""
    if current.empty or rows.empty:
        return
    stored = current.set_index(KEY)["value"]
    keys = pd.MultiIndex.from_frame(rows[KEY].astype(object))
    old = stored.reindex(keys).to_numpy(dtype=float)
    new = rows["value"].to_numpy(dtype=float)
    tol = tolerances(rows["indicator"], precision)
    snap = same_values(old, new, tol) & ~np.isnan(old) & (old != new)
    if snap.any():
        rows.loc[snap, "value"] = old[snap]


def _validate(ws: Workspace, result: UploadResult, today: date, header_period=None) -> None:
    t = time.perf_counter()
    from validation.run import validate  # imports great-expectations (seconds, once)

    result.timings["gx_import"] = time.perf_counter() - t
    from validation.messages import Context
    from validation.suite import spec_from_registry

    t = time.perf_counter()
    rows = result.rows
    assert rows is not None
    wanted = set(rows.loc[rows["indicator_ok"], "indicator"].unique())
    wanted |= {ind.rollup.weight or "common.population" for ind in ws.registry.indicators}
    # one read: the values the checks compare with and the revisions load() will insist on
    latest = ws.store.current(indicators=sorted(wanted), with_deleted=True)
    current = latest[~latest["deleted"].astype(bool)].drop(columns="deleted")
    precision = {i: ind.precision for i, ind in ws.indicators.items()}
    _snap(rows, current, precision)
    header = parse_period(header_period) if header_period else None
    ctx = Context(
        file=result.file,
        indicators=ws.indicators,
        plans=ws.plans,
        area_names=ws.area_names,
        district=ws.district,
        subareas=[a.code for a in ws.registry.areas.subareas],
        subarea_label=ws.registry.areas.subarea_label,
        district_label=ws.registry.areas.district_label,
        today=today,
        current=current.reset_index(drop=True),
        settings=ws.registry.validation.model_dump(),
        header_period=str(header) if header else None,
    )
    found, totals = validate(rows, ctx, spec_from_registry(ws.registry, today))
    result.report.add(found, {**totals, **ctx.totals})
    seen = rows[KEY].merge(latest[[*KEY, "revision"]], on=KEY, how="left")["revision"]
    rows[SEEN_COLUMN] = pd.array(seen.to_numpy(), dtype="Int64")
    result.timings["validate"] = time.perf_counter() - t


def _finish(
    ws: Workspace, result: UploadResult, outcome: str, user: str | None, keep: bool
) -> UploadResult:
    result.outcome = outcome
    r = result.report
    if outcome == "unreadable":
        result.message = r.errors[0].message if r.errors else f"文件 {result.file} 无法读取。"
    elif outcome == "invalid" and r.n_errors == 1 and r.errors[0].row is None:
        result.message = r.errors[0].message
    elif outcome == "invalid":
        result.message = (
            f"文件 {result.file} 有 {r.n_errors:,} 个错误，未入库。请按提示修改后重新上传。"
        )
    else:
        extra = f"，{r.n_warnings:,} 个警告需确认并说明原因" if r.n_warnings else ""
        blank = f"（另有 {r.blank_rows:,} 行未填写数值，已跳过）" if r.blank_rows else ""
        result.message = f"文件 {result.file} 检查通过：{r.rows:,} 行数据{blank}{extra}。"
    if keep and result.sha256 and outcome != "valid":
        _keep_refused(ws, result, user, outcome, errors=r.n_errors, warnings=r.n_warnings)
    return result


def _keep_refused(ws: Workspace, result: UploadResult, user: str | None, outcome: str, **extra):
    """Keep a refused or unreadable file for support, within the configured days and MB."""
    assert result.sha256
    folder = files.refused_dir(ws.settings.uploads_dir)
    try:
        files.keep(folder, result.data, result.sha256, result.file)
        files.record_attempt(
            folder, result.sha256, result.file, result.size, user, outcome, **extra
        )
        days, max_mb = plantrack_settings.keep_refused()
        files.cleanup(ws.settings.uploads_dir, days, max_mb)
    except OSError:  # keeping a copy for support must never block the user
        pass


def load(
    ws: Workspace,
    result: UploadResult,
    *,
    actor: Actor,
    reason: str | None = None,
    accept_warnings: bool = False,
    source: str = "upload",
    keep: bool = True,
) -> UploadResult:
    """Store a checked file in one transaction, or refuse (nothing stored) saying why.

    ``actor`` is a logged-in user; the store re-checks their rights (role, departments of
    the indicators, period locks) in the load's transaction and audits a refusal."""
    reason = (reason or "").strip() or None
    r = result.report
    refusal = None
    if result.outcome == "loaded" and result.summary is not None:
        refusal = f"文件 {result.file} 已作为批次 #{result.summary.batch_id} 入库，不会重复入库。"
        result.summary = None
    elif result.outcome not in ("valid", "refused") or not r.ok:  # "refused" may be retried
        refusal = result.message or f"文件 {result.file} 未通过检查，未入库。"
    elif r.n_warnings and not (accept_warnings and reason):
        refusal = (
            f"文件 {result.file} 有 {r.n_warnings:,} 个警告，未入库。核实无误后请确认警告"
            '并填写原因（命令行：--accept-warnings --reason "原因"）。'
        )
    if refusal is None:
        try:
            previous = ws.store.batch_for_sha(result.sha256 or "")
            if previous is not None:
                refusal = f"文件 {result.file} 已作为批次 #{previous} 入库，不会重复入库。"
            else:
                t = time.perf_counter()
                result.summary = ws.store.load(
                    result.store_rows(),
                    actor=actor,
                    source=source,
                    file_name=result.file,
                    sha256=result.sha256,
                    config_hash=ws.config_hash,
                    reason=reason,
                    scope=ws.scope,
                )
                result.timings["load"] = time.perf_counter() - t
        except StaleCheckError as exc:  # changed by someone else since the check
            refusal = f"文件 {result.file}：{exc}"
        except StoreError as exc:
            refusal = f"文件 {result.file} 未入库：{exc}"
        except Exception as exc:  # noqa: BLE001 — the transaction was rolled back; say so
            refusal = (
                f"文件 {result.file} 入库时出错（{type(exc).__name__}：{exc}），未写入任何数据。"
                "请把文件和这条信息发给系统管理员。"
            )
    if refusal is not None:
        result.outcome, result.message = "refused", refusal
    else:
        s = result.summary
        assert s is not None
        result.outcome = "loaded"
        n_noted = getattr(s, "noted", 0)
        noted = f"，备注更新 {n_noted} 条" if n_noted else ""
        result.message = (
            f"文件 {result.file} 已入库（批次 #{s.batch_id}）：新增 {s.new} 个，修订 {s.revised} 个"
            f"{noted}，未变 {s.unchanged} 个。"
        )
    if keep and result.sha256 and result.outcome == "loaded":
        folder = ws.settings.uploads_dir
        files.keep(folder, result.data, result.sha256, result.file)
        files.record_attempt(
            folder,
            result.sha256,
            result.file,
            result.size,
            actor.name,
            result.outcome,
            batch=result.summary.batch_id if result.summary else None,
            reason=reason,
            message=result.message,
        )
    elif keep and result.sha256:
        _keep_refused(ws, result, actor.name, result.outcome, reason=reason, message=result.message)
    return result
