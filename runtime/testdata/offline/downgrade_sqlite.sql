-- retort offline script: downgrade dddd00000004 -> base on sqlite, generated 2026-01-02 03:04:05Z
-- version table retort_version, transaction mode per-migration

-- Running downgrade dddd00000004 -> bbbb00000002, cccc00000003, merge orders and invoices

BEGIN IMMEDIATE;

DROP TABLE payments;

INSERT INTO "retort_version" (version_num) VALUES ('bbbb00000002');

UPDATE "retort_version" SET version_num = 'cccc00000003' WHERE version_num = 'dddd00000004';

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('dddd00000004', 'downgrade', '0cae78815a3bb70c606064f25a471a695b9962ebd428d881ecda6380d830c6f4', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL, 'tester@example', '0.0.0-test');

COMMIT;

-- Running downgrade bbbb00000002 -> aaaa00000001, add orders, with a trigger

BEGIN IMMEDIATE;

DROP TABLE orders;

DELETE FROM "retort_version" WHERE version_num = 'bbbb00000002';

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('bbbb00000002', 'downgrade', 'b8be9a1b63b026425085a08af489345fd8375d86ce4a7e9c0e7ccf79cf4fd645', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL, 'tester@example', '0.0.0-test');

COMMIT;

-- Running downgrade cccc00000003 -> aaaa00000001, add invoices (outside a transaction)

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('cccc00000003', 'downgrade', 'ecf365cccd41f9f7f5abe95f538125071f75f57938d202c5ece99f1ac48658b9', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 2, NULL, 'tester@example', '0.0.0-test');

DROP INDEX invoices_note;

UPDATE "retort_version_log" SET statements_done = 1 WHERE revision = 'cccc00000003' AND direction = 'downgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

DROP TABLE invoices;

BEGIN IMMEDIATE;

UPDATE "retort_version" SET version_num = 'aaaa00000001' WHERE version_num = 'cccc00000003';

UPDATE "retort_version_log" SET status = 'done', statements_done = 2, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'cccc00000003' AND direction = 'downgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;

-- Running downgrade aaaa00000001 -> , create accounts

BEGIN IMMEDIATE;

DROP TABLE accounts;

DELETE FROM "retort_version" WHERE version_num = 'aaaa00000001';

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('aaaa00000001', 'downgrade', '80a571166ce2c3a2a41470b56c516b9cc07414fed5fcaa8d0e6bf5ce2655b0a7', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL, 'tester@example', '0.0.0-test');

COMMIT;
