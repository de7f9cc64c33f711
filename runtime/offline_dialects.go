package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/retort-sql/retort/dialect"
)

// pendingPostgres writes offline scripts for PostgreSQL until
// dialect/postgres is committed: offline SQL needs no driver, only the
// dialect's SQL. Its DDL is a copy of that package's; once it has
// QuoteString and ScriptStatement (the two one-liners below),
// OfflineDialect returns its value and this goes.
type pendingPostgres struct{}

var (
	_ dialect.Dialect  = pendingPostgres{}
	_ dialect.Scripter = pendingPostgres{}
)

func (pendingPostgres) Name() string                { return "postgresql" }
func (pendingPostgres) ImplName() string            { return "PostgresqlImpl" }
func (pendingPostgres) TransactionalDDL() bool      { return true }
func (pendingPostgres) Placeholder(n int) string    { return fmt.Sprintf("$%d", n) }
func (pendingPostgres) BeginSQL() string            { return "BEGIN" }
func (pendingPostgres) ErrorMessage(e error) string { return e.Error() }
func (pendingPostgres) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
func (d pendingPostgres) QualifiedName(schema, table string) string {
	if schema == "" {
		return d.QuoteIdent(table)
	}
	return d.QuoteIdent(schema) + "." + d.QuoteIdent(table)
}
func (pendingPostgres) QuoteString(s string) string        { return dialect.QuoteStringStandard(s) }
func (pendingPostgres) ScriptStatement(stmt string) string { return dialect.TerminateStatement(stmt) }

func (d pendingPostgres) VersionTableDDL(schema, table string) []string {
	return []string{fmt.Sprintf("CREATE TABLE %s (version_num VARCHAR(255) NOT NULL, CONSTRAINT %s PRIMARY KEY (version_num))",
		d.QualifiedName(schema, table), d.QuoteIdent(table+"_pkc"))}
}

func (d pendingPostgres) LogTableDDL(schema, table string) []string {
	return []string{fmt.Sprintf(`CREATE TABLE %s (
	id BIGSERIAL PRIMARY KEY,
	revision VARCHAR(255) NOT NULL,
	direction VARCHAR(16) NOT NULL,
	checksum VARCHAR(64) NOT NULL DEFAULT '',
	started_at VARCHAR(32) NOT NULL,
	finished_at VARCHAR(32),
	status VARCHAR(16) NOT NULL,
	statements_done INTEGER NOT NULL DEFAULT 0,
	statements_total INTEGER NOT NULL DEFAULT 0,
	error TEXT,
	applied_by VARCHAR(255) NOT NULL DEFAULT '',
	tool_version VARCHAR(64) NOT NULL DEFAULT ''
)`, d.QualifiedName(schema, table))}
}

func (pendingPostgres) TableExists(context.Context, dialect.Querier, string, string) (bool, error) {
	return false, errors.New("the offline PostgreSQL dialect has no database to look in")
}
