-- question: What is the average streaming duration?
-- unit: minutes
-- interpretation: Mean of (end_at - start_at) in minutes over every stream starting in the reporting month (each stream counts once; sessions may be longer than the movie), rounded to 2 decimals.
WITH params AS (
    SELECT coalesce(CAST($as_of AS DATE), DATE '9999-12-31') AS d
),
streams AS (
    SELECT f.* FROM fact_stream AS f CROSS JOIN params AS p WHERE f.loaded_as_of <= p.d
),
month_bounds AS (
    SELECT
        date_trunc('month', max(start_at_local)) AS m_start,
        date_trunc('month', max(start_at_local)) + INTERVAL 1 MONTH AS m_end
    FROM streams
)
SELECT round(avg(s.duration_mins), 2) AS answer
FROM streams AS s
CROSS JOIN month_bounds AS mb
WHERE s.start_at_local >= mb.m_start AND s.start_at_local < mb.m_end;
