package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/runtime"
)

// offlineFlags are --sql and --dialect, shared by upgrade, downgrade and
// stamp.
type offlineFlags struct {
	sql     bool
	dialect string
}

func (f *offlineFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.sql, "sql", false, "print the SQL script instead of running it, without connecting (Alembic's offline mode; the argument may be FROM:TO)")
	cmd.Flags().StringVar(&f.dialect, "dialect", "", "with --sql: write for this dialect (sqlite, postgresql, mysql) instead of the connection's")
}

// check refuses what only makes sense offline, so that a typo does not
// silently run against the database.
func (f *offlineFlags) check(args []string) error {
	if f.dialect != "" {
		return errors.New("--dialect applies only with --sql: online, the dialect is the database's")
	}
	for _, a := range args {
		if strings.Contains(a, ":") {
			return fmt.Errorf("range %s is only allowed with --sql (as in Alembic); online, the starting point is the database's version table", a)
		}
	}
	return nil
}

// offline loads the project and makes the offline writer for the dialect
// of --dialect, else of the connection in effect. Nothing connects.
func (a *app) offline(f *offlineFlags) (*project, *runtime.Offline, error) {
	p, err := a.loadProject()
	if err != nil {
		return nil, nil, err
	}
	st := p.settings
	name := f.dialect
	if name == "" {
		if st.Connection == "" {
			return nil, nil, errors.New("--sql needs a dialect: give --dialect sqlite, postgresql or mysql, or a database connection (its URL is only read for the dialect)")
		}
		u, err := config.ParseURL(st.Connection)
		if err != nil {
			return nil, nil, fmt.Errorf("database connection from %s: %w", st.ConnectionSource, err)
		}
		name = u.Dialect
	}
	d, err := runtime.OfflineDialect(name)
	if err != nil {
		return nil, nil, fmt.Errorf("--sql: %w", err)
	}
	opts, err := a.runtimeOptions(st)
	if err != nil {
		return nil, nil, err
	}
	o, err := runtime.NewOffline(d, p.graph, p.migrations(), opts, time.Time{})
	if err != nil {
		return nil, nil, err
	}
	return p, o, nil
}

// offlineMove prints the script of `upgrade --sql [FROM:]TO` or
// `downgrade --sql FROM:TO`.
func (a *app) offlineMove(cmd *cobra.Command, name, arg string, f *offlineFlags) error {
	fromText, target, hasFrom := strings.Cut(arg, ":")
	if !hasFrom {
		if name == "downgrade" {
			return fmt.Errorf("downgrade with --sql needs a range FROM:TO (as in Alembic), e.g. `%s downgrade --sql heads:base`: offline, nothing tells where the database is", a.opts.Name)
		}
		fromText, target = "base", arg
	}
	p, o, err := a.offline(f)
	if err != nil {
		return err
	}
	from, err := p.graph.StartingPoint(fromText)
	if err != nil {
		return err
	}
	if name == "downgrade" {
		return o.Downgrade(cmd.OutOrStdout(), from, target)
	}
	return o.Upgrade(cmd.OutOrStdout(), from, target)
}

// offlineStamp prints the script of `stamp --sql [FROM:]REVISION...`.
func (a *app) offlineStamp(cmd *cobra.Command, args []string, purge bool, f *offlineFlags) error {
	targets := slices.Clone(args)
	fromText := "base"
	if before, after, ok := strings.Cut(targets[0], ":"); ok {
		fromText, targets[0] = before, after
	}
	p, o, err := a.offline(f)
	if err != nil {
		return err
	}
	from, err := p.graph.StartingPoint(fromText)
	if err != nil {
		return err
	}
	return o.Stamp(cmd.OutOrStdout(), from, targets, purge)
}
