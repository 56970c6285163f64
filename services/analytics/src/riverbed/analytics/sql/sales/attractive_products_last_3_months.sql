-- 3. "Attractive" products of the last 3 months.
-- Window: the 3 calendar months before the reference day, whole days only:
--   [END_DAY - INTERVAL 3 MONTH, END_DAY), END_DAY = @as_of_date when set, else CURDATE()
--   (today is excluded because it is not over yet).
-- A product is attractive when, in that window, every sale of it comes from one single
-- merchant, and that merchant sold more than 10 of it per day on average over ALL the calendar
-- days of the window (days without a sale count as 0): units > 10 * DATEDIFF(END_DAY, START_DAY).
-- One SALES row is one unit sold (the table has no quantity column).
WITH win AS (
    SELECT
        b.END_DAY - INTERVAL 3 MONTH AS START_DAY,
        b.END_DAY,
        DATEDIFF(b.END_DAY, b.END_DAY - INTERVAL 3 MONTH) AS DAYS
    FROM (SELECT COALESCE(CAST(@as_of_date AS DATE), CURDATE()) AS END_DAY) AS b
)
SELECT
    s.PRODUCT_ID,
    MIN(s.MERCHANT_ID) AS MERCHANT_ID,
    COUNT(*) AS UNITS_SOLD,
    w.DAYS AS DAYS_IN_WINDOW,
    ROUND(COUNT(*) / w.DAYS, 3) AS UNITS_PER_DAY
FROM SALES AS s
JOIN win AS w ON s.DATE_SALES >= w.START_DAY AND s.DATE_SALES < w.END_DAY
GROUP BY s.PRODUCT_ID, w.DAYS
HAVING COUNT(DISTINCT s.MERCHANT_ID) = 1 AND COUNT(*) > 10 * w.DAYS
ORDER BY UNITS_PER_DAY DESC, s.PRODUCT_ID;
