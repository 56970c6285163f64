-- Resources left without usages go with the DSR; shared ones stay.
DELETE FROM dsr_resource
WHERE id IN (SELECT resource_id FROM dsr_usage WHERE dsr_id = :dsr_id)
  AND NOT EXISTS (
      SELECT 1 FROM dsr_usage u WHERE u.resource_id = dsr_resource.id AND u.dsr_id <> :dsr_id
  );
DELETE FROM dsr_usage WHERE dsr_id = :dsr_id;
DELETE FROM dsr_reject WHERE dsr_id = :dsr_id;
DELETE FROM dsr WHERE id = :dsr_id
