-- First non-empty metadata wins: a later DSR only fills fields still missing, never overwrites.
-- ORDER BY dsp_id: new keys reach the unique B-tree in order, so consecutive inserts hit the
-- same leaf pages (measured ~1.6x faster than stage order on 1 M new resources, Postgres).
INSERT INTO dsr_resource (dsp_id, title, artists, isrc)
SELECT dsp_id, title, artists, isrc FROM dsr_stage WHERE true ORDER BY dsp_id
ON CONFLICT (dsp_id) DO UPDATE SET
    title = COALESCE(dsr_resource.title, excluded.title),
    artists = COALESCE(dsr_resource.artists, excluded.artists),
    isrc = COALESCE(dsr_resource.isrc, excluded.isrc)
WHERE (dsr_resource.title IS NULL AND excluded.title IS NOT NULL)
   OR (dsr_resource.artists IS NULL AND excluded.artists IS NOT NULL)
   OR (dsr_resource.isrc IS NULL AND excluded.isrc IS NOT NULL)
