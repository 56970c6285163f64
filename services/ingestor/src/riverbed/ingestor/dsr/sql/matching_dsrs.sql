-- Ingested DSRs matching the filters ({where}), each with its mean EUR rate over its period.
SELECT d.id AS dsr_id, d.currency_code, d.period_start, d.period_end,
       CASE WHEN d.currency_code = 'EUR' THEN 1.0 ELSE (
           SELECT AVG(f.rate) FROM fx_rate f
           WHERE f.currency_code = d.currency_code
             AND f.rate_date BETWEEN d.period_start AND d.period_end
       ) END AS rate
FROM dsr d
WHERE d.status = 'ingested' {where}
