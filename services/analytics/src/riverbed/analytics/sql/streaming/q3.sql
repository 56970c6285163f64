-- question: How many movies based on books written by Singaporean authors were streamed that month?
-- unit: movies
-- interpretation: Distinct movies with at least one stream starting in the reporting month whose title is linked by a vendor review (valid at the as-of date) to a book whose author has the nationality "Singaporeans" (plural demonym as delivered, singularised to "Singaporean"; the blank placeholder nationality is ignored). Books whose author is missing from authors.json cannot qualify.
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
movie_keys AS (
    SELECT DISTINCT movie_id, natural_key FROM dim_movie
),
singaporean_movies AS (
    SELECT DISTINCT mk.movie_id
    FROM dim_review AS r
    CROSS JOIN params AS p
    JOIN dim_book AS b
        ON b.natural_key = r.book_key
        AND b.valid_from <= p.d AND (b.valid_to IS NULL OR b.valid_to > p.d)
    JOIN dim_author AS a
        ON a.author_id = b.author_id
        AND a.valid_from <= p.d AND (a.valid_to IS NULL OR a.valid_to > p.d)
    JOIN movie_keys AS mk ON mk.natural_key = r.movie_key
    WHERE r.valid_from <= p.d AND (r.valid_to IS NULL OR r.valid_to > p.d)
        AND list_contains(a.nationalities, 'Singaporean')
)
SELECT count(DISTINCT s.movie_id) AS answer
FROM streams AS s
CROSS JOIN month_bounds AS mb
JOIN singaporean_movies AS sm ON sm.movie_id = s.movie_id
WHERE s.start_at_local >= mb.m_start AND s.start_at_local < mb.m_end;
