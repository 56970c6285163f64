-- Count the valid staged streams that fact_stream does not hold with the same content. Used
-- only against a load_log fingerprint written before v2 (whose streams part was effectively a
-- row count): 0 means re-loading this delivery's streams would change nothing.
SELECT count(*)
FROM stg_stream AS s
WHERE s.reason IS NULL
    AND NOT EXISTS (
        SELECT 1
        FROM fact_stream AS f
        WHERE f.stream_id = s.stream_id
            AND f.movie_title = s.movie_title
            AND f.user_email = s.user_email
            AND f.size_mb = s.size_mb
            AND f.end_at_utc = s.end_at_utc
            AND f.start_at_local = s.start_at_local
    );
