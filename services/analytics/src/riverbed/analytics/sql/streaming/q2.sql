-- question: How many users were potentially affected by the outage of "Unforgiven" between 7:00 and 12:00 on 25 December?
-- unit: users
-- interpretation: Distinct users with a stream of "Unforgiven" in progress at any moment of the window 25 December 07:00-12:00 (local wall-clock time of the data, UTC+01:00; year of the reporting month): the stream starts before 12:00 and ends after 07:00 (a stream ending exactly at 07:00 or starting exactly at 12:00 is not affected).
WITH params AS (
    SELECT coalesce(CAST($as_of AS DATE), DATE '9999-12-31') AS d
),
streams AS (
    SELECT f.* FROM fact_stream AS f CROSS JOIN params AS p WHERE f.loaded_as_of <= p.d
),
month_bounds AS (
    SELECT date_trunc('month', max(start_at_local)) AS m_start FROM streams
),
movie_keys AS (
    SELECT DISTINCT movie_id, natural_key FROM dim_movie
)
SELECT count(DISTINCT s.user_id) AS answer
FROM streams AS s
JOIN movie_keys AS mk ON mk.movie_id = s.movie_id
CROSS JOIN month_bounds AS mb
WHERE mk.natural_key = 'UNFORGIVEN'
    AND s.start_at_local < make_timestamp(year(mb.m_start), 12, 25, 12, 0, 0)
    AND s.end_at_local > make_timestamp(year(mb.m_start), 12, 25, 7, 0, 0);
