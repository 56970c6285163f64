-- Stage streams.csv (internal fact). A stream is identified by user, movie and start instant.
-- Timestamps carry offsets without a colon ("+0100"): %z parses them; start/end are kept in
-- UTC and in the local wall-clock time of the record (the questions are asked in local time).
-- Derived: duration_mins = (end - start) in minutes; size_gb = size_mb / 1000 (MB = 10^6
-- bytes, GB = 10^9 bytes) and size_gib = size_mb * 10^6 / 2^30.
-- Needs stg_user and stg_movie: a stream of an unknown user or movie is rejected.
CREATE OR REPLACE TEMP TABLE stg_stream AS
WITH raw AS (
    SELECT row_number() OVER () AS record_no, *
    FROM read_csv($path, header = true, all_varchar = true)
),
parsed AS (
    SELECT
        record_no,
        movie_title AS title_raw,
        user_email AS email_raw,
        trim(movie_title) AS movie_title,
        upper(trim(translate(movie_title, '–—‒−', '----')))
            AS movie_key,
        lower(trim(user_email)) AS user_email,
        size_mb AS size_raw,
        try_cast(size_mb AS DOUBLE) AS size_mb,
        start_at AS start_raw,
        end_at AS end_raw,
        try_strptime(start_at, ['%Y-%m-%dT%H:%M:%S.%g%z', '%Y-%m-%dT%H:%M:%S%z']) AS start_tz,
        try_strptime(end_at, ['%Y-%m-%dT%H:%M:%S.%g%z', '%Y-%m-%dT%H:%M:%S%z']) AS end_tz,
        try_strptime(
            regexp_replace(start_at, '([+-][0-9]{2}:?[0-9]{2}|Z)$', ''),
            ['%Y-%m-%dT%H:%M:%S.%g', '%Y-%m-%dT%H:%M:%S']
        ) AS start_wall
    FROM raw
),
checked AS (
    SELECT
        p.*,
        timezone('UTC', start_tz) AS start_at_utc,
        timezone('UTC', end_tz) AS end_at_utc,
        CASE
            WHEN coalesce(p.movie_title, '') = '' THEN 'movie_title is missing or blank'
            WHEN coalesce(p.user_email, '') = '' THEN 'user_email is missing or blank'
            WHEN start_tz IS NULL
                THEN 'start_at is not an ISO-8601 timestamp: ' || coalesce(start_raw, 'NULL')
            WHEN end_tz IS NULL
                THEN 'end_at is not an ISO-8601 timestamp: ' || coalesce(end_raw, 'NULL')
            WHEN end_tz < start_tz THEN 'end_at is before start_at'
            WHEN p.size_mb IS NULL OR p.size_mb < 0
                THEN 'size_mb is not a non-negative number: ' || coalesce(size_raw, 'NULL')
            WHEN m.movie_id IS NULL THEN 'unknown movie: ' || p.movie_title
            WHEN u.user_id IS NULL THEN 'unknown user: ' || p.user_email
        END AS bad,
        m.movie_id,
        u.user_id
    FROM parsed AS p
    LEFT JOIN stg_movie AS m ON m.natural_key = p.movie_key AND m.reason IS NULL
    LEFT JOIN stg_user AS u ON u.natural_key = p.user_email AND u.reason IS NULL
),
keyed AS (
    SELECT
        *,
        concat_ws('|', user_email, movie_key, strftime(start_at_utc, '%Y-%m-%dT%H:%M:%S.%g'))
            AS stream_key
    FROM checked
)
SELECT
    record_no,
    CASE WHEN bad IS NOT NULL THEN concat_ws(',', title_raw, email_raw, size_raw, start_raw, end_raw) END AS raw,
    stream_key AS natural_key,
    md5(stream_key) AS stream_id,
    user_id,
    movie_id,
    user_email,
    movie_title,
    start_at_utc,
    end_at_utc,
    start_wall AS start_at_local,
    start_wall + (end_at_utc - start_at_utc) AS end_at_local,
    CAST(date_diff('minute', start_at_utc, start_wall) AS INTEGER) AS utc_offset_minutes,
    date_diff('millisecond', start_at_utc, end_at_utc) / 60000.0 AS duration_mins,
    size_mb,
    size_mb / 1000.0 AS size_gb,
    size_mb * 1000000.0 / 1073741824.0 AS size_gib,
    bad AS reason
FROM keyed;
