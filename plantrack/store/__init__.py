"""The observation store (DuckDB by default): batches, append-only revisions, current view."""

from plantrack.store.connection import DuplicateFileError, StoreBusyError, StoreError
from plantrack.store.store import LoadSummary, StaleCheckError, Store

__all__ = [
    "DuplicateFileError",
    "LoadSummary",
    "StaleCheckError",
    "Store",
    "StoreBusyError",
    "StoreError",
]
