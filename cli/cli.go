// Package cli holds retort's command tree. New returns the root cobra
// command, so a project can mount the whole tree as its own
// `myproject-db-manage` or as a subcommand of a larger CLI.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/config"
	"github.com/retort-sql/retort/schema"
)

// Version is the tool version recorded in the version log and printed by
// `retort --version`. Builds may override it with -ldflags -X.
var Version = "0.1.0-dev"

// Options configures a command tree. The zero value gives retort's own CLI
// on the process's standard streams and environment.
type Options struct {
	Name   string    // the program name shown in usage and messages; default "retort"
	Stdout io.Writer // answers; default os.Stdout
	Stderr io.Writer // progress and errors; default os.Stderr
	Stdin  io.Reader // default os.Stdin
	// Getenv reads the environment; default os.Getenv. Tests pass their own
	// so that nothing depends on the process's global state.
	Getenv func(string) string

	// A project's own CLI (`myproject-db-manage`) gives its migrations in
	// code: Go migrations, and SQL scripts read from ScriptsDir of Scripts
	// (an embed.FS, say), joined in one graph. With either set the command
	// tree needs no retort.ini: the database comes from
	// --database-connection, $RETORT_DATABASE_URL or --config-file
	// (OpenStack-style, [database] connection), and a retort.ini is read
	// only when -c names one (for its settings; its script_location is not
	// used). The commands that write scripts (init, revision, script,
	// merge, edit) are refused: new revisions go into the project's source.
	Migrations []*retort.Migration
	Scripts    fs.FS
	ScriptsDir string // default "."
	// VersionTable is the version table when no retort.ini sets one
	// (default retort_version; alembic_version takes over a database that
	// Alembic managed).
	VersionTable string
	// Models are the tables the project declares in Go (schema DSL):
	// what `check` compares the database with. Without them, `check` and
	// `revision --autogenerate` read the schema file that retort.ini's
	// `models` names.
	Models *schema.Schema
	// GoMigrations lets `revision` write new Go migrations into the
	// project's source (with --autogenerate, the operations that take the
	// database to Models); a rebuild then compiles them in.
	GoMigrations *GoMigrationsDir
}

// GoMigrationsDir is where a project's own CLI writes new Go migrations:
// each a file <id>_<slug>.go in Dir whose init func appends the migration
// to the project's own set, so that retort keeps no registry.
type GoMigrationsDir struct {
	Dir     string // the package's folder, relative to the working directory
	Package string // its package name, e.g. "migrations"
	SetVar  string // its []*retort.Migration variable, e.g. "All"
}

// compiled reports whether the project's migrations are given in code.
func (o Options) compiled() bool { return o.Scripts != nil || len(o.Migrations) > 0 }

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = "retort"
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	return o
}

// globalFlags are the flags every command shares.
type globalFlags struct {
	config             string
	configFiles        []string
	databaseConnection string
	quiet              bool
}

// app is the state of one invocation: options, flags, and what was loaded.
type app struct {
	opts  Options
	flags globalFlags
	// secrets holds every password seen in the configuration, so that the
	// final error line can be scrubbed of them whatever produced it.
	secrets []string
}

// New returns the root command of the retort command tree.
func New(opts Options) *cobra.Command {
	return newApp(opts).root()
}

func newApp(opts Options) *app { return &app{opts: opts.withDefaults()} }

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:           a.opts.Name,
		Short:         "Schema migrations as a revision graph",
		Long:          a.opts.Name + " upgrades and downgrades SQL databases along a graph of revision scripts, with branches, merges and labels as in Alembic.",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(a.opts.Stdout)
	root.SetErr(a.opts.Stderr)
	root.SetIn(a.opts.Stdin)
	pf := root.PersistentFlags()
	pf.StringVarP(&a.flags.config, "config", "c", "", configHelp(a.opts))
	pf.StringArrayVar(&a.flags.configFiles, "config-file", nil, "an OpenStack-style config file whose [database] connection is used (repeatable, later wins)")
	pf.StringVar(&a.flags.databaseConnection, "database-connection", "", "the database URL (overrides every config file and $RETORT_DATABASE_URL)")
	pf.BoolVarP(&a.flags.quiet, "quiet", "q", false, "print no progress, only answers and errors")

	root.AddCommand(
		a.initCmd(),
		a.revisionCmd(), a.scriptCmd(), a.mergeCmd(), a.editCmd(),
		a.upgradeCmd(), a.downgradeCmd(), a.stampCmd(), a.ensureVersionCmd(),
		a.currentCmd(), a.historyCmd(), a.headsCmd(), a.branchesCmd(), a.showCmd(), a.verifyCmd(), a.checkCmd(),
		a.dbCmd(), a.versionControlCmd(),
	)
	return root
}

// Main runs the command tree with args and returns the process exit code:
// 0 on success, 1 with one "FAILED: reason" line on stderr otherwise.
func Main(ctx context.Context, opts Options, args []string) int {
	a := newApp(opts)
	root := a.root()
	root.SetArgs(relativeTargetsLast(args))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(a.opts.Stderr, "FAILED: %s\n", a.scrub(failure(err)))
	return 1
}

// failure renders err as one line.
func failure(err error) string {
	var ue usageError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
}

// scrub removes every known password, and any password-looking part of a
// URL, from text bound for the user.
func (a *app) scrub(text string) string {
	for _, s := range a.secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "***")
		}
	}
	return config.MaskPasswords(text)
}

// usageError is a mistake in the command line itself.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// relativeTargetsLast lets Alembic's `downgrade -1` and `upgrade -2` work:
// a lone "-N" would otherwise be read as a flag, so such arguments are
// moved behind a "--", which ends the flags. An argument that is the value
// of a flag ("-r -3:" is not touched: only bare -N and -N: forms count, and
// only when the argument before is not a flag awaiting its value).
func relativeTargetsLast(args []string) []string {
	var keep, moved []string
	for i, arg := range args {
		if arg == "--" {
			return append(append(keep, args[i:]...), moved...)
		}
		if isRelative(arg) && (i == 0 || !flagTakesValue(args[i-1])) {
			moved = append(moved, arg)
			continue
		}
		keep = append(keep, arg)
	}
	if len(moved) == 0 {
		return keep
	}
	return append(append(keep, "--"), moved...)
}

func isRelative(arg string) bool {
	if len(arg) < 2 || arg[0] != '-' {
		return false
	}
	digits := strings.TrimSuffix(arg[1:], ":")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return digits != ""
}

// flagTakesValue reports whether arg is a flag whose value is the next
// argument: the short and long forms of the flags that take one.
func flagTakesValue(arg string) bool {
	switch arg {
	case "-m", "--message", "-r", "--rev-range", "-c", "--config", "--config-file",
		"--database-connection", "--rev-id", "--head", "--branch-label", "--depends-on", "--revision-ids":
		return true
	}
	return false
}

// configHelp describes -c: a compiled project reads a retort.ini only when
// it is named.
func configHelp(o Options) string {
	if o.compiled() {
		return "a retort.ini whose settings to use (none is read unless named)"
	}
	return "the retort.ini to use (default $RETORT_CONFIG or ./retort.ini)"
}
