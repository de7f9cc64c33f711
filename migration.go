package retort

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	goruntime "runtime"
	"strings"

	"github.com/retort-sql/retort/graph"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/script"
)

// Migration is a Go migration: a revision of the graph, declared with the
// fields of a script's header, whose upgrade and downgrade are Go funcs.
// The project keeps its migrations in a slice of its own and hands them to
// WithMigrations (or cli.Options.Migrations); retort keeps no registry.
//
//	var Migrations = []*retort.Migration{{
//		Revision: "1284c81cf727",
//		Revises:  "4358d1b8cc75",
//		Message:  "create lswitch and lswitch port orphaned tables",
//		Upgrade: func(ctx context.Context, ops *op.Operations) error {
//			return ops.CreateTable(ctx, lswitchOrphaned)
//		},
//		Downgrade: func(ctx context.Context, ops *op.Operations) error {
//			return ops.DropTable(ctx, "quark_lswitch_orphaned")
//		},
//	}}
//
// The funcs run inside the step's transaction on PostgreSQL and SQLite: an
// error returned, or a panic, rolls back everything the step did. On
// MySQL/MariaDB, whose DDL commits on its own, each statement is recorded
// in the log as it completes; `upgrade --resume` after a failure runs the
// func again and skips the statements the log says are applied, so a Go
// migration must issue the same statements in the same order every time it
// runs (decide what to issue from its own code, not from the data it
// reads).
type Migration struct {
	// Revision is the id: letters, digits and _ (a hex id, 001, ...).
	Revision string
	// Revises, BranchLabels and DependsOn are space-separated lists, as
	// in a script's header: Revises empty for a base, several ids for a
	// merge point.
	Revises      string
	Message      string
	BranchLabels string
	DependsOn    string
	// NoTransaction runs the step outside any transaction, with each
	// statement recorded in the log as it completes (CREATE INDEX
	// CONCURRENTLY, say).
	NoTransaction bool
	// Upgrade is required. Downgrade may be nil: downgrading through the
	// revision then fails before any step runs.
	Upgrade, Downgrade func(ctx context.Context, ops *op.Operations) error
}

// compile turns m into the runtime's Go migration, its place named by the
// source file and line of its Upgrade func.
func (m *Migration) compile() (*runtime.GoMigration, error) {
	if m == nil {
		return nil, errors.New("a Go migration is nil")
	}
	file := funcLocation(m.Upgrade)
	if file == "" {
		file = funcLocation(m.Downgrade)
	}
	id := strings.TrimSpace(m.Revision)
	where := file
	if where == "" {
		where = "Go migration " + id
	}
	switch {
	case id == "":
		return nil, fmt.Errorf("%s: a Go migration has no Revision", where)
	case m.Upgrade == nil:
		return nil, fmt.Errorf("%s: Go migration %s has no Upgrade func", where, id)
	}
	return &runtime.GoMigration{
		Revision: graph.Revision{
			ID:           id,
			Revises:      strings.Fields(m.Revises),
			DependsOn:    strings.Fields(m.DependsOn),
			BranchLabels: strings.Fields(m.BranchLabels),
			Message:      m.Message,
			File:         where,
		},
		NoTransaction: m.NoTransaction,
		Up:            m.Upgrade,
		Down:          m.Downgrade,
	}, nil
}

// funcLocation is "file.go:line" of f's declaration, the file relative to
// the working directory when below it; "" for a nil func.
func funcLocation(f func(context.Context, *op.Operations) error) string {
	if f == nil {
		return ""
	}
	fn := goruntime.FuncForPC(reflect.ValueOf(f).Pointer())
	if fn == nil {
		return ""
	}
	file, line := fn.FileLine(fn.Entry())
	if file == "" {
		return ""
	}
	if wd, err := os.Getwd(); err == nil && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(wd, file); err == nil && filepath.IsLocal(rel) {
			file = rel
		}
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// Assemble builds the revision graph of SQL scripts and Go migrations
// together, and the migrations the runtime runs by revision: what Open
// does with its options, for tools built on the lower-level packages (the
// cli package mounts a project's migrations with it). A revision defined
// twice, as scripts, Go migrations or one of each, fails with a
// *DuplicateRevisionError naming both.
func Assemble(scripts []*script.Script, migrations []*Migration) (*graph.Graph, map[string]runtime.Migration, error) {
	gos := make([]*runtime.GoMigration, 0, len(migrations))
	for _, m := range migrations {
		g, err := m.compile()
		if err != nil {
			return nil, nil, err
		}
		gos = append(gos, g)
	}
	return runtime.Assemble(scripts, gos)
}
