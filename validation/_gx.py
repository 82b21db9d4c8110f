"""great-expectations, imported once with analytics off and an ephemeral context.

Always ``mode="ephemeral"`` (stack-notes: a ``gx/`` folder would otherwise turn a bare
``get_context()`` into a file context); progress bars off; nothing written to disk.
"""

from __future__ import annotations

import os
import threading

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

LOCK = threading.RLock()  # a GX context is not thread-safe; Streamlit sessions are threads
_state: dict = {}


def context():
    """The process-wide ephemeral context and its one pandas batch definition."""
    with LOCK:
        if "ctx" not in _state:
            ctx = gx.get_context(mode="ephemeral")
            ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
            asset = ctx.data_sources.add_pandas("plantrack_upload").add_dataframe_asset("rows")
            _state["ctx"] = ctx
            _state["batch"] = asset.add_batch_definition_whole_dataframe("all_rows")
        return _state["ctx"], _state["batch"]


__all__ = ["LOCK", "Column", "context", "gx", "gxe"]
