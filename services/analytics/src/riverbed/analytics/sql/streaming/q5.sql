-- question: What is the median streaming size in gigabytes?
-- unit: GB (10^9 bytes)
-- interpretation: Continuous median (mean of the two middle values) of size_mb / 1000 over every stream starting in the reporting month, reading size_mb as 10^6 bytes and GB as 10^9 bytes (decimal SI units; divide by 1.073741824 for GiB = 2^30 bytes), rounded to 5 decimals.
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
medians AS (
    SELECT quantile_cont(s.size_gb, 0.5) OVER () AS median_gb
    FROM streams AS s
    CROSS JOIN month_bounds AS mb
    WHERE s.start_at_local >= mb.m_start AND s.start_at_local < mb.m_end
)
SELECT round(max(median_gb), 5) AS answer
FROM medians;
