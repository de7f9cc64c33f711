package autogen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/dialect"
	"github.com/retort-sql/retort/runtime"
	"github.com/retort-sql/retort/schema"
	"github.com/retort-sql/retort/script"
)

// ScratchPrefix starts the name of every scratch database LoadSchemaFile
// creates on a server: retort_scratch_<UTC time>_<8 hex digits>, so that
// one left behind by a killed process is easy to recognise, and old.
const ScratchPrefix = "retort_scratch_"

// scratchStamp is the time in a scratch database's name.
const scratchStamp = "20060102150405"

// staleScratch is the age after which a scratch database is taken to be
// left behind (a scratch database lives for the seconds a comparison
// takes) and dropped by the next comparison on that server.
const staleScratch = time.Hour

// dropStaleScratch drops the scratch databases on the server older than
// staleScratch: those a process killed between create and drop left.
// It is best effort: a failure to list or drop one is not the command's.
func dropStaleScratch(ctx context.Context, server dialect.DB, dialectName string) {
	q := "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE 'retort\\_scratch\\_%'"
	if dialectName == "mysql" {
		q = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'retort\\_scratch\\_%'"
	}
	rows, err := server.SQL().QueryContext(ctx, q)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			break
		}
		stamp, _, ok := strings.Cut(strings.TrimPrefix(name, ScratchPrefix), "_")
		if t, err := time.Parse(scratchStamp, stamp); ok && err == nil && time.Since(t) > staleScratch {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = server.SQL().ExecContext(ctx, "DROP DATABASE IF EXISTS "+server.Dialect().QuoteIdent(name))
	}
}

// LoadSchemaFile reads the models of a schema file (`models = schema.sql`
// in retort.ini): it applies the file to a scratch database of the same
// dialect as u and inspects that. The server itself reads the SQL, so
// there is no second SQL parser to disagree with it, and both sides of a
// comparison come through the same inspector, rewritten the same way.
//
// The scratch database is an in-memory one for SQLite, and on PostgreSQL
// and MySQL a new database on u's server (the user needs the right to
// create databases), dropped again before LoadSchemaFile returns, also on
// failure. A statement that fails is reported with the file and line.
func LoadSchemaFile(ctx context.Context, u *config.URL, path string) (*schema.Schema, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the models: %w", err)
	}
	stmts, err := script.Split(u.Dialect, string(text), 1)
	if err != nil {
		return nil, fmt.Errorf("reading the models: %s: %w", path, err)
	}
	s, err := withScratch(ctx, u, func(db dialect.DB) (*schema.Schema, error) {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		for _, st := range stmts {
			if _, err := conn.ExecContext(ctx, st.SQL); err != nil {
				return nil, &statementError{fmt.Sprintf("models %s:%d: %s (statement: %s)", path, st.Line, db.Dialect().ErrorMessage(err), script.Summary(st.SQL))}
			}
		}
		insp, ok := db.Dialect().(dialect.Inspector)
		if !ok {
			return nil, fmt.Errorf("the %s dialect cannot inspect a database", db.Dialect().Name())
		}
		return insp.Inspect(ctx, conn)
	})
	var se *statementError
	if errors.As(err, &se) {
		return nil, err // it names the file and line already
	}
	if err != nil {
		return nil, fmt.Errorf("reading the models from %s: %w", path, err)
	}
	return s, nil
}

// statementError is a statement of the models file that the scratch
// database refused.
type statementError struct{ msg string }

func (e *statementError) Error() string { return e.msg }

// withScratch runs fn on a new, empty database of u's dialect and removes
// it afterwards.
func withScratch(ctx context.Context, u *config.URL, fn func(dialect.DB) (*schema.Schema, error)) (*schema.Schema, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return withScratchNamed(ctx, u, ScratchPrefix+time.Now().UTC().Format(scratchStamp)+"_"+hex.EncodeToString(b[:]), fn)
}

// withScratchNamed is withScratch with the scratch database's name given.
func withScratchNamed(ctx context.Context, u *config.URL, name string, fn func(dialect.DB) (*schema.Schema, error)) (*schema.Schema, error) {
	if u.Dialect == "sqlite" {
		db, err := runtime.Open(ctx, &config.URL{Dialect: "sqlite", Backend: "sqlite"})
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return fn(db)
	}

	server, err := runtime.Open(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", u.Redacted(), err)
	}
	defer server.Close()
	dropStaleScratch(ctx, server, u.Dialect)
	quoted := server.Dialect().QuoteIdent(name)
	if _, err := server.SQL().ExecContext(ctx, "CREATE DATABASE "+quoted); err != nil {
		return nil, fmt.Errorf("creating the scratch database %s on %s (the models are read by applying them to one; the user needs the right to create databases): %s",
			name, u.Redacted(), server.Dialect().ErrorMessage(err))
	}
	scratchURL := *u
	scratchURL.Database = name
	db, err := runtime.Open(ctx, &scratchURL)
	var s *schema.Schema
	if err == nil && u.Dialect == "postgresql" {
		err = createSearchSchema(ctx, db)
	}
	if err == nil {
		s, err = fn(db)
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	// Drop it even when ctx was cancelled: a scratch database must not
	// outlive the command.
	dctx := context.WithoutCancel(ctx)
	if _, derr := server.SQL().ExecContext(dctx, "DROP DATABASE "+quoted); derr != nil {
		err = errors.Join(err, fmt.Errorf("dropping the scratch database %s: %s", name, server.Dialect().ErrorMessage(derr)))
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// createSearchSchema creates, in a new PostgreSQL database, the first
// schema of the connection's search_path (a URL's search_path=app), so
// that the models' unqualified CREATE TABLEs land where they would on the
// real database rather than fail for want of a schema.
func createSearchSchema(ctx context.Context, db dialect.DB) error {
	var path string
	if err := db.SQL().QueryRowContext(ctx, "SHOW search_path").Scan(&path); err != nil {
		return fmt.Errorf("reading the scratch database's search_path: %w", err)
	}
	for _, name := range strings.Split(path, ",") {
		name = strings.TrimSpace(name)
		if name == "" || name == `"$user"` || name == "$user" {
			continue
		}
		if unq, ok := strings.CutPrefix(name, `"`); ok {
			name = strings.ReplaceAll(strings.TrimSuffix(unq, `"`), `""`, `"`)
		}
		if _, err := db.SQL().ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+db.Dialect().QuoteIdent(name)); err != nil {
			return fmt.Errorf("creating schema %s of search_path in the scratch database: %s", name, db.Dialect().ErrorMessage(err))
		}
		return nil
	}
	return nil
}

// Without returns s without the tables named (compared case-insensitively
// as the databases compare unquoted names): the version tables retort
// keeps, which belong to no model.
func Without(s *schema.Schema, names ...string) *schema.Schema {
	out := &schema.Schema{}
	for _, t := range s.Tables {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, t.Name) }) {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}

// InspectDatabase reads the tables of db's current schema into the model,
// without the tables named in exclude: retort's version table and its log,
// which no model declares.
func InspectDatabase(ctx context.Context, db dialect.DB, exclude ...string) (*schema.Schema, error) {
	insp, ok := db.Dialect().(dialect.Inspector)
	if !ok {
		return nil, fmt.Errorf("the %s dialect cannot inspect a database", db.Dialect().Name())
	}
	s, err := insp.Inspect(ctx, db.SQL())
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: %w", db.Describe(), err)
	}
	return Without(s, exclude...), nil
}

// CompareDatabase compares db with models: db inspected without the
// version table versionTable and its log, and, on both sides, without the
// tables exclude matches (Excluding). It returns db's schema as compared,
// which a generated revision renders from, and the changes.
func CompareDatabase(ctx context.Context, db dialect.DB, models *schema.Schema, versionTable string, exclude []string) (*schema.Schema, []Change, error) {
	current, err := InspectDatabase(ctx, db, versionTable, versionTable+"_log")
	if err != nil {
		return nil, nil, err
	}
	return current, Compare(current, models, Options{Dialect: db.Dialect().Name(), IncludeTable: Excluding(exclude...)}), nil
}

// NotUpToDateError is the refusal to compare the models with a database
// that is not at its heads: the comparison would write again what a
// revision not yet applied already does.
type NotUpToDateError struct {
	Current []string // the version rows; none at base
	Missing []string // the heads not applied
}

func (e *NotUpToDateError) Error() string {
	at := "base"
	if len(e.Current) > 0 {
		at = strings.Join(e.Current, ", ")
	}
	return fmt.Sprintf("target database is not up to date: it is at %s, and %s not applied", at, strings.Join(e.Missing, ", "))
}

// Excluding is an Options.IncludeTable that leaves out the tables matching
// any of patterns (path.Match syntax, compared in lower case): another
// component's tables in a shared database (`exclude_tables` in
// retort.ini). Patterns are checked by config.ParsePatterns; one that is
// malformed matches nothing.
func Excluding(patterns ...string) func(string) bool {
	if len(patterns) == 0 {
		return nil
	}
	return func(table string) bool {
		for _, p := range patterns {
			if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(table)); ok {
				return false
			}
		}
		return true
	}
}
