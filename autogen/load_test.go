package autogen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/runtime"
)

// The models file is read through a scratch database of the URL's
// dialect; on the servers it is dropped again, and a URL's search_path
// schema exists in it, so that the models land where they would.
func TestLoadSchemaFile(t *testing.T) {
	ctx := context.Background()
	models := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(models, []byte("-- the models\nCREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);\nCREATE INDEX ix_accounts_email ON accounts (email);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dc := range dialectURLs {
		t.Run(dc.name, func(t *testing.T) {
			raw := dc.url(t)
			if dc.name == "postgresql" {
				raw += "&search_path=app"
			}
			u, err := config.ParseURL(raw)
			if err != nil {
				t.Fatal(err)
			}
			before := scratchDatabases(t, dc.name, raw)
			s, err := autogen.LoadSchemaFile(ctx, u, models)
			if err != nil {
				t.Fatal(err)
			}
			tb := s.Table("accounts")
			if len(s.Tables) != 1 || tb == nil || tb.Column("email") == nil || tb.Column("email").Nullable || tb.Index("ix_accounts_email") == nil {
				t.Fatalf("models read as %+v", s.Tables)
			}
			if after := scratchDatabases(t, dc.name, raw); after != before {
				t.Errorf("scratch databases before %d, after %d: one was left behind", before, after)
			}
		})
	}
}

// scratchDatabases counts the scratch databases on the server (0 for
// SQLite, whose scratch database is in memory).
func scratchDatabases(t *testing.T, dialectName, raw string) int {
	t.Helper()
	var q string
	switch dialectName {
	case "postgresql":
		q = "SELECT count(*) FROM pg_database WHERE datname LIKE 'retort\\_scratch\\_%'"
	case "mysql":
		q = "SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'retort\\_scratch\\_%'"
	default:
		return 0
	}
	u, err := config.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
