-- Classify a staged full dump against the current versions of {table} (one row per class).
WITH staged AS (
    SELECT natural_key, content_hash FROM {stage} WHERE reason IS NULL
),
cur AS (
    SELECT natural_key, content_hash FROM {table} WHERE is_current
),
ever AS (
    SELECT DISTINCT natural_key FROM {table}
)
SELECT 'new' AS change, count(*) AS n
FROM staged AS s
WHERE NOT EXISTS (SELECT 1 FROM ever AS e WHERE e.natural_key = s.natural_key)
UNION ALL
SELECT 'resurrected', count(*)
FROM staged AS s
WHERE EXISTS (SELECT 1 FROM ever AS e WHERE e.natural_key = s.natural_key)
    AND NOT EXISTS (SELECT 1 FROM cur AS c WHERE c.natural_key = s.natural_key)
UNION ALL
SELECT 'changed', count(*)
FROM staged AS s
JOIN cur AS c ON c.natural_key = s.natural_key AND c.content_hash <> s.content_hash
UNION ALL
SELECT 'unchanged', count(*)
FROM staged AS s
JOIN cur AS c ON c.natural_key = s.natural_key AND c.content_hash = s.content_hash
UNION ALL
SELECT 'kept_rejected', count(*)
FROM cur AS c
WHERE NOT EXISTS (SELECT 1 FROM staged AS s WHERE s.natural_key = c.natural_key)
    AND EXISTS (SELECT 1 FROM {stage} AS r WHERE r.natural_key = c.natural_key)
UNION ALL
SELECT 'deleted', count(*)
FROM cur AS c
WHERE NOT EXISTS (SELECT 1 FROM {stage} AS r WHERE r.natural_key = c.natural_key);
