-- Whether any review of this product (or reviewer) exists, whatever the dates.
SELECT 1 FROM reviews WHERE "{key}" = :id LIMIT 1
