package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort/script"
)

const iniTemplate = `[retort]
# Where the migration scripts live, relative to this file.
script_location = migrations
# One version table per component; alembic_version takes over a database Alembic managed.
version_table = retort_version
# hex (12 hex digits) | sequential (001, 002, ...) | timestamp
revision_ids = %s
# per-migration | all | none
transaction_mode = per-migration
lock_timeout = 60s
# What generated scripts must cover, e.g. mysql, postgresql, sqlite
# (empty: the database's own dialect).
dialects =
# The models for check and revision --autogenerate: a schema file of
# CREATE statements, relative to this file, e.g. schema.sql.
models =

[database]
# SQLAlchemy-style URL; %%(here)s is this file's folder.
connection = sqlite:///%%(here)s/app.db
`

func (a *app) initCmd() *cobra.Command {
	var ids string
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Create a new project: retort.ini, the script template and the versions folder",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.writable("init"); err != nil {
				return err
			}
			if _, err := script.NextID(ids, nil, timeNow()); err != nil {
				return fmt.Errorf("--revision-ids: %w", err)
			}
			return a.initProject(cmd.OutOrStdout(), args[0], ids)
		},
	}
	cmd.Flags().StringVar(&ids, "revision-ids", "hex", "how new revisions are named: hex, sequential or timestamp")
	return cmd
}

// initProject refuses a non-empty folder, as Alembic does, so that it can
// never overwrite a project that is already there.
func (a *app) initProject(out io.Writer, dir, ids string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("directory %s already exists and is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	versions := filepath.Join(dir, "migrations", "versions")
	for _, d := range []string{dir, filepath.Join(dir, "migrations"), versions} {
		if _, err := os.Stat(d); err == nil {
			continue
		}
		fmt.Fprintf(out, "  Creating directory %s ...  ", d)
		if err := os.MkdirAll(d, 0o755); err != nil {
			fmt.Fprintln(out, "failed")
			return fmt.Errorf("creating %s: %w", d, err)
		}
		fmt.Fprintln(out, "done")
	}
	files := []struct{ path, text string }{
		{filepath.Join(dir, "migrations", "script.sql.tmpl"), script.DefaultTemplate},
		{filepath.Join(dir, "retort.ini"), fmt.Sprintf(iniTemplate, ids)},
	}
	for _, f := range files {
		fmt.Fprintf(out, "  Generating %s ...  ", f.path)
		if err := writeNew(f.path, f.text); err != nil {
			fmt.Fprintln(out, "failed")
			return err
		}
		fmt.Fprintln(out, "done")
	}
	ini := filepath.Join(dir, "retort.ini")
	fmt.Fprintf(out, "Please edit the connection and settings in %s before proceeding; then create a revision with `%s -c %s revision -m \"...\"`.\n",
		ini, a.opts.Name, shellQuote(ini))
	return nil
}

// writeNew creates path with text, failing if it exists.
func writeNew(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := io.WriteString(f, text); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " \t'\"$\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
