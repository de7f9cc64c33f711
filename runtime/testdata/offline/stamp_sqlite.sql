-- retort offline script: stamp base -> bbbb00000002 cccc00000003 on sqlite, generated 2026-01-02 03:04:05Z
-- version table retort_version, transaction mode per-migration

CREATE TABLE "retort_version" (version_num VARCHAR(255) NOT NULL, CONSTRAINT "retort_version_pkc" PRIMARY KEY (version_num));

CREATE TABLE "retort_version_log" (
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

BEGIN IMMEDIATE;

-- Running stamp_revision  -> bbbb00000002

INSERT INTO "retort_version" (version_num) VALUES ('bbbb00000002');

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('bbbb00000002', 'stamp', 'b8be9a1b63b026425085a08af489345fd8375d86ce4a7e9c0e7ccf79cf4fd645', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 0, 0, NULL, 'tester@example', '0.0.0-test');

-- Running stamp_revision  -> cccc00000003

INSERT INTO "retort_version" (version_num) VALUES ('cccc00000003');

INSERT INTO "retort_version_log" (revision, direction, checksum, started_at, finished_at, status, statements_done, statements_total, error, applied_by, tool_version) VALUES ('cccc00000003', 'stamp', 'ecf365cccd41f9f7f5abe95f538125071f75f57938d202c5ece99f1ac48658b9', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'done', 0, 0, NULL, 'tester@example', '0.0.0-test');

COMMIT;
