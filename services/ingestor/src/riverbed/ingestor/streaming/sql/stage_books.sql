-- Stage books.json. Natural key: the title folded to a title key (upper case, en/em dashes
-- as "-", trimmed) because reviews cite books by their UPPERCASE title.
-- Quirk: some book authors are missing from authors.json; such books are kept (author_id
-- stays NULL) and a warning goes to the rejects table (see warnings.sql).
CREATE OR REPLACE TEMP TABLE stg_book AS
WITH raw AS (
    SELECT row_number() OVER () AS record_no, json AS j
    FROM read_json_objects($path, format = 'array')
),
parsed AS (
    SELECT
        record_no,
        j AS raw_json,
        trim(j ->> '$.name') AS title,
        j ->> '$.pages' AS pages_raw,
        try_cast(j ->> '$.pages' AS INTEGER) AS pages,
        nullif(trim(j ->> '$.author'), '') AS author_name,
        nullif(trim(j ->> '$.publisher'), '') AS publisher
    FROM raw
),
checked AS (
    SELECT
        *,
        upper(trim(translate(title, '–—‒−', '----')))
            AS title_key,
        CASE
            WHEN title IS NULL OR title = '' THEN 'name is missing or blank'
            WHEN pages_raw IS NOT NULL AND (pages IS NULL OR pages <= 0)
                THEN 'pages is not a positive integer: ' || pages_raw
            WHEN author_name IS NULL THEN 'author is missing or blank'
        END AS bad
    FROM parsed
)
SELECT
    record_no,
    CASE WHEN bad IS NOT NULL THEN CAST(json(raw_json) AS VARCHAR) END AS raw,
    title_key AS natural_key,
    md5(title_key) AS book_id,
    title,
    pages,
    author_name,
    md5(author_name) AS author_id,
    publisher,
    md5(concat_ws('|', title, coalesce(pages_raw, ''), author_name, coalesce(publisher, '')))
        AS content_hash,
    bad AS reason
FROM checked;
