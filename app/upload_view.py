"""Pieces of the upload page: template, file → report → confirm, online corrections, batches.

All work is done by :mod:`plantrack.upload` (the same pipeline as the CLI); this module only
draws it and keeps the checked result in ``st.session_state`` between reruns.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app import cache
from app.i18n import STRINGS, t
from app.text import md_escape
from plantrack import upload
from plantrack.auth.actor import Actor
from plantrack.auth.roles import ADMIN
from plantrack.ingest.columns import FIELD_CHOICES, clean_header, period_header
from plantrack.ingest.files import sha256
from plantrack.ingest.preview import editor_rows, preview
from plantrack.ingest.read import first_headers
from plantrack.ingest.report import LEVEL_NAMES, Report
from plantrack.periods import parse_period
from plantrack.store import StoreError
from plantrack.store.task_updates import Withdrawal
from plantrack.templates import build_template, default_period, departments, editor_csv
from plantrack.workspace import Workspace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_download(ws: Workspace) -> None:
    c1, c2, c3, c4 = st.columns(4)
    default = str(default_period(ws, date.today()))
    text = c1.text_input(t("upload.template.period"), value=default, key="upload.tpl.period")
    layout = c2.radio(
        t("upload.template.layout"),
        ["long", "wide"],
        key="upload.tpl.layout",
        format_func=lambda v: t(f"upload.template.{v}"),
    )
    plans = [None, *ws.plans]
    plan = c3.selectbox(
        t("upload.template.plan"),
        plans,
        key="upload.tpl.plan",
        placeholder=t("widget.choose"),
        format_func=lambda p: t("upload.filter.all") if p is None else ws.plans[p].short_name,
    )
    fmt = c4.radio(t("upload.template.format"), ["xlsx", "csv"], key="upload.tpl.fmt")
    dept = st.selectbox(
        t("upload.template.department"),
        [None, *departments(ws)],
        key="upload.tpl.dept",
        placeholder=t("widget.choose"),
        format_func=lambda d: t("upload.filter.all") if d is None else d,
    )
    period = parse_period(text)
    if period is None:
        st.error(t("upload.edit.period.bad"))
        return
    if fmt == "csv" and layout == "wide":
        st.info(t("upload.template.csv_long"))
        layout = "long"
    st.download_button(
        t("upload.template.download"),
        data=lambda: build_template(ws, period, layout, plan, fmt, dept),
        file_name=f"填报模板_{period}_{layout}.{fmt}",
        mime=XLSX if fmt == "xlsx" else "text/csv",
        key="upload.tpl.download",
    )


def check_file(ws: Workspace, user: Actor) -> upload.UploadResult | None:
    """The uploader; a new file is checked once (with a status box) and kept in state."""
    f = st.file_uploader(
        t("upload.file"), type=["xlsx", "csv"], key="upload.file", help=t("upload.file.help")
    )
    if f is None:
        st.session_state.pop("upload.result.file", None)
        st.session_state.pop("upload.mapping", None)
        st.session_state.pop("upload.skip_areas", None)
        return None
    mapping = st.session_state.get("upload.mapping", {})
    skip = bool(st.session_state.get("upload.skip_areas"))
    result = _checked(
        "file",
        f"{f.file_id}|{sorted(mapping.items())}|{skip}",
        lambda say: upload.check(
            ws, f.getvalue(), f.name, user=user.name, progress=say, mapping=mapping,
            skip_unknown_areas=skip,
        ),
    )  # fmt: skip
    mapping_step(f.getvalue(), f.name, result)
    if skip or any(p.code == "unknown_area" and p.value for p in result.report.errors):
        st.checkbox(
            t("upload.skip_areas"), key="upload.skip_areas", help=t("upload.skip_areas.help")
        )
    return result


def mapping_step(data: bytes, name: str, result: upload.UploadResult) -> None:
    """Unrecognised headers → fields, chosen by the user, when no header row was found."""
    held = st.session_state.get("upload.mapping", {})
    if held:
        pairs = "，".join(f"{k}={t('upload.map.' + v.split(':')[0])}" for k, v in held.items())
        st.caption(t("upload.map.active", pairs=md_escape(pairs)))
        if st.button(t("upload.map.clear"), key="upload.map.clear"):
            st.session_state.pop("upload.mapping", None)
            st.rerun()
    errors = result.report.errors
    if result.outcome != "unreadable" or not errors or errors[0].code != "no_header":
        return
    with st.expander(t("upload.map.title"), expanded=True):
        st.info(t("upload.map.intro"))
        headers = [h for h in first_headers(data, name) if period_header(h) is None][:16]
        chosen = {}
        for i, header in enumerate(headers):
            v = st.selectbox(md_escape(header), ["", *FIELD_CHOICES], placeholder=t("widget.choose"), key=f"upload.map.{i}",
                             format_func=lambda x: t(f"upload.map.{x or 'none'}"))  # fmt: skip
            if v:
                chosen[clean_header(header)] = v
        if st.button(t("upload.map.apply"), key="upload.map.apply", disabled=not chosen):
            st.session_state["upload.mapping"] = chosen
            st.rerun()


def _checked(slot: str, token: str, run) -> upload.UploadResult:
    key = f"upload.result.{slot}"
    held = st.session_state.get(key)
    if held is not None and held[0] == token:
        return held[1]
    with st.status(t("upload.status.checking"), expanded=False) as status:
        result = run(status.write)
        done = result.report.ok
        status.update(
            label=f"{t('upload.status.done' if done else 'upload.status.failed')}：{md_escape(result.message)}",
            state="complete" if done else "error",
        )
    st.session_state[key] = (token, result)
    return result


def show_preview(ws: Workspace, result: upload.UploadResult) -> None:
    if result.rows is None or result.rows.empty:
        return
    st.subheader(t("upload.preview"))
    table = preview(ws, result.rows)
    if len(result.rows) > len(table):
        st.caption(t("upload.preview.more", n=f"{len(result.rows):,}", shown=len(table)))
    st.dataframe(table, hide_index=True, width="stretch", placeholder="—", height=260)


def show_report(result: upload.UploadResult, slot: str) -> None:
    report_table(result.report, result.file, slot)


def report_table(r: Report, file: str, slot: str, *, compact: bool = False) -> None:
    """The check report: counts, a filterable table of the problems, the .xlsx download.
    ``compact`` (task progress files): without the columns no problem fills."""
    st.subheader(t("upload.report"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("upload.metric.rows"), f"{r.rows:,}")
    c2.metric(t("upload.metric.errors"), len(r.errors))
    c3.metric(t("upload.metric.warnings"), len(r.warnings))
    if not r.problems:
        st.success(t("upload.report.none"))
        return
    frame = r.to_frame()
    if compact:
        frame = frame.dropna(axis=1, how="all")
    f1, f2, f3 = st.columns([1, 2, 2])
    levels = f1.multiselect(
        t("upload.filter.level"),
        list(LEVEL_NAMES.values()),
        key=f"upload.{slot}.levels",
        placeholder=t("upload.filter.all"),
    )
    names = sorted({p.indicator for p in r.problems if p.indicator})
    ind = t("upload.filter.all")
    if names or not compact:
        ind = f2.selectbox(
            t("upload.filter.indicator"),
            [t("upload.filter.all"), *names],
            key=f"upload.{slot}.ind",
            placeholder=t("widget.choose"),
        )
    text = f3.text_input(t("upload.filter.text"), key=f"upload.{slot}.text")
    if levels:
        frame = frame[frame["级别"].isin(levels)]
    if ind != t("upload.filter.all") and "指标" in frame.columns:
        frame = frame[frame["指标"] == ind]
    if text:
        cells = frame.astype(object).where(frame.notna(), "")  # pandas 3 keeps NaN in astype(str)
        hay = cells.astype(str).apply(" ".join, axis=1)
        frame = frame[hay.str.contains(text, regex=False)]
    st.dataframe(
        frame, hide_index=True, width="stretch", placeholder="—", key=f"upload.{slot}.table"
    )
    st.download_button(
        t("upload.report.download"),
        data=r.to_xlsx,
        file_name=f"检查结果_{file}.xlsx",
        mime=XLSX,
        key=f"upload.{slot}.report_xlsx",
    )


def confirm(
    ws: Workspace, result: upload.UploadResult, user: Actor, slot: str, source: str
) -> None:
    """Errors block; warnings need a tick and a reason; then load and refresh the caches."""
    if result.outcome == "loaded":
        _loaded(result)
        return
    if result.outcome in ("unreadable", "invalid"):
        st.error(md_escape(result.message) + " " + t("upload.errors.block"))
        return
    if result.outcome == "refused":
        st.error(md_escape(result.message))
    accept, reason = False, ""
    if result.report.warnings:
        accept = st.checkbox(t("upload.accept"), key=f"upload.{slot}.accept")
        reason = st.text_area(
            t("upload.reason"), key=f"upload.{slot}.reason", help=t("upload.reason.help")
        )
    else:
        reason = st.text_input(t("upload.reason"), key=f"upload.{slot}.reason_opt")
    ready = not result.report.warnings or bool(accept and reason.strip())
    if st.button(
        t("upload.confirm"), key=f"upload.{slot}.confirm", type="primary", disabled=not ready
    ):
        upload.load(ws, result, actor=user, reason=reason, accept_warnings=accept, source=source)
        if result.outcome == "loaded":
            cache.clear()
            _loaded(result)
        else:
            st.error(md_escape(result.message))


def _loaded(result: upload.UploadResult) -> None:
    s = result.summary
    st.success(md_escape(result.message))
    if s is not None:
        c1, c2, c3 = st.columns(3)
        c1.metric(t("upload.metric.new"), s.new)
        c2.metric(t("upload.metric.revised"), s.revised)
        c3.metric(t("upload.metric.unchanged"), s.unchanged)


def corrections(ws: Workspace, user: Actor) -> upload.UploadResult | None:
    """A grid of one indicator's areas for one period; submitted as a long-layout CSV."""
    st.caption(t("upload.edit.intro"))
    ids = [i.id for i in ws.registry.indicators if i.uploadable]
    c1, c2 = st.columns([3, 1])
    ind = c1.selectbox(
        t("upload.edit.indicator"),
        ids,
        key="upload.edit.ind",
        placeholder=t("widget.choose"),
        format_func=lambda i: ws.indicators[i].name,
    )
    default = str(default_period(ws, date.today()))
    period = parse_period(
        c2.text_input(t("upload.edit.period"), value=default, key="upload.edit.period")
    )
    if period is None:
        st.error(t("upload.edit.period.bad"))
        return None
    try:
        rows = editor_rows(ws, ind, str(period))
    except StoreError as exc:
        st.error(md_escape(exc))
        return None
    grid = st.data_editor(
        rows,
        key=f"upload.edit.grid.{ind}.{period}",
        hide_index=True,
        width="stretch",
        disabled=["指标代码", "地区代码", "地区", "报告期"],
        column_config={"数值": st.column_config.NumberColumn(format="%.6g")},
    )
    if st.button(t("upload.edit.check"), key="upload.edit.submit"):
        filled = grid[grid["数值"].notna()]
        if filled.empty:
            st.warning(t("upload.edit.empty"))
            return None
        data = editor_csv(filled.drop(columns=["地区"]))
        name = f"在线更正_{ind}_{period}.csv"
        token = f"{ind}|{period}|{sha256(data)}"
        return _checked(
            "edit", token, lambda say: upload.check(ws, data, name, user=user.name, progress=say)
        )
    held = st.session_state.get("upload.result.edit")
    return held[1] if held and held[0].startswith(f"{ind}|{period}|") else None


BATCH_COLUMNS = ("id", "created_at", "status", "user_name", "source", "file_name", "n_rows",
                 "n_new", "n_revised", "n_unchanged", "reason")  # fmt: skip


def _text(value: object) -> str:
    """A cell as text; nothing (None, NaN) is "—", never the word None."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "—"
    return str(value)


def batch_table(df: pd.DataFrame) -> pd.DataFrame:
    """The batches as readers see them: Chinese headings, words for codes, no None."""
    created = pd.to_datetime(df["created_at"]).dt.strftime("%Y-%m-%d %H:%M")
    return pd.DataFrame(
        {
            t("upload.batch.id"): df["id"].map(lambda i: f"#{i}"),
            t("upload.batch.created_at"): created.fillna("—"),
            t("upload.batch.status"): df["status"].map(
                lambda v: t(f"upload.batch.status.{v}") if f"upload.batch.status.{v}" in STRINGS
                else _text(v)
            ),
            t("upload.batch.user"): df["user_name"].map(_text),
            t("upload.batch.source"): df["source"].map(
                lambda v: t(f"upload.batch.source.{v}") if f"upload.batch.source.{v}" in STRINGS
                else _text(v)
            ),
            t("upload.batch.file"): df["file_name"].map(_text),
            t("upload.batch.rows"): df["n_rows"],
            t("upload.batch.new"): df["n_new"],
            t("upload.batch.revised"): df["n_revised"],
            t("upload.batch.unchanged"): df["n_unchanged"],
            t("upload.batch.reason"): df["reason"].map(_text),
        }
    )  # fmt: skip


def _batch_label(row: pd.Series) -> str:
    when = pd.to_datetime(row["created_at"]).strftime("%Y-%m-%d %H:%M")
    return f"#{row['id']} · {when} · {_text(row['file_name'])} · {_text(row['user_name'])}"


def batches(ws: Workspace, user: Actor) -> None:
    """Every batch (read fresh on each run, so a load shows at once); rollback of one the
    user picks (none is preselected), for administrators only."""
    if msg := st.session_state.pop("upload.rollback.flash", None):
        st.success(md_escape(msg))
    try:
        df = ws.store.batches()
    except StoreError as exc:
        st.error(md_escape(exc))
        return
    if df.empty:
        st.info(t("upload.batches.none"))
        return
    st.dataframe(
        batch_table(df),
        hide_index=True,
        width="stretch",
        placeholder="—",
        key="upload.batches.table",
    )
    loaded = df[(df["status"] == "loaded") & (df["source"] != "rollback")]
    if loaded.empty or user.role != ADMIN:  # rolling back is the administrators' job
        return
    labels = {int(r["id"]): _batch_label(r) for _, r in loaded.iterrows()}
    c1, c2 = st.columns([2, 3])
    batch = c1.selectbox(
        t("upload.rollback.batch"),
        list(labels),
        index=None,
        key="upload.rollback.batch",
        format_func=labels.get,
        placeholder=t("upload.rollback.pick"),
    )
    reason = c2.text_input(t("upload.rollback.reason"), key="upload.rollback.reason").strip()
    if st.button(t("upload.rollback.go"), key="upload.rollback.go", disabled=batch is None):
        if batch is None:
            st.error(t("upload.rollback.pick"))
            return
        if not reason:
            st.error(t("upload.rollback.need"))
            return
        try:
            s = ws.store.rollback(int(batch), actor=user, reason=reason, scope=ws.scope)
        except StoreError as exc:
            st.error(md_escape(exc))
            return
        cache.clear()
        done = f"upload.rollback.done.{s.source}" if isinstance(s, Withdrawal) else ""
        st.session_state["upload.rollback.flash"] = t(
            done if done in STRINGS else "upload.rollback.done",
            batch=batch,
            new=s.batch_id,
            n=s.stored,
        )
        st.session_state.pop("upload.rollback.batch", None)
        st.rerun()
