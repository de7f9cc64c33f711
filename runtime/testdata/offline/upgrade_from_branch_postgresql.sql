-- retort offline script: upgrade bbbb00000002 -> heads on postgresql, generated 2026-01-02 03:04:05Z
-- version table retort_version, transaction mode per-migration

-- Running upgrade aaaa00000001 -> cccc00000003, add invoices (outside a transaction)

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('cccc00000003', 'upgrade', 'ecf365cccd41f9f7f5abe95f538125071f75f57938d202c5ece99f1ac48658b9', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 2, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE invoices (id INTEGER PRIMARY KEY, note VARCHAR(64) DEFAULT 'it''s');

UPDATE "retort_version_log" SET statements_done = 1 WHERE revision = 'cccc00000003' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

CREATE INDEX invoices_note ON invoices (note);

BEGIN;

INSERT INTO "retort_version" (version_num) VALUES ('cccc00000003');

UPDATE "retort_version_log" SET status = 'done', statements_done = 2, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'cccc00000003' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;

-- Running upgrade bbbb00000002, cccc00000003 -> dddd00000004, merge orders and invoices

BEGIN;

CREATE TABLE payments (id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL,
  memo VARCHAR(64) -- free text
);

DELETE FROM "retort_version" WHERE version_num = 'bbbb00000002';

UPDATE "retort_version" SET version_num = 'dddd00000004' WHERE version_num = 'cccc00000003';

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('dddd00000004', 'upgrade', '0cae78815a3bb70c606064f25a471a695b9962ebd428d881ecda6380d830c6f4', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL, 'tester@example', '0.0.0-test');

COMMIT;
