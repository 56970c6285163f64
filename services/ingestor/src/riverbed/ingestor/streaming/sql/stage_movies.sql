-- Stage movies.csv (internal). Natural key: the title key (upper case, en/em dashes as "-",
-- trimmed), so "Star Wars: Episode II – Attack of the Clones" and the vendor's
-- UPPERCASE spelling meet; WALL·E keeps its middle dot (upper() leaves it alone).
CREATE OR REPLACE TEMP TABLE stg_movie AS
WITH raw AS (
    SELECT row_number() OVER () AS record_no, *
    FROM read_csv($path, header = true, all_varchar = true)
),
checked AS (
    SELECT
        record_no,
        concat_ws(',', title, duration_mins, original_language, size_mb) AS raw,
        trim(title) AS title,
        upper(trim(translate(title, '–—‒−', '----')))
            AS title_key,
        duration_mins AS duration_raw,
        try_cast(duration_mins AS INTEGER) AS duration_mins,
        nullif(trim(original_language), '') AS original_language,
        size_mb AS size_raw,
        try_cast(size_mb AS DOUBLE) AS size_mb,
        CASE
            WHEN coalesce(trim(title), '') = '' THEN 'title is missing or blank'
            WHEN try_cast(duration_mins AS INTEGER) IS NULL
                OR try_cast(duration_mins AS INTEGER) <= 0
                THEN 'duration_mins is not a positive integer: ' || coalesce(duration_mins, 'NULL')
            WHEN size_mb IS NOT NULL AND coalesce(try_cast(size_mb AS DOUBLE), -1) < 0
                THEN 'size_mb is not a non-negative number: ' || size_mb
        END AS bad
    FROM raw
)
SELECT
    record_no,
    raw,
    title_key AS natural_key,
    md5(title_key) AS movie_id,
    title,
    duration_mins,
    original_language,
    size_mb,
    md5(concat_ws('|', title, duration_raw, coalesce(original_language, ''),
        coalesce(size_raw, ''))) AS content_hash,
    bad AS reason
FROM checked;
