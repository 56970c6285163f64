-- Stage reviews.json. A review has no id in the feed, so its natural key is derived from
-- content that must not change when the vendor edits a review: book title key, movie title
-- key and the creation instant (UTC). Text, rating and `updated` form the content hash, so an
-- edit versions the review instead of deleting and re-creating it.
-- Quirks: titles are UPPERCASE (matched through title keys); every review carries a sentinel
-- movie titled "end" (dropped); book pages is "unknown" (ignored: pages come from books.json);
-- offsets have no colon ("+0100", parsed by %z); `created` is after `updated` in about half
-- the reviews (both kept as delivered, flagged in created_after_updated).
CREATE OR REPLACE TEMP TABLE stg_review AS
WITH raw AS (
    SELECT row_number() OVER () AS record_no, json AS j
    FROM read_json_objects($path, format = 'array')
),
-- Each path list is extracted in one parse of the record (one `->>` per field parses it again).
fields AS (
    SELECT
        record_no,
        j,
        json_extract(j, ['$.books', '$.movies']) AS lists,
        json_extract_string(
            j, ['$.content.text', '$.rating.rate', '$.rating.label', '$.created', '$.updated']
        ) AS f
    FROM raw
),
parsed AS (
    SELECT
        record_no,
        j AS raw_json,
        list_transform(CAST(lists[1] AS JSON[]), lambda b: b ->> '$.metadata.title') AS book_titles,
        list_filter(
            list_transform(CAST(lists[2] AS JSON[]), lambda m: m ->> '$.title'),
            lambda x: lower(coalesce(trim(x), '')) <> 'end'
        ) AS movie_titles,
        f[1] AS review_text,
        f[2] AS rate_raw,
        try_cast(f[2] AS INTEGER) AS rating,
        f[3] AS rating_label,
        f[4] AS created_raw,
        f[5] AS updated_raw,
        try_strptime(f[4], ['%Y-%m-%dT%H:%M:%S.%g%z', '%Y-%m-%dT%H:%M:%S%z']) AS created_tz,
        try_strptime(f[5], ['%Y-%m-%dT%H:%M:%S.%g%z', '%Y-%m-%dT%H:%M:%S%z']) AS updated_tz
    FROM fields
),
checked AS (
    SELECT
        *,
        trim(book_titles[1]) AS book_title,
        trim(movie_titles[1]) AS movie_title,
        upper(trim(translate(book_titles[1], '–—‒−', '----')))
            AS book_key,
        upper(trim(translate(movie_titles[1], '–—‒−', '----')))
            AS movie_key,
        timezone('UTC', created_tz) AS created_at,
        timezone('UTC', updated_tz) AS updated_at,
        CASE
            WHEN coalesce(len(book_titles), 0) <> 1
                THEN 'expected exactly 1 book, found ' || coalesce(len(book_titles), 0)
            WHEN coalesce(trim(book_titles[1]), '') = '' THEN 'books[0].metadata.title is blank'
            WHEN coalesce(len(movie_titles), 0) <> 1
                THEN 'expected exactly 1 movie besides the "end" sentinel, found '
                    || coalesce(len(movie_titles), 0)
            WHEN coalesce(trim(movie_titles[1]), '') = '' THEN 'movies[].title is blank'
            WHEN created_raw IS NULL THEN 'created is missing'
            WHEN created_tz IS NULL THEN 'created is not an ISO-8601 timestamp: ' || created_raw
            WHEN updated_raw IS NOT NULL AND updated_tz IS NULL
                THEN 'updated is not an ISO-8601 timestamp: ' || updated_raw
            WHEN rate_raw IS NOT NULL AND (rating IS NULL OR rating NOT BETWEEN 1 AND 5)
                THEN 'rating.rate is not an integer from 1 to 5: ' || rate_raw
        END AS bad
    FROM parsed
),
keyed AS (
    SELECT
        *,
        concat_ws('|', book_key, movie_key, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%g'))
            AS review_key
    FROM checked
)
SELECT
    record_no,
    CASE WHEN bad IS NOT NULL THEN CAST(json(raw_json) AS VARCHAR) END AS raw,
    review_key AS natural_key,
    md5(review_key) AS review_id,
    book_title,
    book_key,
    movie_title,
    movie_key,
    review_text,
    rating,
    rating_label,
    created_at,
    updated_at,
    created_at > updated_at AS created_after_updated,
    md5(concat_ws('|', coalesce(review_text, ''), coalesce(rate_raw, ''),
        coalesce(rating_label, ''), coalesce(updated_raw, ''))) AS content_hash,
    bad AS reason
FROM keyed;
