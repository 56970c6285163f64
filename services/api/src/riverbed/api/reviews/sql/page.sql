-- One page of a product's (or reviewer's) reviews in [t_from, t_to), newest first,
-- after the keyset (c_time, c_id) of the previous page's last row.
SELECT
    "level_0",
    "productID",
    "reviewerID",
    "reviewerName",
    "overall",
    "verified",
    "vote",
    {vote_int} AS helpful_votes,
    "summary",
    "reviewText",
    "reviewTime",
    "unixReviewTime"
FROM reviews
WHERE "{key}" = :id
  AND "unixReviewTime" >= :t_from
  AND "unixReviewTime" < :t_to
  AND ("unixReviewTime", "level_0") < (:c_time, :c_id)
ORDER BY "unixReviewTime" DESC, "level_0" DESC
LIMIT :limit OFFSET :offset
