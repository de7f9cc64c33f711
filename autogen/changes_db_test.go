package autogen_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/schema"
)

// schemaA is the database before the models change.
func schemaA() *schema.Schema {
	return schema.NewSchema(
		schema.NewTable("ref",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("code", schema.String(10), schema.NotNull(), schema.Unique()),
		),
		schema.NewTable("keep",
			schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
			schema.Col("name", schema.String(32), schema.NotNull()),
			schema.Col("note", schema.Text()),
			schema.Col("kind", schema.String(10), schema.Default("'a'")),
			schema.Col("descr", schema.String(50), schema.Comment("old")),
			schema.Col("code", schema.String(10), schema.Indexed()),
			schema.Col("old_col", schema.String(20)),
			schema.Col("ref_id", schema.Integer(), schema.References("ref", "id")),
			schema.UniqueOn("uq_keep_name", "name"),
			schema.CheckOn("ck_keep_name", "name <> ''"),
			schema.TableComment("kept"),
		),
		schema.NewTable("gone",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("keep_id", schema.Integer(), schema.References("keep", "id")),
		),
		schema.NewTable("nopk",
			schema.Col("a", schema.Integer(), schema.NotNull()),
			schema.Col("b", schema.Integer()),
		),
		schema.NewTable("haspk",
			schema.Col("a", schema.Integer(), schema.PrimaryKey()),
			schema.Col("b", schema.Integer()),
		),
	)
}

// schemaB is the models: one change of every kind the comparer knows
// against schemaA, and new tables whose foreign keys form a cycle.
func schemaB() *schema.Schema {
	return schema.NewSchema(
		schema.NewTable("ref",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("code", schema.String(10), schema.NotNull(), schema.Unique()),
		),
		schema.NewTable("keep",
			schema.Col("id", schema.Integer(), schema.PrimaryKey(), schema.AutoIncrement()),
			schema.Col("name", schema.String(64), schema.NotNull(), schema.Indexed()), // modify_type, add_index
			schema.Col("note", schema.Text(), schema.NotNull()),                       // modify_nullable
			schema.Col("kind", schema.String(10), schema.Default("'b'")),              // modify_default
			schema.Col("descr", schema.String(50), schema.Comment("new")),             // modify_comment
			schema.Col("code", schema.String(10), schema.Unique()),                    // remove_index, add_unique
			schema.Col("new_col", schema.String(20)),                                  // remove_column old_col, add_column: a rename?
			schema.Col("other_id", schema.Integer(), schema.References("ref", "id")),  // remove_fk ref_id, add_fk
			schema.CheckOn("ck_keep_kind", "kind IN ('a', 'b')"),                      // remove_check, add_check
			schema.TableComment("still kept"),                                         // modify_table_comment
		),
		// gone: remove_table
		schema.NewTable("nopk",
			schema.Col("a", schema.Integer(), schema.PrimaryKey()), // add_pk
			schema.Col("b", schema.Integer()),
		),
		schema.NewTable("haspk",
			schema.Col("a", schema.Integer(), schema.NotNull()), // remove_pk
			schema.Col("b", schema.Integer()),
		),
		// add_table, with a cycle: newa -> newb -> newa, and newc -> newa.
		schema.NewTable("newc",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("a_id", schema.Integer(), schema.References("newa", "id")),
		),
		schema.NewTable("newa",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("b_id", schema.Integer(), schema.References("newb", "id")),
			schema.Col("self_id", schema.Integer(), schema.References("newa", "id")),
		),
		schema.NewTable("newb",
			schema.Col("id", schema.Integer(), schema.PrimaryKey()),
			schema.Col("a_id", schema.Integer(), schema.References("newa", "id", schema.OnDelete("CASCADE"))),
		),
	)
}

// TestChangesUpAndDown is must-show 2: from schema A in the database,
// compare with the models B, plan, upgrade; the database then compares
// equal to B; downgrade, and it compares equal to the original inspection
// both ways.
func TestChangesUpAndDown(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		// Schema A is created the way autogenerate would: from nothing.
		upA, _ := autogen.Plan(autogen.Compare(&schema.Schema{}, schemaA(), h.opts()))
		h.runSteps(t, upA)
		original := h.Inspect(t)
		noChanges(t, "schema A created from its plan", autogen.Compare(original, schemaA(), h.opts()))

		changes := autogen.Compare(original, schemaB(), h.opts())
		kinds := map[autogen.Kind]int{}
		var list []string
		for _, c := range changes {
			kinds[c.Kind]++
			list = append(list, c.String())
		}
		want := []autogen.Kind{autogen.AddTable, autogen.RemoveTable, autogen.AddColumn, autogen.RemoveColumn,
			autogen.ModifyType, autogen.ModifyNullable, autogen.ModifyDefault, autogen.AddIndex, autogen.RemoveIndex,
			autogen.AddFK, autogen.RemoveFK, autogen.AddCheck, autogen.RemoveCheck, autogen.AddPK, autogen.RemovePK}
		switch h.Dialect {
		case "mysql":
			// MySQL: a unique constraint is a unique index (see Compare).
		default:
			want = append(want, autogen.AddUnique, autogen.RemoveUnique)
		}
		if h.Dialect != "sqlite" {
			want = append(want, autogen.ModifyComment, autogen.ModifyTableComment)
		} else if kinds[autogen.ModifyComment]+kinds[autogen.ModifyTableComment] > 0 {
			t.Errorf("SQLite keeps no comments, yet comment changes were reported:\n%s", strings.Join(list, "\n"))
		}
		for _, k := range want {
			if kinds[k] == 0 {
				t.Errorf("no %s change among:\n%s", k, strings.Join(list, "\n"))
			}
		}
		var renames int
		for _, c := range changes {
			if strings.Contains(c.Note, "may be a rename of column old_col to new_col") {
				renames++
			}
		}
		if renames != 2 {
			t.Errorf("the rename note is on %d changes, want 2 (the drop and the add):\n%s", renames, strings.Join(list, "\n"))
		}

		up, down := autogen.Plan(changes)
		h.runSteps(t, up)
		after := h.Inspect(t)
		noChanges(t, "after upgrade, database against the models", autogen.Compare(after, schemaB(), h.opts()))
		if slices.ContainsFunc(after.Tables, func(t *schema.Table) bool { return t.Name == "gone" }) {
			t.Error("table gone is still there")
		}

		h.runSteps(t, down)
		back := h.Inspect(t)
		noChanges(t, "after downgrade, database against the original", autogen.Compare(back, original, h.opts()))
		noChanges(t, "after downgrade, original against the database", autogen.Compare(original, back, h.opts()))
		noChanges(t, "after downgrade, database against schema A", autogen.Compare(back, schemaA(), h.opts()))
	})
}
