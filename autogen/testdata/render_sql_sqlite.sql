-- retort:upgrade
CREATE TABLE "database_snapshots" (
	"created_at" DATETIME,
	"updated_at" DATETIME,
	"deleted_at" DATETIME,
	"deleted" BOOLEAN,
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"uuid" VARCHAR(36) NOT NULL,
	"user_id" INTEGER,
	"size" BIGINT NOT NULL DEFAULT 0,
	"state" VARCHAR(7),
	CONSTRAINT "fk_database_snapshots_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id"),
	CONSTRAINT "ck_database_snapshots_size" CHECK (size >= 0)
);
CREATE UNIQUE INDEX "uuid_ux" ON "database_snapshots" ("uuid");
CREATE INDEX "ix_database_snapshots_user_id" ON "database_snapshots" ("user_id");

ALTER TABLE "users" ADD COLUMN "state" VARCHAR(32);

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255),
	"created_at" DATETIME,
	"state" VARCHAR(32)
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255) DEFAULT '',
	"created_at" DATETIME,
	"state" VARCHAR(32)
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200),
	"body" TEXT,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title", "body") SELECT "id", "user_id", "title", "body" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

-- posts.body dropped and posts.content added, both text:
-- may be a rename of column body to content
CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200),
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title") SELECT "id", "user_id", "title" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

ALTER TABLE "posts" ADD COLUMN "content" TEXT;

ALTER TABLE "posts" ADD COLUMN "editor_id" INTEGER;

CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200),
	"content" TEXT,
	"editor_id" INTEGER,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
	CONSTRAINT "fk_posts_editor_id_users" FOREIGN KEY ("editor_id") REFERENCES "users" ("id") ON DELETE SET NULL
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title", "content", "editor_id") SELECT "id", "user_id", "title", "content", "editor_id" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

CREATE INDEX "ix_posts_title" ON "posts" ("title");

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255) DEFAULT '',
	"created_at" DATETIME,
	"state" VARCHAR(32),
	CONSTRAINT "uq_users_email" UNIQUE ("email")
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255) DEFAULT '',
	"created_at" DATETIME,
	"state" VARCHAR(32),
	CONSTRAINT "uq_users_email" UNIQUE ("email"),
	CONSTRAINT "ck_users_state" CHECK (state IN ('active', 'gone'))
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

-- set comment on table users: nothing to do on sqlite

DROP TABLE "legacy_audit";

-- retort:downgrade
CREATE TABLE "legacy_audit" (
	"id" INTEGER NOT NULL,
	"what" VARCHAR(100) NOT NULL DEFAULT 'none',
	PRIMARY KEY ("id")
);

-- set comment on table users: nothing to do on sqlite

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255) DEFAULT '',
	"created_at" DATETIME,
	"state" VARCHAR(32),
	CONSTRAINT "uq_users_email" UNIQUE ("email")
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255) DEFAULT '',
	"created_at" DATETIME,
	"state" VARCHAR(32)
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

DROP INDEX "ix_posts_title";

CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200),
	"content" TEXT,
	"editor_id" INTEGER,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title", "content", "editor_id") SELECT "id", "user_id", "title", "content", "editor_id" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200),
	"content" TEXT,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title", "content") SELECT "id", "user_id", "title", "content" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200),
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title") SELECT "id", "user_id", "title" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

-- posts.body dropped and posts.content added, both text:
-- may be a rename of column body to content
ALTER TABLE "posts" ADD COLUMN "body" TEXT;

CREATE TABLE "_retort_tmp_posts" (
	"id" INTEGER NOT NULL,
	"user_id" INTEGER NOT NULL,
	"title" VARCHAR(200) NOT NULL,
	"body" TEXT,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_posts_user_id_users" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
INSERT INTO "_retort_tmp_posts" ("id", "user_id", "title", "body") SELECT "id", "user_id", "title", "body" FROM "posts";
DROP TABLE "posts";
ALTER TABLE "_retort_tmp_posts" RENAME TO "posts";
CREATE INDEX "ix_posts_user_id" ON "posts" ("user_id");

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(128) NOT NULL,
	"email" VARCHAR(255),
	"created_at" DATETIME,
	"state" VARCHAR(32)
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(64) NOT NULL,
	"email" VARCHAR(255),
	"created_at" DATETIME,
	"state" VARCHAR(32)
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at", "state") SELECT "id", "name", "email", "created_at", "state" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"name" VARCHAR(64) NOT NULL,
	"email" VARCHAR(255),
	"created_at" DATETIME
);
INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_tmp_users', seq FROM sqlite_sequence WHERE name = 'users';
INSERT INTO "_retort_tmp_users" ("id", "name", "email", "created_at") SELECT "id", "name", "email", "created_at" FROM "users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";

DROP TABLE "database_snapshots";
