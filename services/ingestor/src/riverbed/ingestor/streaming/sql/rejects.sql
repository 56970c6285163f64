-- Record every staged record of {stage} that failed validation, with its reason and raw text.
INSERT INTO rejects
    (load_id, as_of, source_file, record_no, natural_key, severity, reason, raw)
SELECT $load_id, $as_of, $source_file, record_no, natural_key, 'reject', reason, raw
FROM {stage}
WHERE reason IS NOT NULL;
