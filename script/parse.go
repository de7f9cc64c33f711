package script

import (
	"bytes"
	"fmt"
	"math/bits"
	"strings"

	"github.com/retort-sql/retort/graph"
)

// header keys, as bits so duplicates are found without a map per file.
const (
	keyRevision = 1 << iota
	keyRevises
	keyMessage
	keyCreated
	keyBranchLabels
	keyDependsOn
	keyNoTransaction
)

var headerKeys = map[string]int{
	"revision":       keyRevision,
	"revises":        keyRevises,
	"message":        keyMessage,
	"created":        keyCreated,
	"branch-labels":  keyBranchLabels,
	"depends-on":     keyDependsOn,
	"no-transaction": keyNoTransaction,
}

// directive recognises "-- retort:NAME REST" on one line (leading blanks
// allowed, "--retort:" too) and returns NAME and the trimmed REST.
func directive(line []byte) (name, rest string, ok bool) {
	line = bytes.TrimLeft(line, " \t")
	if !bytes.HasPrefix(line, []byte("--")) {
		return "", "", false
	}
	line = bytes.TrimLeft(line[2:], " \t")
	if !bytes.HasPrefix(line, []byte("retort:")) {
		return "", "", false
	}
	line = bytes.TrimRight(line[len("retort:"):], " \t\r")
	i := bytes.IndexAny(line, " \t")
	if i < 0 {
		return string(line), "", true
	}
	return string(line[:i]), string(bytes.TrimLeft(line[i:], " \t")), true
}

// Parse reads one script. path is used in error messages and as the
// revision's File.
func Parse(path string, data []byte) (*Script, error) {
	s := &Script{Path: path, data: data, body: len(data)}
	s.File = path
	errf := func(line int, format string, args ...any) error {
		return &Error{File: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}

	pos := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) { // a BOM some editors add
		pos = 3
	}
	var seen int
	var seenLine [8]int // by bit number of the key
	line := 0
	for pos < len(data) {
		line++
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			end += pos
			next = end + 1
		} else {
			end = len(data)
		}
		text := data[pos:end]
		lineStart := pos
		pos = next

		trimmed := bytes.TrimSpace(text)
		if len(trimmed) == 0 {
			continue
		}
		name, value, ok := directive(trimmed)
		if !ok {
			if bytes.HasPrefix(trimmed, []byte("--")) {
				continue // a plain comment
			}
			return nil, errf(line, "malformed header: text before the first section marker (missing -- retort:upgrade?)")
		}
		if name == "upgrade" || name == "downgrade" {
			s.body = lineStart
			if err := s.parseSections(line, lineStart); err != nil {
				return nil, err
			}
			break
		}
		key, known := headerKeys[name]
		if !known {
			return nil, errf(line, "malformed header: unknown key %q", name)
		}
		if seen&key != 0 {
			return nil, errf(line, "malformed header: duplicate key %q (first on line %d)", name, seenLine[bits.TrailingZeros(uint(key))])
		}
		seen |= key
		seenLine[bits.TrailingZeros(uint(key))] = line

		switch key {
		case keyRevision:
			if value == "" {
				return nil, errf(line, "malformed header: revision has no id")
			}
			if !validID(value) {
				return nil, errf(line, "malformed header: bad revision id %q (ids are letters, digits and _)", value)
			}
			s.ID = value
		case keyRevises:
			ids, err := idList(value, validID)
			if err != nil {
				return nil, errf(line, "malformed header: revises: %v", err)
			}
			s.Revises = ids
			s.Line = line
		case keyMessage:
			s.Message = value
		case keyCreated:
			s.Created = value
		case keyBranchLabels:
			ids, err := idList(value, validLabel)
			if err != nil {
				return nil, errf(line, "malformed header: branch-labels: %v", err)
			}
			s.BranchLabels = ids
		case keyDependsOn:
			ids, err := idList(value, validLabel)
			if err != nil {
				return nil, errf(line, "malformed header: depends-on: %v", err)
			}
			s.DependsOn = ids
		case keyNoTransaction:
			if value != "" {
				return nil, errf(line, "malformed header: no-transaction takes no value, got %q", value)
			}
			s.NoTransaction = true
		}
	}
	if seen&keyRevision == 0 {
		return nil, errf(1, "malformed header: missing -- retort:revision")
	}
	if s.Line == 0 {
		s.Line = 1
	}
	return s, nil
}

// parseSections finds the section markers from the first one (at offset
// start, on line firstLine) to the end. It only looks at lines holding
// "retort:", found with bytes.Index, so the SQL itself is not scanned line
// by line; lexing waits until Statements is called.
func (s *Script) parseSections(firstLine, start int) error {
	data := s.data
	line, lineAt := firstLine, start // line number of offset lineAt
	type key struct {
		dir     graph.Direction
		dialect string
	}
	seen := map[key]int{}
	pos := start
	for pos < len(data) {
		i := bytes.Index(data[pos:], []byte("retort:"))
		if i < 0 {
			break
		}
		i += pos
		ls := bytes.LastIndexByte(data[:i], '\n') + 1
		le := bytes.IndexByte(data[i:], '\n')
		if le < 0 {
			le = len(data)
		} else {
			le += i
		}
		pos = le
		name, value, ok := directive(data[ls:le])
		if !ok {
			continue // "retort:" somewhere in the SQL
		}
		line += bytes.Count(data[lineAt:ls], []byte{'\n'})
		lineAt = ls
		errf := func(format string, args ...any) error {
			return &Error{File: s.File, Line: line, Msg: fmt.Sprintf(format, args...)}
		}
		var dir graph.Direction
		switch name {
		case "upgrade":
			dir = graph.Up
		case "downgrade":
			dir = graph.Down
		case "statement-begin", "statement-end":
			continue // the lexer's business
		default:
			if _, isKey := headerKeys[name]; isKey {
				return errf("header key %q after the first section marker (the header must come first)", name)
			}
			return errf("unknown directive %q", "retort:"+name)
		}
		dialect := ""
		for _, opt := range strings.Fields(value) {
			d, ok := strings.CutPrefix(opt, "dialect=")
			if !ok {
				return errf("unknown section option %q (want dialect=postgresql, mysql or sqlite)", opt)
			}
			if dialect != "" {
				return errf("section has more than one dialect")
			}
			switch d {
			case "postgresql", "mysql", "sqlite":
				dialect = d
			default:
				return errf("unknown dialect %q in section marker (want postgresql, mysql or sqlite)", d)
			}
		}
		k := key{dir, dialect}
		if first, dup := seen[k]; dup {
			what := dir.String()
			if dialect != "" {
				what += " dialect=" + dialect
			}
			return errf("repeated section %q (first on line %d)", what, first)
		}
		seen[k] = line
		if n := len(s.sections); n > 0 {
			s.sections[n-1].end = ls
		}
		textStart := le
		if textStart < len(data) {
			textStart++ // past the marker's newline
		}
		s.sections = append(s.sections, Section{Direction: dir, Dialect: dialect, Line: line, start: textStart, end: len(data)})
	}
	return nil
}

// idList splits a space (or comma) separated list and checks each item.
func idList(value string, valid func(string) bool) ([]string, error) {
	items := strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
	for _, it := range items {
		if !valid(it) {
			return nil, fmt.Errorf("bad id %q (ids are letters, digits and _)", it)
		}
	}
	return items, nil
}

// validID reports whether id is made of ASCII letters, digits and '_'.
func validID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validLabel also allows '-' and '.', which Alembic users put in branch
// labels ("plugin-v2"); '@' stays out since it separates label@target.
func validLabel(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
