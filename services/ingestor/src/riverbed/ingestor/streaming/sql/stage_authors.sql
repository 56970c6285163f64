-- Stage authors.json: one row per array element, parsed, hashed, with a reject reason.
-- Natural key: the author name as delivered (trimmed); books reference authors by it.
-- Quirk: every author carries a blank placeholder nationality {id:null,label:"",slug:null};
-- it is dropped (so is the label "unknown"). Labels are plural demonyms ("Singaporeans"): kept as delivered in
-- nationality_labels and singularised ("Singaporean") in nationalities.
CREATE OR REPLACE TEMP TABLE stg_author AS
WITH raw AS (
    SELECT row_number() OVER () AS record_no, json AS j
    FROM read_json_objects($path, format = 'array')
),
parsed AS (
    SELECT
        record_no,
        j AS raw_json,
        trim(j ->> '$.metadata.name') AS name,
        j ->> '$.metadata.birth_date' AS birth_raw,
        j ->> '$.metadata.died_at' AS died_raw,
        try_strptime(left(j ->> '$.metadata.birth_date', 10), '%Y-%m-%d') AS birth_ts,
        try_strptime(left(j ->> '$.metadata.died_at', 10), '%Y-%m-%d') AS died_ts,
        json_type(j -> '$.nationalities') AS nat_type,
        list_filter(
            list_transform(CAST(j -> '$.nationalities' AS JSON[]), lambda n: n ->> '$.label'),
            lambda x: lower(coalesce(trim(x), '')) NOT IN ('', 'unknown')
        ) AS labels
    FROM raw
),
checked AS (
    SELECT
        *,
        CASE
            WHEN name IS NULL OR name = '' THEN 'metadata.name is missing or blank'
            WHEN birth_raw IS NOT NULL AND birth_ts IS NULL
                THEN 'metadata.birth_date is not a date: ' || birth_raw
            WHEN died_raw IS NOT NULL AND died_ts IS NULL
                THEN 'metadata.died_at is not a date: ' || died_raw
            WHEN nat_type IS NOT NULL AND nat_type <> 'ARRAY'
                THEN 'nationalities is not an array'
        END AS bad
    FROM parsed
)
SELECT
    record_no,
    CASE WHEN bad IS NOT NULL THEN CAST(json(raw_json) AS VARCHAR) END AS raw,
    name AS natural_key,
    md5(name) AS author_id,
    name,
    CAST(birth_ts AS DATE) AS birth_date,
    CAST(died_ts AS DATE) AS died_at,
    array_to_string(labels, ', ') AS nationality_labels,
    list_transform(
        labels,
        lambda x: CASE
            WHEN x IN ('Swiss', 'Réunionnais') THEN x
            ELSE regexp_replace(x, '([a-z])s( \(.*\))?$', '\1\2')
        END
    ) AS nationalities,
    md5(concat_ws('|', name, coalesce(birth_raw, ''), coalesce(died_raw, ''),
        array_to_string(labels, ','))) AS content_hash,
    bad AS reason
FROM checked;
