-- SCD type 2 merge of a staged full dump into {table}.
-- 1. Close the current version of every key whose content changed or that is missing from
--    the dump; a missing key is also marked deleted (the closed row is kept as history).
--    A key delivered only as rejected records keeps its current version (see rejects).
UPDATE {table}
SET
    valid_to = $as_of,
    is_current = false,
    is_deleted = NOT EXISTS (
        SELECT 1 FROM {stage} AS s WHERE s.natural_key = {table}.natural_key
    )
WHERE is_current
    AND NOT EXISTS (
        SELECT 1 FROM {stage} AS s
        WHERE s.reason IS NULL
            AND s.natural_key = {table}.natural_key
            AND s.content_hash = {table}.content_hash
    )
    AND (
        EXISTS (
            SELECT 1 FROM {stage} AS s
            WHERE s.reason IS NULL AND s.natural_key = {table}.natural_key
        )
        OR NOT EXISTS (
            SELECT 1 FROM {stage} AS s WHERE s.natural_key = {table}.natural_key
        )
    );
-- 2. Open a version for every staged key without a current one: new keys, changed keys
--    (closed above) and resurrected keys (deleted earlier, delivered again).
INSERT INTO {table} ({columns}, content_hash, valid_from, valid_to, is_current, is_deleted, load_id)
SELECT {columns}, s.content_hash, $as_of, NULL, true, false, $load_id
FROM {stage} AS s
WHERE s.reason IS NULL
    AND NOT EXISTS (
        SELECT 1 FROM {table} AS t
        WHERE t.is_current AND t.natural_key = s.natural_key
    );
