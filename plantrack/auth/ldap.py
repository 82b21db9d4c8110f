"""Optional: check a password against the office LDAP / Active Directory (ldap3).

An account whose provider is ``ldap`` (``user-add NAME --provider ldap --subject LOGIN``) has
no password in PlanTrack: its password is checked by a simple bind to the directory as the
DN built from ``PLANTRACK_LDAP_USER_DN`` (e.g. ``uid={login},ou=people,dc=example,dc=org``,
or ``{login}@example.local`` for AD), at ``PLANTRACK_LDAP_URL`` (``ldap://…`` or
``ldaps://…``). The directory only says whether the password is right; role, departments and
active status stay in PlanTrack's users table, and lockout and audit work as for local
passwords.

An empty password is refused before any bind: LDAP treats a simple bind with a DN and an
empty password as an *unauthenticated* bind, which many servers accept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

PROVIDER = "ldap"
TIMEOUT_S = 5


@dataclass(frozen=True)
class LdapConfig:
    url: str
    user_dn: str  # a template with {login}


def config() -> LdapConfig | None:
    url = os.environ.get("PLANTRACK_LDAP_URL", "").strip()
    template = os.environ.get("PLANTRACK_LDAP_USER_DN", "").strip()
    if not url or "{login}" not in template:
        return None
    return LdapConfig(url, template)


def _dn(template: str, login: str) -> str:
    from ldap3.utils.dn import escape_rdn

    if "@" in template and "=" not in template.split("@")[0]:  # AD user principal name
        return template.format(login=login)
    return template.format(login=escape_rdn(login))


class DirectoryUnavailable(Exception):
    """The directory could not be reached (not a wrong password: nothing is counted)."""


def check_password(cfg: LdapConfig, login: str, password: str) -> bool:
    """True when the directory accepts ``password`` for ``login``; False for a wrong or
    empty password or an unknown login; :class:`DirectoryUnavailable` when unreachable."""
    if not password or not login or any(c in login for c in "\x00\r\n"):
        return False
    from ldap3 import SIMPLE, Connection, Server
    from ldap3.core.exceptions import LDAPException, LDAPSocketOpenError

    server = Server(cfg.url, connect_timeout=TIMEOUT_S)
    try:
        conn = Connection(
            server,
            user=_dn(cfg.user_dn, login),
            password=password,
            authentication=SIMPLE,
            receive_timeout=TIMEOUT_S,
            raise_exceptions=False,
        )
        ok = bool(conn.bind())
        conn.unbind()
        return ok
    except (LDAPSocketOpenError, OSError) as exc:
        raise DirectoryUnavailable(str(exc)) from exc
    except LDAPException:
        return False
