package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// logger returns a logger whose records print as Alembic's do:
// "INFO  [retort.runtime] Running upgrade ...", so that logs of the two
// tools compare line for line. -q silences everything below warnings.
func (a *app) logger(name string) *slog.Logger {
	level := slog.LevelInfo
	if a.flags.quiet {
		level = slog.LevelWarn
	}
	return slog.New(&alembicHandler{w: a.opts.Stderr, name: name, level: level, mu: &sync.Mutex{}})
}

// alembicHandler renders "%(levelname)-5.5s [%(name)s] %(message)s".
type alembicHandler struct {
	w     io.Writer
	name  string
	level slog.Level
	attrs []slog.Attr
	mu    *sync.Mutex // shared by derived handlers: one line at a time
}

func (h *alembicHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *alembicHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-5.5s [%s] %s", levelName(r.Level), h.name, r.Message)
	// Attributes are for programs (OnEvent carries them structured); in the
	// text they follow the message as key=value, as logfmt would.
	write := func(at slog.Attr) bool {
		if !at.Equal(slog.Attr{}) {
			fmt.Fprintf(&b, " %s=%v", at.Key, at.Value)
		}
		return true
	}
	for _, at := range h.attrs {
		write(at)
	}
	r.Attrs(write)
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *alembicHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

// WithGroup names a sub-logger, as Python's logging.getLogger("a.b") does.
func (h *alembicHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.name = h.name + "." + name
	return &c
}

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARN"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}
