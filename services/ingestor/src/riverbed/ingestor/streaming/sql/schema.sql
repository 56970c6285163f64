-- Warehouse tables of the streaming domain (DuckDB dialect; BigQuery via sqlglot).
-- Every dimension is SCD type 2: one row per version of a natural key.
CREATE TABLE IF NOT EXISTS load_log (
    load_id INTEGER NOT NULL,
    as_of DATE NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    internal_dir VARCHAR,
    vendor_dir VARCHAR,
    fingerprint VARCHAR NOT NULL,
    summary VARCHAR
);
CREATE TABLE IF NOT EXISTS rejects (
    load_id INTEGER NOT NULL,
    as_of DATE NOT NULL,
    source_file VARCHAR NOT NULL,
    record_no BIGINT NOT NULL,
    natural_key VARCHAR,
    severity VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR
);
CREATE TABLE IF NOT EXISTS dim_author (
    author_id VARCHAR NOT NULL,
    natural_key VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    birth_date DATE,
    died_at DATE,
    nationality_labels VARCHAR,
    nationalities VARCHAR[],
    content_hash VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    is_current BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_book (
    book_id VARCHAR NOT NULL,
    natural_key VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    pages INTEGER,
    author_name VARCHAR,
    author_id VARCHAR,
    publisher VARCHAR,
    content_hash VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    is_current BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_review (
    review_id VARCHAR NOT NULL,
    natural_key VARCHAR NOT NULL,
    book_title VARCHAR NOT NULL,
    book_key VARCHAR NOT NULL,
    movie_title VARCHAR NOT NULL,
    movie_key VARCHAR NOT NULL,
    review_text VARCHAR,
    rating INTEGER,
    rating_label VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    created_after_updated BOOLEAN,
    content_hash VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    is_current BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_user (
    user_id VARCHAR NOT NULL,
    natural_key VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    first_name VARCHAR,
    last_name VARCHAR,
    content_hash VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    is_current BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dim_movie (
    movie_id VARCHAR NOT NULL,
    natural_key VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    duration_mins INTEGER NOT NULL,
    original_language VARCHAR,
    size_mb DOUBLE,
    content_hash VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    is_current BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fact_stream (
    stream_id VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,
    movie_id VARCHAR NOT NULL,
    user_email VARCHAR NOT NULL,
    movie_title VARCHAR NOT NULL,
    start_at_utc TIMESTAMP NOT NULL,
    end_at_utc TIMESTAMP NOT NULL,
    start_at_local TIMESTAMP NOT NULL,
    end_at_local TIMESTAMP NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    duration_mins DOUBLE NOT NULL,
    size_mb DOUBLE NOT NULL,
    size_gb DOUBLE NOT NULL,
    size_gib DOUBLE NOT NULL,
    load_id INTEGER NOT NULL,
    loaded_as_of DATE NOT NULL
);
