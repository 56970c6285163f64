-- 2. In one query: for every month, the top 10% of users by transaction volume.
-- Volume of a user in a month = SUM(PRICE) of their sales that month. Only users who bought
-- that month are ranked. Users are ordered by volume (highest first), ties by USER_ID, and the
-- first CEIL(10% of the month's buyers) are kept: at least one user per month with sales.
WITH monthly AS (
    SELECT
        DATE_FORMAT(s.DATE_SALES, '%Y-%m') AS SALES_MONTH,
        s.USER_ID,
        SUM(s.PRICE) AS VOLUME,
        COUNT(*) AS TRANSACTIONS
    FROM SALES AS s
    GROUP BY DATE_FORMAT(s.DATE_SALES, '%Y-%m'), s.USER_ID
),
ranked AS (
    SELECT
        m.*,
        ROW_NUMBER() OVER (PARTITION BY m.SALES_MONTH ORDER BY m.VOLUME DESC, m.USER_ID)
            AS RANK_IN_MONTH,
        COUNT(*) OVER (PARTITION BY m.SALES_MONTH) AS BUYERS_IN_MONTH
    FROM monthly AS m
)
SELECT
    r.SALES_MONTH,
    r.USER_ID,
    u.USER_EMAIL,
    r.VOLUME,
    r.TRANSACTIONS,
    r.RANK_IN_MONTH,
    r.BUYERS_IN_MONTH
FROM ranked AS r
LEFT JOIN USERS AS u ON u.USER_ID = r.USER_ID
WHERE r.RANK_IN_MONTH <= CEIL(r.BUYERS_IN_MONTH * 0.1)
ORDER BY r.SALES_MONTH, r.RANK_IN_MONTH;
