"""The observation store on DuckDB (default) or PostgreSQL: batches, append-only revisions,
current view. ``Store(path_or_url)``; engine.py explains the engines, sql.py holds the SQL."""

from plantrack.store.errors import DuplicateFileError, StoreBusyError, StoreError
from plantrack.store.store import LoadSummary, StaleCheckError, Store

__all__ = [
    "DuplicateFileError",
    "LoadSummary",
    "StaleCheckError",
    "Store",
    "StoreBusyError",
    "StoreError",
]
