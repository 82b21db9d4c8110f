"""Accounts, roles, sessions and the audit trail (no Streamlit here).

Light on import: :mod:`plantrack.auth.actor` and :mod:`plantrack.auth.roles` are pure and
used by the store; :mod:`plantrack.auth.accounts` (passwords, sessions, users) and
:mod:`plantrack.auth.audit` (chain verification, export) are imported where needed.
"""

from plantrack.auth.actor import Actor, AuthError, PermissionDenied
from plantrack.auth.roles import ADMIN, EVALUATOR, LEADER, ROLES, STATISTICIAN, Action

__all__ = [
    "ADMIN",
    "EVALUATOR",
    "LEADER",
    "ROLES",
    "STATISTICIAN",
    "Action",
    "Actor",
    "AuthError",
    "PermissionDenied",
]
