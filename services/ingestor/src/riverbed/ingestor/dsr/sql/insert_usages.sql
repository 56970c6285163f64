-- ORDER BY r.id: rows reach the (dsr_id, resource_id) key and the resource_id index in key order.
INSERT INTO dsr_usage (dsr_id, resource_id, usages, revenue)
SELECT :dsr_id, r.id, s.usages, s.revenue
FROM dsr_stage s JOIN dsr_resource r ON r.dsp_id = s.dsp_id
ORDER BY r.id
