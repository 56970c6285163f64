-- Bookkeeping of the sync consumer, next to the mirrors (created once, idempotent).
CREATE SCHEMA IF NOT EXISTS riverbed_sync;
CREATE TABLE IF NOT EXISTS riverbed_sync.tables (
    table_name VARCHAR PRIMARY KEY,
    last_commit_lsn BIGINT,
    last_lsn BIGINT,
    last_commit_ts TIMESTAMPTZ,
    last_applied_at TIMESTAMPTZ,
    last_lag_s DOUBLE,
    events_total BIGINT
);
CREATE TABLE IF NOT EXISTS riverbed_sync.dead_letters (
    received_at TIMESTAMPTZ,
    topic VARCHAR,
    table_name VARCHAR,
    "partition" INTEGER,
    "offset" BIGINT,
    reason VARCHAR,
    "key" BLOB,
    "value" BLOB
);
CREATE TABLE IF NOT EXISTS riverbed_sync.schema_changes (
    detected_at TIMESTAMPTZ,
    table_name VARCHAR,
    column_name VARCHAR,
    change VARCHAR,
    old_type VARCHAR,
    new_type VARCHAR,
    detail VARCHAR
);
