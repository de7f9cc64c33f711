package cli_test

import (
	"os"
	"testing"

	"github.com/retort-sql/retort/internal/testdb"
)

// testDialect is a database kind the CLI suites run on.
type testDialect struct {
	name        string
	env         string // the server's variable; "" for SQLite
	newDatabase func(testing.TB) string
}

var testDialects = []testDialect{
	{"sqlite", "", testdb.SQLite},
	{"postgresql", testdb.EnvPostgres, testdb.Postgres},
	{"mysql", testdb.EnvMySQL, testdb.MySQL},
}

// available skips the test when the dialect's server is not set, or fails
// it when RETORT_TEST_REQUIRE_SERVERS=1 says every server must be there.
func (d testDialect) available(t *testing.T) {
	t.Helper()
	if d.env == "" {
		return
	}
	if os.Getenv(d.env) != "" {
		return
	}
	if os.Getenv(testdb.EnvRequireServers) == "1" {
		t.Fatalf("%s is not set and %s=1: the %s tests must run", d.env, testdb.EnvRequireServers, d.name)
	}
	t.Skipf("%s is not set: skipping the %s run", d.env, d.name)
}
