// Package script reads and writes revision scripts: the versions folder over
// an fs.FS, the header and sections of each script, the statements inside a
// section (split by a lexer that knows SQL quoting), checksums, and new
// scripts written from the project's template.
//
// # File format
//
//	-- retort:revision 1284c81cf727
//	-- retort:revises 4358d1b8cc75
//	-- retort:message create lswitch and lswitch port orphaned tables
//	-- retort:created 2026-11-22 10:15:00Z
//
//	-- retort:upgrade
//	CREATE TABLE quark_lswitch_orphaned (id VARCHAR(36) PRIMARY KEY);
//
//	-- retort:downgrade
//	DROP TABLE quark_lswitch_orphaned;
//
// The header is the run of "-- retort:key value" lines before the first
// section marker; blank lines and plain "--" comments may be mixed in.
// Keys: revision (required), revises (none = a base, one id, or several
// separated by spaces = a merge point), message, created, branch-labels and
// depends-on (space separated), no-transaction (no value). The header is the
// truth; the file name is only for people.
//
// Sections start with "-- retort:upgrade" or "-- retort:downgrade",
// optionally followed by "dialect=postgresql" (or mysql, sqlite): such a
// section replaces the plain one of the same direction on that dialect.
//
// # Checksum
//
// Checksum covers everything from the first section marker to the end of
// the file, with CRLF line ends read as LF. The header is left out on
// purpose: fixing a typo in a message must not make an applied script look
// changed, while any edit to the SQL (or to the section markers) does.
// Line-end normalisation keeps a checkout with core.autocrlf from looking
// like an edit.
package script

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/retort-sql/retort/graph"
)

// Script is one revision script in the versions folder.
type Script struct {
	graph.Revision // ID, Revises, DependsOn, BranchLabels, Message, File, Line

	Path          string // path inside the fs.FS / on disk, as read
	NoTransaction bool   // the no-transaction header: run outside a transaction
	Created       string // the created header, as written

	data     []byte    // the whole file, kept so bodies can be lexed later
	body     int       // offset of the first section marker (len(data) if none)
	sections []Section // in file order
}

// Section describes one "-- retort:upgrade|downgrade [dialect=...]" part of
// a script.
type Section struct {
	Direction graph.Direction
	Dialect   string // "" for the plain section, else postgresql, mysql or sqlite
	Line      int    // line of the marker

	start, end int // byte range of the section's text (after the marker line)
}

// Statement is one SQL statement of a section, with the line of the script
// where it starts (1-based), for error messages.
type Statement struct {
	SQL  string
	Line int
}

// Summary is a statement as messages quote it: its first line, cut to 60
// characters, with " ..." where more was left out.
func Summary(stmt string) string {
	line, _, more := strings.Cut(strings.TrimSpace(stmt), "\n")
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 60 {
		line, more = string(r[:57]), true
	}
	if more {
		line += " ..."
	}
	return line
}

// Error is a problem in a script, located by file and line. Errors returned
// by Parse, Load, Statements and Split are of this type (possibly wrapped).
type Error struct {
	File string // may be empty (Split on a bare string)
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// canonicalDialect maps the names callers use for a dialect to the one a
// section marker uses; ok is false for a name retort does not know.
func canonicalDialect(d string) (string, bool) {
	switch strings.ToLower(d) {
	case "postgresql", "postgres", "pgx", "pg":
		return "postgresql", true
	case "mysql", "mariadb":
		return "mysql", true
	case "sqlite", "sqlite3":
		return "sqlite", true
	case "":
		return "", true
	}
	return "", false
}

// Statements returns the statements to run on the named dialect
// ("sqlite", "postgresql", "mysql") in the given direction: the section
// marked for that dialect if the script has one, else the plain section.
// A script with no such section yields no statements and no error.
func (s *Script) Statements(dialect string, dir graph.Direction) ([]Statement, error) {
	d, ok := canonicalDialect(dialect)
	if !ok || d == "" {
		return nil, fmt.Errorf("%s: unknown dialect %q (want postgresql, mysql or sqlite)", s.File, dialect)
	}
	sec := s.section(d, dir)
	if sec == nil {
		return nil, nil
	}
	stmts, err := Split(d, string(s.data[sec.start:sec.end]), sec.Line+1)
	if err != nil {
		if e, ok := err.(*Error); ok && e.File == "" {
			e.File = s.File
		}
		return nil, err
	}
	return stmts, nil
}

// section picks the dialect's own section, falling back to the plain one.
func (s *Script) section(dialect string, dir graph.Direction) *Section {
	var plain *Section
	for i := range s.sections {
		sec := &s.sections[i]
		if sec.Direction != dir {
			continue
		}
		if sec.Dialect == dialect {
			return sec
		}
		if sec.Dialect == "" {
			plain = sec
		}
	}
	return plain
}

// HasSection reports whether the script has a section for the direction,
// plain or for any dialect.
func (s *Script) HasSection(dir graph.Direction) bool {
	for _, sec := range s.sections {
		if sec.Direction == dir {
			return true
		}
	}
	return false
}

// Sections lists the script's sections in file order.
func (s *Script) Sections() []Section { return slices.Clone(s.sections) }

// Bytes returns the script's text as read. The caller must not modify it.
func (s *Script) Bytes() []byte { return s.data }

// Checksum is the hex SHA-256 of the script's sections (see the package
// doc for what is covered), used to notice scripts changed after they ran.
func (s *Script) Checksum() string {
	h := sha256.New()
	rest := s.data[s.body:]
	// Hash the text piecewise around each CRLF instead of building a
	// normalised copy.
	for {
		i := bytes.Index(rest, []byte("\r\n"))
		if i < 0 {
			h.Write(rest)
			break
		}
		h.Write(rest[:i])
		h.Write([]byte{'\n'})
		rest = rest[i+2:]
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Load reads every *.sql file of dir inside fsys (an embed.FS, say), in
// file-name order. Headers are parsed now, statements only when asked for.
// It fails on the first file, in name order, that cannot be read or parsed.
func Load(fsys fs.FS, dir string) ([]*Script, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading versions folder: %w", err)
	}
	return loadAll(path.Join, dir, scriptNames(entries), func(p string, _ *[]byte) ([]byte, error) {
		return fs.ReadFile(fsys, p)
	})
}

// LoadDir is Load for a folder on disk, given as an OS path; the scripts'
// paths are dir joined with their names, so messages point at files the
// user can open. On Linux it reads with fewer system calls than an fs.FS
// can, which is what keeps `retort heads` on 10,000 scripts fast.
func LoadDir(dir string) ([]*Script, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading versions folder: %w", err)
	}
	read := func(p string, _ *[]byte) ([]byte, error) { return os.ReadFile(p) }
	if fast, closeDir := dirReader(dir); fast != nil {
		defer closeDir()
		read = func(p string, buf *[]byte) ([]byte, error) {
			var err error
			*buf, err = fast(filepath.Base(p), *buf)
			return bytes.Clone(*buf), err // the script keeps its bytes; buf is reused
		}
	}
	return loadAll(filepath.Join, dir, scriptNames(entries), read)
}

// scriptNames picks the scripts out of a folder listing, sorted.
func scriptNames(entries []fs.DirEntry) []string {
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".sql") || strings.HasPrefix(n, ".") {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names) // ReadDir sorts already; an fs.FS need not promise it
	return names
}

// loadAll reads and parses the named files of dir with read, which may use
// the worker's scratch buffer.
func loadAll(join func(...string) string, dir string, names []string, read func(p string, buf *[]byte) ([]byte, error)) ([]*Script, error) {
	scripts := make([]*Script, len(names))
	errs := make([]error, len(names))
	load := func(i int, buf *[]byte) {
		p := join(dir, names[i])
		data, err := read(p, buf)
		if err != nil {
			errs[i] = fmt.Errorf("reading script: %w", err)
			return
		}
		scripts[i], errs[i] = Parse(p, data)
	}

	// Reading is dominated by open/read/close system calls, so a few
	// workers per CPU overlap them well; results land in their own slots,
	// which keeps file-name order without sorting again.
	workers := min(max(runtime.GOMAXPROCS(0)*2, 32), len(names)/16+1)
	if workers <= 1 {
		buf := make([]byte, 0, 8192)
		for i := range names {
			load(i, &buf)
			if errs[i] != nil {
				return nil, errs[i]
			}
		}
		return scripts, nil
	}
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 8192)
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(names) {
					return
				}
				load(i, &buf)
				if errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	// Files after a failure may not have been read, but every file before
	// the first failing index was (indexes are handed out in order), so
	// the first error found here is the first in file order.
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return scripts, nil
}
