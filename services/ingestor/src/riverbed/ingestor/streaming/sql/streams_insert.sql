-- Append the valid staged streams not loaded before (streams are immutable events).
INSERT INTO fact_stream (
    stream_id, user_id, movie_id, user_email, movie_title, start_at_utc, end_at_utc,
    start_at_local, end_at_local, utc_offset_minutes, duration_mins, size_mb, size_gb,
    size_gib, load_id, loaded_as_of
)
SELECT
    s.stream_id, s.user_id, s.movie_id, s.user_email, s.movie_title, s.start_at_utc,
    s.end_at_utc, s.start_at_local, s.end_at_local, s.utc_offset_minutes, s.duration_mins,
    s.size_mb, s.size_gb, s.size_gib, $load_id, $as_of
FROM stg_stream AS s
WHERE s.reason IS NULL
    AND NOT EXISTS (SELECT 1 FROM fact_stream AS f WHERE f.stream_id = s.stream_id);
