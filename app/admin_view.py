"""Admin pages: accounts (add / disable / enable / reset), period approval and locks, audit.

Every action goes through plantrack.auth with the logged-in admin as the actor, so the
database re-checks the rights and audits the change (or the refusal).
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app import cache
from app.i18n import t
from app.text import md_escape, md_list
from plantrack.auth.actor import Actor
from plantrack.auth.roles import ROLES, STATISTICIAN, Action
from plantrack.store import StoreError
from plantrack.workspace import Workspace


def _done(message: str) -> None:
    st.session_state["admin.flash"] = message
    st.rerun()


def flash() -> None:
    msg = st.session_state.pop("admin.flash", None)
    if msg:
        st.success(md_escape(msg))


def users(ws: Workspace, actor: Actor) -> None:
    from plantrack.auth import accounts
    from plantrack.auth.scope import all_departments

    rows = accounts.users(ws.store)
    table = pd.DataFrame(
        [
            {
                "用户名": u["name"], "姓名": u["display_name"], "角色": u["role"],
                "部门": "、".join(u["departments"]) or "—", "状态": "启用" if u["active"] else "停用",
                "锁定至": u["locked_until"], "统一身份认证": u["subject"] or "",
            }
            for u in rows
        ]
    )  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch", key="admin.users.table")
    st.markdown(f"**{t('admin.users.add')}**")
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("admin.users.name"), key="admin.new.name")
    display = c2.text_input(t("admin.users.display"), key="admin.new.display")
    role = c3.selectbox(
        t("admin.users.role"), ROLES, placeholder=t("widget.choose"), key="admin.new.role"
    )
    depts = st.multiselect(
        t("admin.users.depts"),
        all_departments(ws),
        placeholder=t("widget.choose"),
        key="admin.new.depts",
    )
    password = st.text_input(t("admin.users.password"), type="password", key="admin.new.pw")
    if st.button(t("admin.users.create"), key="admin.new.go", type="primary"):
        try:
            accounts.create_user(
                ws.store, name=name, display_name=display or None, role=role,
                departments=depts if role == STATISTICIAN else depts, password=password, by=actor,
            )  # fmt: skip
        except StoreError as exc:
            st.error(md_escape(exc))
        else:
            _done(t("admin.users.created", name=name))
    if not rows:
        return
    st.divider()
    names = [u["name"] for u in rows]
    who = st.selectbox(
        t("admin.users.pick"), names, placeholder=t("widget.choose"), key="admin.pick"
    )
    c1, c2, c3 = st.columns(3)
    new_pw = st.text_input(t("admin.users.new_password"), type="password", key="admin.reset.pw")
    try:
        if c1.button(t("admin.users.disable"), key="admin.disable"):
            accounts.disable_user(ws.store, who, by=actor)
            _done(t("admin.users.done", name=who))
        if c2.button(t("admin.users.enable"), key="admin.enable"):
            accounts.enable_user(ws.store, who, by=actor)
            _done(t("admin.users.done", name=who))
        if c3.button(t("admin.users.reset"), key="admin.reset"):
            accounts.reset_password(ws.store, who, new_pw, by=actor)
            _done(t("admin.users.done", name=who))
    except StoreError as exc:
        st.error(md_escape(exc))


def periods(ws: Workspace, actor: Actor) -> None:
    from plantrack.auth import periods as approval
    from plantrack.auth.scope import all_departments

    st.caption(t("admin.periods.caption"))
    rows = approval.statuses(ws.store)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="admin.periods")
    else:
        st.info(t("admin.periods.none"))
    c1, c2 = st.columns(2)
    dept = c1.selectbox(
        t("admin.periods.dept"),
        all_departments(ws),
        placeholder=t("widget.choose"),
        key="admin.p.dept",
    )
    period = c2.text_input(t("admin.periods.period"), key="admin.p.period")
    reason = st.text_input(t("admin.periods.reason"), key="admin.p.reason")
    b1, b2, b3 = st.columns(3)
    steps = [
        (b1, Action.SUBMIT, "admin.periods.submit"),
        (b2, Action.APPROVE, "admin.periods.approve"),
        (b3, Action.REOPEN, "admin.periods.reopen"),
    ]
    for col, action, label in steps:
        if col.button(t(label), key=f"admin.p.{action}"):
            try:
                status = approval.change(ws.store, actor, action, dept, period, reason)
            except StoreError as exc:
                st.error(md_escape(exc))
            else:
                cache.clear()
                _done(f"{dept} {period}：{status}")


def audit(ws: Workspace, actor: Actor) -> None:
    from plantrack.auth.audit import audit_table, to_csv, verify

    check = verify(ws.store)
    if check.ok:
        st.success(t("audit.ok", n=check.rows))
    else:
        st.error(t("audit.bad") + "\n\n" + md_list(check.problems))
    try:
        table = audit_table(ws.store, actor)
    except StoreError as exc:
        st.error(md_escape(exc))
        return
    c1, c2, c3 = st.columns(3)
    every = t("audit.all")
    action = c1.selectbox(
        t("audit.filter.action"),
        [every, *sorted(table["action"].unique())],
        placeholder=t("widget.choose"),
        key="audit.action",
    )
    user = c2.selectbox(
        t("audit.filter.user"),
        [every, *sorted(table["user_name"].unique())],
        placeholder=t("widget.choose"),
        key="audit.user",
    )
    outcome = c3.selectbox(
        t("audit.filter.outcome"),
        [every, "ok", "refused"],
        placeholder=t("widget.choose"),
        key="audit.outcome",
    )
    shown = table
    if action != every:
        shown = shown[shown["action"] == action]
    if user != every:
        shown = shown[shown["user_name"] == user]
    if outcome != every:
        shown = shown[shown["outcome"] == outcome]
    view = shown.drop(columns=["prev_hash", "user_id"]).sort_values("id", ascending=False)
    view = view.assign(hash=view["hash"].astype(str).str[:12])  # the CSV keeps the whole hash
    named = task_names(ws)
    for col in ("object", "before_value", "after_value"):
        view[col] = view[col].map(lambda v: _named(v, named))
    view = view.rename(columns={col: t(f"audit.col.{col}") for col in view.columns})
    st.dataframe(view, hide_index=True, width="stretch", placeholder="—", key="audit.table")
    st.download_button(
        t("audit.download"), to_csv(shown), file_name="审计记录.csv", mime="text/csv",
        key="audit.download",
    )  # fmt: skip


_ID = re.compile(r"\b[a-z0-9_]+\.[a-z0-9_]+\b")


def task_names(ws: Workspace) -> dict[str, str]:
    """A task's id as readers know it: the plan's short name and its item number (the CSV
    export keeps the ids)."""
    return {
        task.id: f"{ws.plans[task.plan].short_name}{t('tasks.seq', n=task.seq)}"
        for task in ws.tasks
        if task.plan in ws.plans
    }


def _named(value: object, named: dict[str, str]) -> object:
    if not isinstance(value, str):
        return value
    return _ID.sub(lambda m: named.get(m.group(0), m.group(0)), value)
