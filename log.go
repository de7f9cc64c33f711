package retort

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// LogHandlerOptions configure NewLogHandler.
type LogHandlerOptions struct {
	// Level is the lowest level written; nil means slog.LevelInfo.
	Level slog.Leveler
	// Name is the logger's name in the brackets; "" means "retort.runtime",
	// the name the runtime's progress has in the CLI.
	Name string
}

// NewLogHandler returns a handler that writes records as Alembic's log
// lines, "%(levelname)-5.5s [%(name)s] %(message)s", which is how the CLI
// prints progress:
//
//	INFO  [retort.runtime] Running upgrade 4358d1b8cc75 -> 1284c81cf727, create lswitch ...
//
// Attributes follow the message as key=value. WithGroup extends the name
// ("retort" with group "runtime" is "retort.runtime"), as Python's
// logging.getLogger("a.b") does.
func NewLogHandler(w io.Writer, opts *LogHandlerOptions) slog.Handler {
	h := &logHandler{w: w, name: "retort.runtime", level: slog.LevelInfo, mu: &sync.Mutex{}}
	if opts != nil {
		if opts.Level != nil {
			h.level = opts.Level
		}
		if opts.Name != "" {
			h.name = opts.Name
		}
	}
	return h
}

type logHandler struct {
	w     io.Writer
	name  string
	level slog.Leveler
	attrs []slog.Attr
	mu    *sync.Mutex // shared by derived handlers: one line at a time
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-5.5s [%s] %s", levelName(r.Level), h.name, r.Message)
	// Attributes are for programs (events carry them structured); in the
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

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *logHandler) WithGroup(name string) slog.Handler {
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
