"""Pages without a session, with a forged user, after disabling, logout, roles — AppTest on
a private copy of the demo database (``app_db``: nobody logged in)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.session import TOKEN_KEY
from plantrack.auth import accounts
from plantrack.auth.actor import Actor
from plantrack.auth.roles import ADMIN
from plantrack.store import Store
from tests.conftest import ROOT, login_app

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def app(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=90)


def shows_login(at: AppTest) -> bool:
    keys = {w.key for w in at.text_input}
    return {"login.name", "login.password"} <= keys


def content(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [x.value for x in at.title]
    parts += [x.value for x in at.subheader] + [str(m.label) for m in at.metric]
    return "\n".join(parts)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_without_a_session_shows_only_the_login(app_db: Path, name: str) -> None:
    at = app(name).run()
    assert not at.exception, [e.value for e in at.exception]
    assert shows_login(at)
    assert not at.metric and not at.dataframe[1:]  # the demo accounts table at most
    assert "示例账号" in content(at)  # demo database: demo accounts are listed


def test_forged_user_objects_in_session_state_grant_nothing(app_db: Path) -> None:
    at = app("admin.py")
    forged = Actor(5, "admin", "示例管理员", ADMIN, (), "password", "made-up-token")
    at.session_state["_plantrack_actor_this_run"] = forged
    at.session_state["user"] = forged
    at.session_state["role"] = ADMIN
    at.session_state[TOKEN_KEY] = "made-up-token"
    at.run()
    assert not at.exception and shows_login(at)
    assert "系统管理" not in [t.value for t in at.title]


def test_login_form_logs_in_and_logout_ends_the_session(app_db: Path) -> None:
    at = app("overview.py").run()
    at.text_input(key="login.name").input("leader")
    at.text_input(key="login.password").input("wrong-password")
    at.button(key="login.go").click().run()
    assert any("用户名或密码错误" in e.value for e in at.error)
    at.text_input(key="login.password").input("demo-leader-1")
    at.button(key="login.go").click().run()
    assert not at.exception and not shows_login(at)
    token = at.session_state[TOKEN_KEY]
    assert accounts.resolve(Store(app_db), token) is not None
    at.button(key="auth.logout").click().run()
    assert shows_login(at)
    assert accounts.resolve(Store(app_db), token) is None


def test_navigation_and_pages_follow_the_role(app_db: Path) -> None:
    at = login_app(app("overview.py"), "leader", "demo-leader-1").run()
    links = " ".join(str(p.proto.label) for p in at.get("page_link")) + content(at)
    assert "上报数据" not in links and "系统管理" not in links
    at = login_app(app("upload.py"), "leader", "demo-leader-1").run()
    assert any("无权使用此页面" in e.value for e in at.error)
    at = login_app(app("audit.py"), "stat", "demo-stat-1").run()
    assert any("无权使用此页面" in e.value for e in at.error)
    at = login_app(app("audit.py"), "admin", "demo-admin-1").run()
    assert not at.exception and not at.error
    assert any("哈希链校验通过" in s.value for s in at.success)


def test_user_disabled_after_the_page_loaded(app_db: Path) -> None:
    at = login_app(app("tasks.py"), "stat", "demo-stat-1").run()
    assert not at.exception and not shows_login(at)
    accounts.disable_user(Store(app_db), "stat", reason="调离")
    at.radio(key="lang").set_value("en").run()  # any interaction reruns the page
    assert not at.exception and shows_login(at)


def test_admin_adds_a_user_on_the_admin_page(app_db: Path) -> None:
    at = login_app(app("admin.py")).run()
    assert not at.exception and not at.error
    at.text_input(key="admin.new.name").input("zhaoliu")
    at.selectbox(key="admin.new.role").set_value("统计员")
    at.multiselect(key="admin.new.depts").set_value(["区残联"])
    at.text_input(key="admin.new.pw").input("a-good-password")
    at.button(key="admin.new.go").click().run()
    assert not at.exception
    assert any("已新增账号 zhaoliu" in s.value for s in at.success)
    user = next(u for u in accounts.users(Store(app_db)) if u["name"] == "zhaoliu")
    assert user["role"] == "统计员" and user["departments"] == ("区残联",)
