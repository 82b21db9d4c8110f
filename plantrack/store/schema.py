"""Versioned schema. Each migration is a list of statements; ``meta.schema_version`` says
how many have run. SQL here is DuckDB's; the portable subset is used where practical."""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: batches, observations (append-only revisions), task updates, meta
    [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        "CREATE SEQUENCE IF NOT EXISTS batch_seq START 1",
        """CREATE TABLE IF NOT EXISTS batches (
            id INTEGER PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            user_name VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            file_name VARCHAR,
            sha256 VARCHAR,
            n_rows INTEGER NOT NULL,
            n_new INTEGER NOT NULL,
            n_revised INTEGER NOT NULL,
            n_unchanged INTEGER NOT NULL,
            status VARCHAR NOT NULL,
            config_hash VARCHAR,
            reason VARCHAR,
            rollback_of INTEGER
        )""",
        """CREATE TABLE IF NOT EXISTS observations (
            indicator VARCHAR NOT NULL,
            area VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            period_end DATE NOT NULL,
            value DOUBLE,
            revision INTEGER NOT NULL,
            deleted BOOLEAN NOT NULL,
            batch_id INTEGER NOT NULL,
            recorded_at TIMESTAMP NOT NULL,
            user_name VARCHAR NOT NULL,
            reason VARCHAR,
            note VARCHAR
        )""",
        """CREATE TABLE IF NOT EXISTS task_updates (
            task_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            status_date DATE NOT NULL,
            note VARCHAR,
            evidence VARCHAR,
            user_name VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL,
            batch_id INTEGER
        )""",
        """CREATE VIEW IF NOT EXISTS current_observations AS
            SELECT indicator, area, period, period_end, value, revision, batch_id,
                   recorded_at, user_name, reason, note
            FROM (
                SELECT *, row_number() OVER (
                    PARTITION BY indicator, area, period ORDER BY revision DESC) AS rn
                FROM observations
            ) AS r
            WHERE rn = 1 AND NOT deleted""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
