-- 1. Sales volume (sum of PRICE) per merchant per calendar month.
-- A month is DATE_FORMAT(DATE_SALES, '%Y-%m'), in the server's time zone.
-- Only (merchant, month) pairs with at least one sale appear.
SELECT
    s.MERCHANT_ID,
    DATE_FORMAT(s.DATE_SALES, '%Y-%m') AS SALES_MONTH,
    SUM(s.PRICE) AS SALES_VOLUME,
    COUNT(*) AS TRANSACTIONS
FROM SALES AS s
GROUP BY s.MERCHANT_ID, DATE_FORMAT(s.DATE_SALES, '%Y-%m')
ORDER BY s.MERCHANT_ID, SALES_MONTH;
