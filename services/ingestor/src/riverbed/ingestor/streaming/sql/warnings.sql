-- Records kept despite a dangling reference: logged as warnings so nothing passes silently.
INSERT INTO rejects
    (load_id, as_of, source_file, record_no, natural_key, severity, reason, raw)
SELECT $load_id, $as_of, $books_file, b.record_no, b.natural_key, 'warning',
    'author ' || b.author_name || ' is not in authors.json; book kept', b.raw
FROM stg_book AS b
WHERE b.reason IS NULL
    AND NOT EXISTS (
        SELECT 1 FROM stg_author AS a
        WHERE a.reason IS NULL AND a.natural_key = b.author_name
    );
INSERT INTO rejects
    (load_id, as_of, source_file, record_no, natural_key, severity, reason, raw)
SELECT $load_id, $as_of, $reviews_file, r.record_no, r.natural_key, 'warning',
    'book ' || r.book_title || ' is not in books.json; review kept', r.raw
FROM stg_review AS r
WHERE r.reason IS NULL
    AND NOT EXISTS (
        SELECT 1 FROM stg_book AS b
        WHERE b.reason IS NULL AND b.natural_key = r.book_key
    );
