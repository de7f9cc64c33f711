-- retort offline script: stamp dddd00000004 -> base on mysql, generated 2026-01-02 03:04:05Z
-- version table retort_version, transaction mode per-migration

BEGIN;

-- Running stamp_revision dddd00000004 -> 

DELETE FROM `retort_version` WHERE version_num = 'dddd00000004';

INSERT INTO `retort_version_log` (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('base', 'stamp', '', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 0, 0, NULL, 'o''brien\\x@example', '0.0.0-test');

COMMIT;
