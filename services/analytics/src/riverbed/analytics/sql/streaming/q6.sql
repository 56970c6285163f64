-- question: How many users watched at least 50% of any movie during the last week of the month?
-- unit: users
-- interpretation: Distinct users with at least one stream starting in the last 7 days of the reporting month (local time; for December 2021: 25 Dec 00:00 to 31 Dec 23:59:59) whose duration (end_at - start_at) is at least half the movie's duration_mins (movie version valid at the as-of date).
WITH params AS (
    SELECT coalesce(CAST($as_of AS DATE), DATE '9999-12-31') AS d
),
streams AS (
    SELECT f.* FROM fact_stream AS f CROSS JOIN params AS p WHERE f.loaded_as_of <= p.d
),
month_bounds AS (
    SELECT date_trunc('month', max(start_at_local)) + INTERVAL 1 MONTH AS m_end FROM streams
)
SELECT count(DISTINCT s.user_id) AS answer
FROM streams AS s
CROSS JOIN month_bounds AS mb
CROSS JOIN params AS p
JOIN dim_movie AS m
    ON m.movie_id = s.movie_id
    AND m.valid_from <= p.d AND (m.valid_to IS NULL OR m.valid_to > p.d)
WHERE s.start_at_local >= mb.m_end - INTERVAL 7 DAY
    AND s.start_at_local < mb.m_end
    AND s.duration_mins >= 0.5 * m.duration_mins;
