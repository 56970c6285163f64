-- Aggregates of one product's (or reviewer's) reviews in [t_from, t_to).
-- {key}: the column filtered on; {other}: the column counted distinct; {vote_int}: the vote as an integer.
SELECT
    COUNT(*) AS review_count,
    AVG("overall") AS average_rating,
    SUM(CASE WHEN "overall" = 1 THEN 1 ELSE 0 END) AS r1,
    SUM(CASE WHEN "overall" = 2 THEN 1 ELSE 0 END) AS r2,
    SUM(CASE WHEN "overall" = 3 THEN 1 ELSE 0 END) AS r3,
    SUM(CASE WHEN "overall" = 4 THEN 1 ELSE 0 END) AS r4,
    SUM(CASE WHEN "overall" = 5 THEN 1 ELSE 0 END) AS r5,
    COUNT("verified") AS verified_known,
    SUM(CASE WHEN "verified" THEN 1 ELSE 0 END) AS verified_true,
    COALESCE(SUM({vote_int}), 0) AS helpful_votes_total,
    MIN("unixReviewTime") AS first_ts,
    MAX("unixReviewTime") AS last_ts,
    COUNT(DISTINCT "{other}") AS distinct_other
FROM reviews
WHERE "{key}" = :id
  AND "unixReviewTime" >= :t_from
  AND "unixReviewTime" < :t_to
