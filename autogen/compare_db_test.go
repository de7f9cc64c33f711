package autogen_test

// Compare and Plan against real databases: a SQLite file, a PostgreSQL
// database and a MariaDB database of the test's own (internal/testdb), as
// op/dialects_test.go does. Each test declares models with the DSL,
// creates them through the dialect's renderer, inspects the result and
// compares.

import (
	"strings"
	"testing"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/internal/dialecttest"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// harness is one test's database of one dialect (internal/dialecttest).
type harness struct{ *dialecttest.DB }

// dialectURLs are the three dialects and their test databases.
var dialectURLs = dialecttest.Dialects

// eachDialect runs fn once per dialect, on a database of its own.
func eachDialect(t *testing.T, fn func(t *testing.T, h *harness)) {
	dialecttest.Each(t, func(t *testing.T, db *dialecttest.DB) { fn(t, &harness{db}) })
}

func (h *harness) runSteps(t *testing.T, steps []autogen.Step) {
	t.Helper()
	ops := make([]op.Op, len(steps))
	for i, s := range steps {
		ops[i] = s.Op
	}
	h.Run(t, ops...)
}

func (h *harness) opts() autogen.Options { return autogen.Options{Dialect: h.Dialect} }

// noChanges fails with every change listed unless there are none.
func noChanges(t *testing.T, what string, changes []autogen.Change) {
	t.Helper()
	if len(changes) == 0 {
		return
	}
	var b strings.Builder
	for _, c := range changes {
		b.WriteString("\n\t" + c.String())
	}
	t.Errorf("%s: %d differences, want none:%s", what, len(changes), b.String())
}

// richSchema is every portable type, composite primary and foreign keys,
// named and unnamed constraints, self-referencing and cross-table foreign
// keys, partial and expression indexes where the dialect has them, and
// comments.
func richSchema(dialectName string) *schema.Schema {
	accounts := schema.NewTable("accounts",
		schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
		schema.Col("email", schema.String(120), schema.NotNull(), schema.Unique()),
		schema.Col("name", schema.Text()),
		schema.Col("active", schema.Boolean(), schema.NotNull(), schema.Default("true")),
		schema.Col("rank", schema.SmallInt(), schema.Default("0")),
		schema.Col("visits", schema.BigInt(), schema.NotNull(), schema.Default("-1")),
		schema.Col("created_at", schema.DateTime(), schema.NotNull(), schema.Default("CURRENT_TIMESTAMP")),
		schema.Col("seen_at", schema.DateTimeTZ()),
		schema.Col("birthday", schema.Date()),
		schema.Col("wakes_at", schema.Time()),
		schema.Col("balance", schema.Numeric(12, 2), schema.NotNull(), schema.Default("0")),
		schema.Col("ratio", schema.Float(), schema.Default("1.5")),
		schema.Col("token", schema.Binary(16)),
		schema.Col("photo", schema.Binary(0)),
		schema.Col("uid", schema.UUID()),
		schema.Col("prefs", schema.JSON()),
		schema.Col("state", schema.Enum("draft", "live", "it's"), schema.NotNull(), schema.Default("'draft'")),
		schema.Col("code", schema.String(12), schema.Default("'x'"), schema.Comment("printed on the card")),
		schema.Col("addr", schema.Raw("", "postgresql", "INET", "mysql", "VARCHAR(45)", "sqlite", "TEXT")),
		schema.Col("parent_id", schema.Integer(), schema.Indexed(), schema.References("accounts", "id", schema.OnDelete("SET NULL"))),
		schema.CheckOn("ck_accounts_rank", "rank >= 0"),
		schema.CheckOn("", "visits >= -1"),
		schema.TableComment("one row per account"),
	)
	orgs := schema.NewTable("orgs",
		schema.Col("region", schema.String(8)),
		schema.Col("code", schema.Integer()),
		schema.Col("title", schema.String(80), schema.NotNull()),
		schema.PrimaryKeyOn("pk_orgs", "region", "code"),
		schema.UniqueOn("uq_orgs_title", "title"),
	)
	memberships := schema.NewTable("memberships",
		schema.Col("account_id", schema.Integer(), schema.NotNull()),
		schema.Col("region", schema.String(8), schema.NotNull()),
		schema.Col("org_code", schema.Integer(), schema.NotNull()),
		schema.Col("role", schema.String(20), schema.NotNull(), schema.Default("'member'")),
		schema.PrimaryKeyOn("", "account_id", "region", "org_code"),
		schema.ForeignKeyOn("fk_memberships_org", []string{"region", "org_code"}, "orgs", []string{"region", "code"},
			schema.OnDelete("CASCADE"), schema.OnUpdate("CASCADE")),
		schema.ForeignKeyOn("", []string{"account_id"}, "accounts", []string{"id"}),
		schema.UniqueOn("", "account_id", "role"),
		schema.IndexOn("ix_memberships_role", "role", "region"),
		schema.CheckOn("", "role <> ''"),
	)
	if dialectName != "mysql" {
		// MySQL and MariaDB have no partial indexes, and MariaDB no
		// expression indexes (op's tests assert MySQL refuses a partial
		// index).
		memberships.Indexes = append(memberships.Indexes,
			&schema.Index{Name: "ix_memberships_admins", Columns: []string{"account_id"}, Unique: true, Where: "role = 'admin'"},
			&schema.Index{Name: "ix_memberships_lower_role", Columns: []string{"lower(role)"}})
	}
	return schema.NewSchema(accounts, memberships, orgs)
}

// TestRoundTrip is must-show 1: the rich schema, created through the
// renderer and inspected, compares equal to itself and to the models.
func TestRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		models := richSchema(h.Dialect)
		for _, name := range []string{"accounts", "orgs", "memberships"} {
			h.Run(t, &op.CreateTable{Table: models.Table(name).Clone()})
		}
		got := h.Inspect(t)
		if len(got.Tables) != 3 {
			t.Fatalf("inspected %d tables, want 3", len(got.Tables))
		}
		noChanges(t, "inspected against itself", autogen.Compare(got, got, h.opts()))
		noChanges(t, "inspected against the models", autogen.Compare(got, models, h.opts()))
		noChanges(t, "models against inspected", autogen.Compare(models, got, h.opts()))

		acc := got.Table("accounts")
		switch h.Dialect {
		case "sqlite":
			// SQLite keeps no comments: the round trip holds because
			// comments are not compared there, not because they survive.
			if acc.Comment != "" || acc.Column("code").Comment != "" {
				t.Errorf("SQLite kept a comment: %q, %q", acc.Comment, acc.Column("code").Comment)
			}
		default:
			if acc.Comment != "one row per account" || acc.Column("code").Comment != "printed on the card" {
				t.Errorf("comments inspected as %q, %q", acc.Comment, acc.Column("code").Comment)
			}
		}
		// A change on each side must show: the comparison is not blind.
		changed := richSchema(h.Dialect)
		changed.Table("accounts").Column("name").Nullable = false
		changed.Table("orgs").Uniques = nil
		cs := autogen.Compare(got, changed, h.opts())
		if len(cs) != 2 {
			t.Errorf("after two model changes Compare reports %d changes: %v", len(cs), cs)
		}
	})
}
