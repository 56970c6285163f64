-- question: What percentage of the streamed movies are based on books?
-- unit: percent
-- interpretation: Distinct movies (not streams) with at least one stream starting in the reporting month (the calendar month, local time of the data, of the latest stream loaded); a movie is based on a book when a vendor review valid at the as-of date links its title (case- and dash-insensitive, trimmed) to a book present in the vendor's books valid at that date. Answer = 100 * based / streamed, rounded to 2 decimals.
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
),
streamed AS (
    SELECT DISTINCT s.movie_id
    FROM streams AS s
    CROSS JOIN month_bounds AS mb
    WHERE s.start_at_local >= mb.m_start AND s.start_at_local < mb.m_end
),
movie_keys AS (
    SELECT DISTINCT movie_id, natural_key FROM dim_movie
),
based AS (
    SELECT DISTINCT mk.movie_id
    FROM dim_review AS r
    CROSS JOIN params AS p
    JOIN dim_book AS b
        ON b.natural_key = r.book_key
        AND b.valid_from <= p.d AND (b.valid_to IS NULL OR b.valid_to > p.d)
    JOIN movie_keys AS mk ON mk.natural_key = r.movie_key
    WHERE r.valid_from <= p.d AND (r.valid_to IS NULL OR r.valid_to > p.d)
)
SELECT round(100.0 * count(b.movie_id) / nullif(count(*), 0), 2) AS answer
FROM streamed AS s
LEFT JOIN based AS b ON b.movie_id = s.movie_id;
