-- Count the natural keys of {stage} that more than one valid record carries.
SELECT count(*)
FROM (
    SELECT natural_key
    FROM {stage}
    WHERE reason IS NULL
    GROUP BY natural_key
    HAVING count(*) > 1
) AS d;
