"""Warming the server's caches in a background thread, once per process.

The first page a browser opens on a fresh server pays for everything at once: imports, the
registry, the database, then (after the login) the observation read and roll-up and the
overview's assessment. A thread started once per server does the overview's part while the
browser draws the login form and the reader types (and, under ``serve.py``, everything from
server start, while the browser is still loading the page). It fills the same Streamlit
caches a page run then finds ready (``app/cache.py``; a page asking for an entry that is
being computed waits for it instead of computing it twice), and shows nothing: any error
is left for the page to report in its own words.

When it is done the process's long-lived objects are frozen out of the garbage collector's
full passes (:func:`settle`).

``streamlit run dashboard.py`` runs no project code before the first browser session, so
there :func:`app.bootstrap.bootstrap` starts the thread as soon as it has the workspace;
``serve.py`` starts it at server start. ``PLANTRACK_WARM=0`` turns it off; AppTest never
starts it (its runtime is a stand-in).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date

from plantrack.workspace import Workspace

_LOG = logging.getLogger(__name__)
_started = False
_lock = threading.Lock()


def enabled() -> bool:
    """A real Streamlit server (not AppTest's stand-in runtime), not turned off."""
    if os.environ.get("PLANTRACK_WARM", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    from streamlit import runtime

    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


def start(ws: Workspace | None = None, *, wait_for_runtime: float = 0.0) -> bool:
    """Start the warming thread unless it ran already in this process; returns whether it
    was started now. Without ``ws`` the thread opens the workspace itself (server start)."""
    global _started
    if not wait_for_runtime and not enabled():
        return False
    with _lock:
        if _started:
            return False
        _started = True
    thread = threading.Thread(
        target=_run, args=(ws, wait_for_runtime), name="plantrack-warm", daemon=True
    )
    thread.start()
    return True


def _run(ws: Workspace | None, wait_for_runtime: float) -> None:
    deadline = time.monotonic() + wait_for_runtime
    while not enabled() and time.monotonic() < deadline:
        time.sleep(0.05)  # serve.py: the runtime starts in the ASGI lifespan, just after
    if not enabled():
        return
    try:
        warm(ws)
    except Exception:  # the page opening the same thing reports it to the reader
        _LOG.debug("warming the caches failed", exc_info=True)
    settle()


def settle() -> int:
    """Take what the server holds for good (modules, the registry, the warmed tables) out of
    Python's cyclic garbage collection (``gc.freeze``, once the imports and caches are in);
    returns how many objects that is.

    A full collection walks every object the process holds: in a served dashboard about one
    ran on every rerun and took 100–900 ms (load 1–8; ``gc.callbacks``). With the ~154,000
    objects of the start frozen, the server spends 100–170 ms less CPU on each as-of rerun
    (467–498 vs 567–670 ms, interleaved at load 6–8). Garbage is still freed as before;
    only what exists now is never scanned again."""
    import atexit
    import gc

    gc.collect()
    gc.freeze()
    # at exit they are let go again: duckdb's bindings (nanobind) list every instance still
    # alive then as "leaked" on stderr
    atexit.register(gc.unfreeze)
    return gc.get_freeze_count()


def warm(ws: Workspace | None = None, as_of: date | None = None) -> Workspace:
    """Open the workspace, import the overview's modules and compute what its first run
    needs: the observations with roll-ups and the district's assessment at ``as_of``
    (default today, the as-of picker's default)."""
    from app import cache

    ws = ws or cache.workspace()
    version = ws.store.data_version()
    cache.cached_assessment(ws, as_of or date.today(), None, None, version)
    import app.overview_view  # noqa: F401  (the overview's own modules, imported here)

    return ws
