DO $retort$
BEGIN
	IF to_regtype('"mood"') IS NULL THEN
		CREATE TYPE "mood" AS ENUM ('sad', 'ok', 'happy');
	ELSIF ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = to_regtype('"mood"') ORDER BY e.enumsortorder) <> ARRAY['sad', 'ok', 'happy']::text[] THEN
		RAISE EXCEPTION 'enum type % exists with other values than %', '"mood"', '(''sad'', ''ok'', ''happy'')';
	END IF;
END
$retort$;
CREATE TYPE "rich_state" AS ENUM ('new', 'done');
CREATE TABLE "rich" (
	"id" BIGINT NOT NULL,
	"seq" SMALLINT NOT NULL,
	"flag" BOOLEAN DEFAULT false NOT NULL,
	"label" VARCHAR(40),
	"body" TEXT,
	"born" DATE,
	"at" TIME WITHOUT TIME ZONE,
	"stamp" TIMESTAMP WITHOUT TIME ZONE,
	"stamp_tz" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
	"amount" NUMERIC(10,2) DEFAULT 0,
	"any_amount" NUMERIC,
	"ratio" DOUBLE PRECISION,
	"blob" BYTEA,
	"token" UUID NOT NULL,
	"doc" JSONB,
	"mood" "mood" DEFAULT 'ok',
	"state" "rich_state",
	"addr" inet,
	"free" VARCHAR,
	"parent_id" INTEGER,
	"parent_alt" INTEGER,
	"twin_id" BIGINT,
	"twin_seq" SMALLINT,
	CONSTRAINT "pk_rich" PRIMARY KEY ("id", "seq"),
	CONSTRAINT "uq_rich_label" UNIQUE ("label"),
	UNIQUE ("token"),
	CONSTRAINT "fk_rich_parent_id_parent" FOREIGN KEY ("parent_id") REFERENCES "parent" ("id") ON DELETE CASCADE,
	CONSTRAINT "fk_rich_twin" FOREIGN KEY ("twin_id", "twin_seq") REFERENCES "rich" ("id", "seq") ON DELETE SET NULL ON UPDATE CASCADE,
	FOREIGN KEY ("parent_alt") REFERENCES "parent" ("alt") ON DELETE RESTRICT,
	CONSTRAINT "ck_rich_amount" CHECK (amount > 0),
	CHECK (ratio < 1 OR ratio IS NULL)
);
CREATE INDEX "ix_rich_stamp" ON "rich" ("stamp", "born");
CREATE UNIQUE INDEX "ix_rich_live" ON "rich" ("label") WHERE stamp IS NOT NULL;
COMMENT ON TABLE "rich" IS 'every kind of column';
COMMENT ON COLUMN "rich"."label" IS 'what people see, it''s said';
