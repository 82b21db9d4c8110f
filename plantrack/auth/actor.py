"""Who acts: an :class:`Actor` is a user resolved from the database by a session token.

An Actor is only a handle: every write re-reads the session and the user row in its own
transaction (:func:`plantrack.store.auth_sql.authorize`), so a stale or forged Actor grants
nothing the database does not confirm — without the session token it names, it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantrack.store.auth_sql import AuthError, PermissionDenied

SYSTEM_NAME = "示例数据生成器"
METHODS = {
    "password": "密码",
    "ldap": "单位目录（LDAP）",
    "oidc": "统一身份认证",
    "cli": "命令行",
    "system": "系统",
}

__all__ = ["METHODS", "SYSTEM_NAME", "Actor", "AuthError", "PermissionDenied"]


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    display_name: str
    role: str
    departments: tuple[str, ...] = ()
    method: str = "password"  # password | ldap | oidc | cli | system
    token: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return (
            f"{self.display_name}（{self.name}）" if self.display_name != self.name else self.name
        )

    @classmethod
    def system(cls) -> Actor:
        """The demo generator: accepted only by a database marked as the demo."""
        return cls(0, SYSTEM_NAME, SYSTEM_NAME, "system", (), "system", None)
