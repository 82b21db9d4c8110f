"""The observation store (DuckDB by default): batches, append-only revisions, current view."""

from plantrack.store.connection import StoreBusyError, StoreError
from plantrack.store.store import LoadSummary, Store

__all__ = ["LoadSummary", "Store", "StoreBusyError", "StoreError"]
