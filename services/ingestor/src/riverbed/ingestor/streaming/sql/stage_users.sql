-- Stage users.csv (internal). Natural key: the e-mail address, trimmed and lower-cased.
CREATE OR REPLACE TEMP TABLE stg_user AS
WITH raw AS (
    SELECT row_number() OVER () AS record_no, *
    FROM read_csv($path, header = true, all_varchar = true)
),
checked AS (
    SELECT
        record_no,
        concat_ws(',', first_name, last_name, email) AS raw,
        lower(trim(email)) AS email,
        nullif(trim(first_name), '') AS first_name,
        nullif(trim(last_name), '') AS last_name,
        CASE
            WHEN coalesce(trim(email), '') = '' THEN 'email is missing or blank'
            WHEN NOT regexp_matches(trim(email), '^[^@\s]+@[^@\s]+$')
                THEN 'email is not an e-mail address: ' || email
        END AS bad
    FROM raw
)
SELECT
    record_no,
    raw,
    email AS natural_key,
    md5(email) AS user_id,
    email,
    first_name,
    last_name,
    md5(concat_ws('|', email, coalesce(first_name, ''), coalesce(last_name, ''))) AS content_hash,
    bad AS reason
FROM checked;
