-- retort:upgrade
CREATE TABLE "_retort_tmp_users" (
	"id" INTEGER,
	"name" TEXT COLLATE NOCASE NOT NULL,
	"email" VARCHAR(255),
	PRIMARY KEY ("id")
);
INSERT INTO "_retort_tmp_users" ("id", "name", "email") SELECT "id", "name", "email" FROM "users";
DROP VIEW "v_users";
DROP TABLE "users";
ALTER TABLE "_retort_tmp_users" RENAME TO "users";
CREATE INDEX ix_users_name ON users (name);
CREATE VIEW v_users AS SELECT id, name FROM users;
CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit (what) VALUES ('insert ' || NEW.name); END;

-- retort:downgrade
ALTER TABLE "users" ADD COLUMN "nickname" VARCHAR(20);
