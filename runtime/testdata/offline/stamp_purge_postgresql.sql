-- retort offline script: stamp bbbb00000002 -> heads on postgresql, generated 2026-01-02 03:04:05Z
-- version table retort_version, transaction mode per-migration

BEGIN;

DELETE FROM "retort_version";

-- Running stamp_revision  -> dddd00000004

INSERT INTO "retort_version" (version_num) VALUES ('dddd00000004');

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('dddd00000004', 'stamp', '0cae78815a3bb70c606064f25a471a695b9962ebd428d881ecda6380d830c6f4', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 0, 0, NULL, 'o''brien\x@example', '0.0.0-test');

COMMIT;
