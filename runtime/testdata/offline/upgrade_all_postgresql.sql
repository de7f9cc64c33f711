-- retort offline script: upgrade base -> heads on postgresql, generated 2026-01-02 03:04:05Z
-- version table app.retort_version, transaction mode all

CREATE TABLE "app"."retort_version" (version_num VARCHAR(255) NOT NULL, CONSTRAINT "retort_version_pkc" PRIMARY KEY (version_num));

CREATE TABLE "app"."retort_version_log" (
	id BIGSERIAL PRIMARY KEY,
	revision VARCHAR(255) NOT NULL,
	direction VARCHAR(16) NOT NULL,
	checksum VARCHAR(64) NOT NULL DEFAULT '',
	started_at VARCHAR(32) NOT NULL,
	finished_at VARCHAR(32) NULL,
	status VARCHAR(16) NOT NULL,
	statements_done INTEGER NOT NULL DEFAULT 0,
	statements_total INTEGER NOT NULL DEFAULT 0,
	error TEXT,
	applied_by VARCHAR(255) NOT NULL DEFAULT '',
	tool_version VARCHAR(64) NOT NULL DEFAULT ''
);

BEGIN;

-- Running upgrade  -> aaaa00000001, create accounts

CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL);

INSERT INTO "app"."retort_version" (version_num) VALUES ('aaaa00000001');

INSERT INTO "app"."retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('aaaa00000001', 'upgrade', '80a571166ce2c3a2a41470b56c516b9cc07414fed5fcaa8d0e6bf5ce2655b0a7', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL, 'tester@example', '0.0.0-test');

-- Running upgrade aaaa00000001 -> cccc00000003, add invoices (outside a transaction)

COMMIT;

INSERT INTO "app"."retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('cccc00000003', 'upgrade', 'ecf365cccd41f9f7f5abe95f538125071f75f57938d202c5ece99f1ac48658b9', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 2, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE invoices (id INTEGER PRIMARY KEY, note VARCHAR(64) DEFAULT 'it''s');

UPDATE "app"."retort_version_log" SET statements_done = 1 WHERE revision = 'cccc00000003' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

CREATE INDEX invoices_note ON invoices (note);

BEGIN;

UPDATE "app"."retort_version" SET version_num = 'cccc00000003' WHERE version_num = 'aaaa00000001';

UPDATE "app"."retort_version_log" SET status = 'done', statements_done = 2, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'cccc00000003' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;

BEGIN;

-- Running upgrade aaaa00000001 -> bbbb00000002, add orders, with a trigger

CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL);

CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE accounts SET name = name WHERE id = NEW.account_id;
  RETURN NEW;
END
$$;

CREATE TRIGGER orders_touch AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orders_touch();

INSERT INTO "app"."retort_version" (version_num) VALUES ('bbbb00000002');

INSERT INTO "app"."retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('bbbb00000002', 'upgrade', 'b8be9a1b63b026425085a08af489345fd8375d86ce4a7e9c0e7ccf79cf4fd645', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 3, 3, NULL, 'tester@example', '0.0.0-test');

-- Running upgrade bbbb00000002, cccc00000003 -> dddd00000004, merge orders and invoices

CREATE TABLE payments (id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL,
  memo VARCHAR(64) -- free text
);

DELETE FROM "app"."retort_version" WHERE version_num = 'bbbb00000002';

UPDATE "app"."retort_version" SET version_num = 'dddd00000004' WHERE version_num = 'cccc00000003';

INSERT INTO "app"."retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('dddd00000004', 'upgrade', '0cae78815a3bb70c606064f25a471a695b9962ebd428d881ecda6380d830c6f4', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 1, 1, NULL, 'tester@example', '0.0.0-test');

COMMIT;
