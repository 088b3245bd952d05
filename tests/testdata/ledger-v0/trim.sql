-- Keep problems 1-3 (planned, transferred, reported) and only the photos they reference.
CREATE TEMP TABLE kept_photos AS
    SELECT DISTINCT j.value AS sha256 FROM problems p, json_each(p.attachments) j WHERE p.id <= 3;
DELETE FROM problem_events WHERE problem_id > 3;
DELETE FROM problems WHERE id > 3;
DELETE FROM patrol_places WHERE (gateway, seq) IN (
    SELECT gateway, seq FROM patrols p WHERE EXISTS (
        SELECT 1 FROM json_each(p.attachments) j WHERE j.value NOT IN (SELECT sha256 FROM kept_photos)));
DELETE FROM patrols WHERE EXISTS (
    SELECT 1 FROM json_each(patrols.attachments) j WHERE j.value NOT IN (SELECT sha256 FROM kept_photos));
DELETE FROM attachment_chunks WHERE sha256 NOT IN (SELECT sha256 FROM kept_photos);
DELETE FROM attachments WHERE sha256 NOT IN (SELECT sha256 FROM kept_photos);
