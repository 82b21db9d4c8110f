"""The audit hash chain: each row's hash covers its fields and the previous row's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

GENESIS = "0" * 64
FIELDS = (
    "id", "occurred_at", "user_id", "user_name", "method", "action", "object",
    "before_value", "after_value", "reason", "outcome", "prev_hash",
)  # fmt: skip


def _text(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy / pandas scalars
        value = value.item()
    return value if isinstance(value, int | str) else str(value)


def row_hash(row: Mapping[str, object]) -> str:
    """sha256 over the canonical JSON of the row's fields (``prev_hash`` included)."""
    data = [_text(row.get(f)) for f in FIELDS]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
