-- Count the valid staged streams already in the fact table (re-delivered).
SELECT count(*)
FROM stg_stream AS s
WHERE s.reason IS NULL
    AND EXISTS (SELECT 1 FROM fact_stream AS f WHERE f.stream_id = s.stream_id);
