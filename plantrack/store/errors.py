"""The store's errors; every message is for the user (Chinese)."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation failed; the message is for the user (Chinese)."""


class DuplicateFileError(StoreError):
    """The same file (by sha256) was loaded before."""


class StoreBusyError(StoreError):
    """Another process held the database for longer than the wait."""
