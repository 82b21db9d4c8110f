"""The store's SQL, written once in the subset DuckDB and PostgreSQL share (stack-notes.md).

Rules that keep a statement portable:

- ``?`` placeholders (the PostgreSQL engine numbers them ``$1 …``);
- a parameter that is only tested for NULL needs a type: ``CAST(? AS VARCHAR) IS NULL``;
- no ``INTERVAL 1 DAY`` (PostgreSQL wants ``INTERVAL '1 day'``): compute bounds in Python;
- a list parameter is spelled out as ``IN (?, ?, …)`` (:func:`placeholders`);
- no ``QUALIFY``, ``arg_max``, ``GROUP BY ALL``, ``EXCLUDE``, ``CREATE OR REPLACE TABLE``;
  integer division differs (``7/2``): cast to DOUBLE first; no ``round(double, int)``.
"""

from __future__ import annotations

from collections.abc import Sequence

CURRENT_COLUMNS = (
    "indicator",
    "area",
    "period",
    "period_end",
    "value",
    "revision",
    "batch_id",
    "recorded_at",
    "user_name",
    "note",
)


def placeholders(n: int) -> str:
    """``?, ?, …`` for a list parameter spelled out in ``IN (…)``."""
    return ", ".join(["?"] * n)


# -- meta ----------------------------------------------------------------------------------
META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
HAS_TABLE = (
    "SELECT count(*) FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_name = ?"
)
META_GET = "SELECT value FROM meta WHERE key = ?"
META_STATE = "SELECT key, value FROM meta WHERE key IN ('data_version', 'kind')"
META_UPSERT = (
    "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
)
META_INSERT_MISSING = "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
MARK_DEMO = "UPDATE meta SET value = 'demo' WHERE key = 'kind'"
BUMP_DATA_VERSION = (
    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
)

# -- loading -------------------------------------------------------------------------------
LOADED_SHA = "SELECT id FROM batches WHERE sha256 = ? AND status = 'loaded' ORDER BY id LIMIT 1"
# the latest stored revision of each key in ``incoming`` (only those keys are searched: a
# quarter's upload reads its own keys through PostgreSQL's observations_key index instead of
# numbering the revisions of every stored key)
LATEST_REVISIONS = """
    SELECT indicator, area, period, value, revision, deleted, note FROM (
        SELECT o.indicator, o.area, o.period, o.value, o.revision, o.deleted, o.note,
               row_number() OVER (
            PARTITION BY o.indicator, o.area, o.period ORDER BY o.revision DESC) AS rn
        FROM observations o
        JOIN (SELECT DISTINCT indicator, area, period FROM incoming) k
          ON k.indicator = o.indicator AND k.area = o.area AND k.period = o.period) AS r
    WHERE rn = 1"""


# the same, one index look-up per incoming row (PostgreSQL: observations_key, newest first);
# DuckDB has no such index and joins faster than it looks up
LATEST_REVISION_OF_ROW = """LATERAL (
            SELECT o.value, o.revision, o.deleted, o.note FROM observations o
            WHERE o.indicator = i.indicator AND o.area = i.area AND o.period = i.period
            ORDER BY o.revision DESC LIMIT 1) c ON TRUE"""


def stage_batch(checked: bool, lookup: bool = False) -> str:
    """``staged``: each incoming row with the key's latest stored revision (if any), found by
    joining the keys' revisions (``lookup=False``) or by one index look-up per row."""
    latest = (
        LATEST_REVISION_OF_ROW
        if lookup
        else f"""({LATEST_REVISIONS}) c
          ON c.indicator = i.indicator AND c.area = i.area AND c.period = i.period"""
    )
    return f"""CREATE TEMP TABLE staged AS
        SELECT i.indicator, i.area, i.period, i.period_end, i.value, i.note,
               {"i.expected_revision," if checked else ""}
               c.revision AS prev_revision, c.value AS prev_value, c.deleted AS prev_deleted,
               c.note AS prev_note
        FROM incoming i
        LEFT JOIN {latest}"""


STALE_COUNT = "SELECT count(*) FROM staged WHERE expected_revision IS DISTINCT FROM prev_revision"
NEXT_BATCH_ID = "SELECT nextval('batch_seq')"
# a row whose value is the stored one but whose note is new (and not empty) is a note-only
# correction: stored as a revision with the same value, counted apart from value revisions
_SAME = "(NOT prev_deleted AND value IS NOT DISTINCT FROM prev_value)"
_NEW_NOTE = "(coalesce(note, '') <> '' AND note IS DISTINCT FROM prev_note)"
BATCH_COUNTS = f"""SELECT
    count(*) FILTER (WHERE prev_revision IS NULL OR (prev_deleted AND value IS NOT NULL)),
    count(*) FILTER (WHERE prev_revision IS NOT NULL AND NOT prev_deleted
                     AND value IS DISTINCT FROM prev_value),
    count(*) FILTER (WHERE prev_revision IS NOT NULL AND (
        ({_SAME} AND NOT {_NEW_NOTE}) OR (prev_deleted AND value IS NULL))),
    count(*) FILTER (WHERE prev_revision IS NOT NULL AND {_SAME} AND {_NEW_NOTE})
FROM staged"""
INSERT_OBSERVATIONS = f"""INSERT INTO observations
    (indicator, area, period, period_end, value, revision, deleted, batch_id, recorded_at,
     user_name, reason, note)
SELECT indicator, area, period, period_end, value,
       coalesce(prev_revision, 0) + 1, value IS NULL,
       CAST(? AS INTEGER), CAST(? AS TIMESTAMP), CAST(? AS VARCHAR), CAST(? AS VARCHAR), note
FROM staged
WHERE prev_revision IS NULL AND value IS NOT NULL
   OR prev_revision IS NOT NULL AND NOT (
        ({_SAME} AND NOT {_NEW_NOTE})
        OR (prev_deleted AND value IS NULL))"""
DROP_STAGED = "DROP TABLE staged"
INSERT_BATCH = """INSERT INTO batches
    (id, created_at, user_name, source, file_name, sha256, n_rows, n_new, n_revised,
     n_unchanged, status, config_hash, reason, rollback_of)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?)"""
MARK_ROLLED_BACK = "UPDATE batches SET status = 'rolled_back' WHERE id = ?"


# -- reading -------------------------------------------------------------------------------
def current(
    columns: Sequence[str],
    with_deleted: bool,
    known_on: bool,
    n_indicators: int,
    as_of: bool,
    ordered: bool = True,
) -> str:
    """Latest revision per key; the parameters follow in the order known_on (twice),
    indicators, as_of. Sorted by indicator, area and period end unless not ``ordered``.

    A row is the latest of its key unless a later revision of the key exists. Revisions are
    numbered from 1 (``INSERT_OBSERVATIONS``), so only keys with a revision above 1 can hide a
    row: those few keys are grouped and anti-joined, and every other row is read as stored —
    4–5× faster than numbering every key's revisions with a window (1 M rows of one revision
    each: 1.0 → 0.22 s; as fast as the window when a third of the keys are revised)."""
    cols = ", ".join([*columns, "deleted"] if with_deleted else columns)
    recorded = "recorded_at < ?" if known_on else "TRUE"
    where = [recorded]
    if n_indicators:
        where.append(f"indicator IN ({placeholders(n_indicators)})")
    if not with_deleted:
        where.append("NOT deleted")
    if as_of:
        where.append("period_end <= ?")
    return f"""WITH later AS (
            SELECT indicator, area, period, max(revision) AS top FROM observations
            WHERE revision > 1 AND {recorded} GROUP BY indicator, area, period)
        SELECT {cols} FROM observations AS o
        WHERE {" AND ".join(where)}
          AND NOT EXISTS (SELECT 1 FROM later AS l WHERE l.indicator = o.indicator
                          AND l.area = o.area AND l.period = o.period AND l.top > o.revision)""" + (
        "\n        ORDER BY indicator, area, period_end" if ordered else ""
    )


HISTORY = """SELECT o.indicator, o.area, o.period, o.value, o.revision, o.deleted,
                    o.batch_id, o.recorded_at, o.user_name, o.reason, o.note, b.file_name
             FROM observations o JOIN batches b ON b.id = o.batch_id
             WHERE o.indicator = ? AND (CAST(? AS VARCHAR) IS NULL OR o.area = ?)
             ORDER BY o.area, o.period_end, o.revision"""
BATCHES = "SELECT * FROM batches ORDER BY id DESC"
COUNTS = """SELECT (SELECT count(*) FROM observations),
                   (SELECT count(*) FROM current_observations),
                   (SELECT count(*) FROM batches)"""

# -- rollback ------------------------------------------------------------------------------
BATCH_STATUS = "SELECT status FROM batches WHERE id = ?"
REVISED_LATER = """SELECT count(*) FROM observations o JOIN observations n
    ON n.indicator = o.indicator AND n.area = o.area AND n.period = o.period
   AND n.revision > o.revision
    WHERE o.batch_id = ?"""
BEFORE_BATCH = """SELECT o.indicator, o.area, o.period, o.period_end,
                         p.value AS value, p.deleted AS prev_deleted, p.note AS note
                  FROM observations o
                  LEFT JOIN observations p ON p.indicator = o.indicator AND p.area = o.area
                       AND p.period = o.period AND p.revision = o.revision - 1
                  WHERE o.batch_id = ?"""

# -- task updates --------------------------------------------------------------------------
INSERT_TASK_UPDATES = """INSERT INTO task_updates
    (task_id, status, status_date, note, evidence, user_name, recorded_at, batch_id)
    SELECT task_id, status, status_date, note, evidence, user_name, recorded_at, batch_id
    FROM incoming"""
# rows of a rolled-back file batch are withdrawn: every read of task progress skips them
NOT_WITHDRAWN = """(batch_id IS NULL
    OR batch_id NOT IN (SELECT id FROM batches WHERE status = 'rolled_back'))"""
LATEST_TASK_UPDATES = (
    """SELECT task_id, status, status_date, note, evidence, user_name, recorded_at
    FROM (SELECT *, row_number() OVER (
              PARTITION BY task_id ORDER BY status_date DESC, recorded_at DESC,
                  -- a tie (same day, same batch) goes to the furthest status, on every engine
                  CASE status WHEN '已完成' THEN 2 WHEN '进行中' THEN 1 ELSE 0 END DESC) AS rn
          FROM task_updates
          WHERE (CAST(? AS DATE) IS NULL OR status_date <= ?)
            AND (CAST(? AS TIMESTAMP) IS NULL OR recorded_at < ?)
            AND """
    + NOT_WITHDRAWN
    + """) AS r
    WHERE rn = 1
    ORDER BY task_id"""
)
# a row of a rolled-back file names the rollback batch that withdrew it (withdrawn_by)
WITHDRAWN_BY = """(SELECT max(r.id) FROM batches AS b JOIN batches AS r ON r.rollback_of = b.id
    WHERE b.id = u.batch_id AND b.status = 'rolled_back') AS withdrawn_by"""
TASK_HISTORY = (
    "SELECT u.*, " + WITHDRAWN_BY + " FROM task_updates AS u WHERE u.task_id = ?"
    " ORDER BY u.status_date, u.recorded_at"
)
COUNT_TASK_UPDATES = "SELECT count(*) FROM task_updates"
# every update in force (not of a rolled-back file), for the latest-per-task rule in memory
ALL_TASK_UPDATES = (
    """SELECT task_id, status, status_date, note, evidence, user_name, recorded_at
    FROM task_updates WHERE """
    + NOT_WITHDRAWN
)
