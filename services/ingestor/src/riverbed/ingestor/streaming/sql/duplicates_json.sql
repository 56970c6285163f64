-- Reject every valid record of {stage} whose natural key an earlier valid record holds; its
-- raw text (the JSON object) is read again from the file. Run only when duplicates exist.
UPDATE {stage}
SET
    reason = 'duplicate ' || $what || ' (first delivered as record ' || d.first_no || ')',
    raw = r.raw
FROM (
    SELECT natural_key, min(record_no) AS first_no
    FROM {stage}
    WHERE reason IS NULL
    GROUP BY natural_key
    HAVING count(*) > 1
) AS d, (
    SELECT row_number() OVER () AS record_no, CAST(json(json) AS VARCHAR) AS raw
    FROM read_json_objects($path, format = 'array')
) AS r
WHERE {stage}.reason IS NULL
    AND {stage}.natural_key = d.natural_key
    AND {stage}.record_no <> d.first_no
    AND r.record_no = {stage}.record_no;
