package cli

import (
	"log/slog"

	"github.com/retort-sql/retort"
)

// logger returns a logger whose records print as Alembic's do:
// "INFO  [retort.runtime] Running upgrade ...", so that logs of the two
// tools compare line for line. -q silences everything below warnings.
func (a *app) logger(name string) *slog.Logger {
	level := slog.LevelInfo
	if a.flags.quiet {
		level = slog.LevelWarn
	}
	return slog.New(retort.NewLogHandler(a.opts.Stderr, &retort.LogHandlerOptions{Level: level, Name: name}))
}
