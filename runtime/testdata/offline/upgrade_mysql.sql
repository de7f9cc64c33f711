-- retort offline script: upgrade base -> heads on mysql, generated 2026-01-02 03:04:05Z
-- version table retort_version, transaction mode per-migration

CREATE TABLE `retort_version` (version_num VARCHAR(255) NOT NULL, CONSTRAINT `retort_version_pkc` PRIMARY KEY (version_num)) ENGINE=InnoDB;

CREATE TABLE `retort_version_log` (
	id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	revision VARCHAR(255) NOT NULL,
	direction VARCHAR(16) NOT NULL,
	checksum VARCHAR(64) NOT NULL DEFAULT '',
	started_at DATETIME(6) NOT NULL,
	finished_at DATETIME(6) NULL,
	status VARCHAR(16) NOT NULL,
	statements_done INTEGER NOT NULL DEFAULT 0,
	statements_total INTEGER NOT NULL DEFAULT 0,
	error TEXT,
	applied_by VARCHAR(255) NOT NULL DEFAULT '',
	tool_version VARCHAR(64) NOT NULL DEFAULT ''
) ENGINE=InnoDB;

-- Running upgrade  -> aaaa00000001, create accounts

INSERT INTO `retort_version_log` (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('aaaa00000001', 'upgrade', '80a571166ce2c3a2a41470b56c516b9cc07414fed5fcaa8d0e6bf5ce2655b0a7', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 1, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL);

BEGIN;

INSERT INTO `retort_version` (version_num) VALUES ('aaaa00000001');

UPDATE `retort_version_log` SET status = 'done', statements_done = 1, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'aaaa00000001' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;

-- Running upgrade aaaa00000001 -> cccc00000003, add invoices (outside a transaction)

INSERT INTO `retort_version_log` (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('cccc00000003', 'upgrade', 'ecf365cccd41f9f7f5abe95f538125071f75f57938d202c5ece99f1ac48658b9', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 2, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE invoices (id INTEGER PRIMARY KEY, note VARCHAR(64) DEFAULT 'it''s');

UPDATE `retort_version_log` SET statements_done = 1 WHERE revision = 'cccc00000003' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

CREATE INDEX invoices_note ON invoices (note);

BEGIN;

UPDATE `retort_version` SET version_num = 'cccc00000003' WHERE version_num = 'aaaa00000001';

UPDATE `retort_version_log` SET status = 'done', statements_done = 2, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'cccc00000003' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;

-- Running upgrade aaaa00000001 -> bbbb00000002, add orders, with a trigger

INSERT INTO `retort_version_log` (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('bbbb00000002', 'upgrade', 'b8be9a1b63b026425085a08af489345fd8375d86ce4a7e9c0e7ccf79cf4fd645', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 2, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL);

UPDATE `retort_version_log` SET statements_done = 1 WHERE revision = 'bbbb00000002' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

DELIMITER //
CREATE TRIGGER orders_touch AFTER INSERT ON orders FOR EACH ROW BEGIN
  UPDATE accounts SET name = name WHERE id = NEW.account_id;
END
//
DELIMITER ;

BEGIN;

INSERT INTO `retort_version` (version_num) VALUES ('bbbb00000002');

UPDATE `retort_version_log` SET status = 'done', statements_done = 2, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'bbbb00000002' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;

-- Running upgrade bbbb00000002, cccc00000003 -> dddd00000004, merge orders and invoices

INSERT INTO `retort_version_log` (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('dddd00000004', 'upgrade', '0cae78815a3bb70c606064f25a471a695b9962ebd428d881ecda6380d830c6f4', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 1, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE payments (id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL,
  memo VARCHAR(64) -- free text
);

BEGIN;

DELETE FROM `retort_version` WHERE version_num = 'bbbb00000002';

UPDATE `retort_version` SET version_num = 'dddd00000004' WHERE version_num = 'cccc00000003';

UPDATE `retort_version_log` SET status = 'done', statements_done = 1, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'dddd00000004' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;
