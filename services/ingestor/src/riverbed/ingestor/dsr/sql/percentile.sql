-- Top resources (dsp_ids) by EUR revenue: a resource is in when the revenue of the resources
-- strictly above it is below number% of the total, so ties at the boundary are all in or all out.
WITH d AS ({matching}),
per AS (
    SELECT u.dsp_id, SUM(u.usages) AS usages, SUM(u.revenue / d.rate) AS revenue
    FROM dsr_usage u JOIN d ON d.dsr_id = u.dsr_id
    GROUP BY u.dsp_id
    HAVING SUM(u.revenue) IS NOT NULL
),
ranked AS (
    SELECT dsp_id, usages, revenue,
           COALESCE(SUM(revenue) OVER (
               ORDER BY revenue DESC GROUPS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ), 0) AS above,
           SUM(revenue) OVER () AS total
    FROM per
)
SELECT r.dsp_id, r.usages, r.revenue, COUNT(*) OVER () AS total_count
FROM ranked r
WHERE r.revenue > 0 AND r.above < r.total * :number / 100.0
ORDER BY r.revenue DESC, r.dsp_id
LIMIT :limit OFFSET :offset
