"""Versioned schema. Each migration is a list of statements; ``meta.schema_version`` says
how many have run (``python -m plantrack migrate`` runs the missing ones).

Append new migrations at the end; never edit one that has shipped. Write them in the subset
DuckDB and PostgreSQL share (stack-notes.md): VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN, DATE,
TIMESTAMP; ``CREATE TABLE/INDEX/SEQUENCE IF NOT EXISTS``; ``CREATE VIEW IF NOT EXISTS``. The
engine translates the spellings that differ (engine.translate_ddl: DOUBLE → DOUBLE PRECISION,
BLOB → BYTEA, CREATE VIEW IF NOT EXISTS → CREATE OR REPLACE VIEW on PostgreSQL). A statement
for one engine only starts with the line ``-- duckdb`` or ``-- postgresql``. No identity
columns or SERIAL (use a sequence and ``nextval``), no ``INCLUDE`` indexes, no ``QUALIFY``.
"""

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
    # 2: the covering index for "latest revision per key" (PostgreSQL reads and revision
    #    numbering; unique, so two loaders can never store the same revision). DuckDB scans
    #    faster than an ART index helps and keeps one writer per file, so it goes without.
    [
        """-- postgresql
        CREATE UNIQUE INDEX IF NOT EXISTS observations_key
            ON observations (indicator, area, period, revision DESC)""",
        """-- postgresql
        CREATE INDEX IF NOT EXISTS observations_batch ON observations (batch_id)""",
    ],
    # 3: yearly progress of the plans' key tasks (append-only; the latest per task and year wins)
    [
        """CREATE TABLE IF NOT EXISTS plan_task_progress (
            task_id VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            degree VARCHAR NOT NULL,
            progress VARCHAR NOT NULL,
            evidence VARCHAR,
            department VARCHAR NOT NULL,
            user_name VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL,
            source VARCHAR
        )""",
    ],
    # 4: accounts, sessions (token hashes only), period approval status, hash-chained audit
    [
        """CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL UNIQUE,
            display_name VARCHAR NOT NULL,
            role VARCHAR NOT NULL,
            departments VARCHAR NOT NULL,
            active BOOLEAN NOT NULL,
            password_hash VARCHAR,
            provider VARCHAR,
            subject VARCHAR,
            failed_logins INTEGER NOT NULL,
            locked_until TIMESTAMP,
            created_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS sessions (
            token_hash VARCHAR PRIMARY KEY,
            user_id INTEGER NOT NULL,
            method VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS period_status (
            department VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            changed_at TIMESTAMP NOT NULL,
            changed_by VARCHAR NOT NULL,
            reason VARCHAR,
            approved_at TIMESTAMP,
            PRIMARY KEY (department, period)
        )""",
        """CREATE TABLE IF NOT EXISTS audit (
            id BIGINT PRIMARY KEY,
            occurred_at TIMESTAMP NOT NULL,
            user_id INTEGER,
            user_name VARCHAR NOT NULL,
            method VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            object VARCHAR NOT NULL,
            before_value VARCHAR,
            after_value VARCHAR,
            reason VARCHAR,
            outcome VARCHAR NOT NULL,
            prev_hash VARCHAR NOT NULL UNIQUE,
            hash VARCHAR NOT NULL
        )""",
        # PostgreSQL refuses edits and deletes of audit rows; DuckDB has no triggers (the
        # hash chain and `audit-verify` make tampering detectable there)
        """-- postgresql
        CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '审计记录只能追加，不能修改或删除'; END $$""",
        """-- postgresql
        CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE
            ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    ],
    # 5: causes and measures of each indicator, filled by its lead department (append-only)
    [
        """CREATE TABLE IF NOT EXISTS indicator_analysis (
            indicator VARCHAR NOT NULL,
            area VARCHAR NOT NULL,
            cause VARCHAR,
            measures VARCHAR,
            user_name VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        )""",
    ],
    # 6: key-task progress loaded from a file belongs to a batch (withdrawn when it is rolled
    #    back); task_updates.batch_id exists since 1
    ["ALTER TABLE plan_task_progress ADD COLUMN IF NOT EXISTS batch_id INTEGER"],
    # 7: PostgreSQL's autovacuum analyses observations after 2 % of its rows changed (default
    #    10 %): a quarter's upload to a province (≈ 4 %) is not ANALYZEd while the uploader
    #    waits (Engine.after_load) but within a minute by autovacuum
    [
        """-- postgresql
        ALTER TABLE observations SET (autovacuum_analyze_scale_factor = 0.02)""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
