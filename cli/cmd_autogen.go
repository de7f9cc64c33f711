package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort/autogen"
	"github.com/retort-sql/retort/schema"
)

// comparison is the outcome of comparing the models with a database that
// is at its heads: what autogenerate writes and check reports.
type comparison struct {
	current *schema.Schema // the database's tables, without retort's own
	changes []autogen.Change
	dialect string
}

// compareModels compares the declared models with the database, which must
// be at its heads: a comparison with a database behind its scripts would
// write again what an unapplied revision already does.
func (s *session) compareModels(ctx context.Context, a *app) (*comparison, error) {
	rows, err := s.migrator.Heads(ctx)
	if err != nil {
		return nil, err
	}
	if missing := s.graph.MissingHeads(rows); len(missing) > 0 {
		return nil, fmt.Errorf("%w; run `%s upgrade heads` first", &autogen.NotUpToDateError{Current: rows, Missing: missing}, a.opts.Name)
	}
	desired, err := a.models(ctx, s)
	if err != nil {
		return nil, err
	}
	current, changes, err := autogen.CompareDatabase(ctx, s.db, desired, s.settings.VersionTable, s.settings.ExcludeTables)
	if err != nil {
		return nil, err
	}
	return &comparison{current: current, changes: changes, dialect: s.db.Dialect().Name()}, nil
}

// models is the schema the project declares: the Go models a project's
// own CLI compiles in, or the schema file named by `models` in retort.ini,
// read through a scratch database of the connection's dialect.
func (a *app) models(ctx context.Context, s *session) (*schema.Schema, error) {
	if a.opts.Models != nil {
		return a.opts.Models, nil
	}
	if s.settings.Models == "" {
		if a.opts.compiled() {
			return nil, fmt.Errorf("%s declares no models to compare with (cli.Options.Models)", a.opts.Name)
		}
		return nil, errors.New("no models to compare with: set models = schema.sql (a file of CREATE statements) in the [retort] section of retort.ini")
	}
	return autogen.LoadSchemaFile(ctx, s.url, s.settings.Models)
}

// logChanges reports each difference as Alembic's autogenerate does:
// "INFO  [retort.autogenerate] Detected added table 'database_snapshots'".
func (a *app) logChanges(changes []autogen.Change) {
	log := a.logger("retort.autogenerate")
	for _, c := range changes {
		log.Info("Detected " + c.Detected())
		if c.Note != "" {
			log.Warn(c.Note)
		}
	}
	if len(changes) == 0 {
		log.Info("No changes in schema detected.")
	}
}

// autogenerate writes a revision whose upgrade and downgrade sections take
// the database to the models and back, for each dialect the project lists
// (`dialects` in retort.ini), or the database's own.
func (a *app) autogenerate(cmd *cobra.Command, f revisionFlags) error {
	ctx := cmd.Context()
	var body string
	var p *project
	err := a.withSession(ctx, false, func(s *session) error {
		p = s.project
		cmp, err := s.compareModels(ctx, a)
		if err != nil {
			return err
		}
		a.logChanges(cmp.changes)
		dialects := p.settings.Dialects
		if len(dialects) == 0 {
			dialects = []string{cmp.dialect}
		}
		up, down := autogen.Plan(cmp.changes)
		// From the live database, so that on SQLite a rebuild keeps what
		// the model cannot say (triggers, views, collations).
		body, err = autogen.RenderSQLFrom(ctx, s.db.SQL(), cmp.dialect, dialects, cmp.current, up, down)
		if err != nil {
			return fmt.Errorf("writing the generated revision: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return a.newRevisionIn(cmd, p, f, body)
}

func (a *app) checkCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Fail if the models differ from the database (what autogenerate would write)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withSession(ctx, false, func(s *session) error {
				cmp, err := s.compareModels(ctx, a)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				switch {
				case asJSON:
					list := make([]changeJSON, len(cmp.changes))
					for i, c := range cmp.changes {
						list[i] = changeJSON{Kind: string(c.Kind), Table: c.Table, Name: c.Name, From: c.From, To: c.To, Note: c.Note, Text: c.String()}
					}
					if err := writeJSON(out, list); err != nil {
						return err
					}
				case len(cmp.changes) == 0:
					fmt.Fprintln(out, "No new upgrade operations detected.")
				default:
					for _, c := range cmp.changes {
						fmt.Fprintln(out, c.String())
					}
				}
				if len(cmp.changes) == 0 {
					return nil
				}
				noun := "differences"
				if len(cmp.changes) == 1 {
					noun = "difference"
				}
				return fmt.Errorf("New upgrade operations detected: %d %s between the models and the database", len(cmp.changes), noun)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the differences as JSON (an empty list when there are none)")
	return cmd
}

// changeJSON is one difference as `check --json` prints it.
type changeJSON struct {
	Kind  string `json:"kind"` // add_table, modify_type, ...
	Table string `json:"table"`
	Name  string `json:"name,omitempty"` // the column, index or constraint
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Note  string `json:"note,omitempty"`
	Text  string `json:"text"` // the line check prints
}
