-- retort offline script: upgrade base -> aaaa00000001 on sqlite, generated 2026-01-02 03:04:05Z
-- version table alembic_version, transaction mode none

CREATE TABLE "alembic_version" (version_num VARCHAR(255) NOT NULL, CONSTRAINT "alembic_version_pkc" PRIMARY KEY (version_num));

CREATE TABLE "alembic_version_log" (
	id INTEGER PRIMARY KEY,
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

-- Running upgrade  -> aaaa00000001, create accounts

INSERT INTO "alembic_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('aaaa00000001', 'upgrade', '80a571166ce2c3a2a41470b56c516b9cc07414fed5fcaa8d0e6bf5ce2655b0a7', '2026-01-02 03:04:05.000000', NULL, 'running', 0, 1, NULL, 'tester@example', '0.0.0-test');

CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL);

BEGIN IMMEDIATE;

INSERT INTO "alembic_version" (version_num) VALUES ('aaaa00000001');

UPDATE "alembic_version_log" SET status = 'done', statements_done = 1, finished_at = '2026-01-02 03:04:05.000000' WHERE revision = 'aaaa00000001' AND direction = 'upgrade' AND started_at = '2026-01-02 03:04:05.000000' AND status = 'running';

COMMIT;
