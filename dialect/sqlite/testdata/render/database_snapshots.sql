CREATE TABLE "database_snapshots" (
	"created_at" DATETIME,
	"updated_at" DATETIME,
	"deleted_at" DATETIME,
	"deleted" BOOLEAN,
	"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	"uuid" VARCHAR(36) NOT NULL,
	"user_id" VARCHAR(32) NOT NULL,
	"instance_id" VARCHAR(36),
	"name" VARCHAR(255),
	"description" VARCHAR(255),
	"state" VARCHAR(32)
);
CREATE UNIQUE INDEX "ix_database_snapshots_uuid" ON "database_snapshots" ("uuid");
CREATE INDEX "ix_database_snapshots_user_id" ON "database_snapshots" ("user_id");
