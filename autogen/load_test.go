package autogen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/config"
)

// The models file is read through a scratch database of the URL's
// dialect, where a URL's search_path schema exists, so that the models
// land where they would. (load_internal_test.go sees it dropped.)
func TestLoadSchemaFile(t *testing.T) {
	ctx := context.Background()
	models := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(models, []byte("-- the models\nCREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);\nCREATE INDEX ix_accounts_email ON accounts (email);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dc := range dialectURLs {
		t.Run(dc.Name, func(t *testing.T) {
			raw := dc.URL(t)
			if dc.Name == "postgresql" {
				raw += "&search_path=app"
			}
			u, err := config.ParseURL(raw)
			if err != nil {
				t.Fatal(err)
			}
			s, err := autogen.LoadSchemaFile(ctx, u, models)
			if err != nil {
				t.Fatal(err)
			}
			tb := s.Table("accounts")
			if len(s.Tables) != 1 || tb == nil || tb.Column("email") == nil || tb.Column("email").Nullable || tb.Index("ix_accounts_email") == nil {
				t.Fatalf("models read as %+v", s.Tables)
			}
		})
	}
}
