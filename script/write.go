package script

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// New describes a revision script to write.
type New struct {
	ID            string
	Revises       []string
	DependsOn     []string
	BranchLabels  []string
	Message       string
	Created       time.Time // zero: now
	NoTransaction bool
	// Body is generated SQL sections (autogenerate): everything from the
	// first "-- retort:upgrade" line on. A template that shows {{.Body}}
	// places it; for one that does not (written before autogenerate
	// existed), Body replaces the template's own sections.
	Body string
}

// DefaultTemplate is the script.sql.tmpl that `retort init` writes. It is a
// text/template executed with a New; the functions join (strings.Join) and
// utc (formats a time as "2006-01-02 15:04:05Z") are available.
const DefaultTemplate = `-- retort:revision {{.ID}}
-- retort:revises{{range .Revises}} {{.}}{{end}}
-- retort:message {{.Message}}
-- retort:created {{utc .Created}}
{{- if .BranchLabels}}
-- retort:branch-labels {{join .BranchLabels " "}}
{{- end}}
{{- if .DependsOn}}
-- retort:depends-on {{join .DependsOn " "}}
{{- end}}
{{- if .NoTransaction}}
-- retort:no-transaction
{{- end}}

{{if .Body}}{{.Body}}{{else}}-- retort:upgrade
-- SQL that applies this revision. End each statement with ';'.
-- Add "-- retort:upgrade dialect=postgresql" (or mysql, sqlite) sections
-- for SQL that differs between databases.

-- retort:downgrade
-- SQL that undoes the upgrade, in reverse order.
{{end}}`

// Render executes the template tmpl for n and checks the result: it must
// parse as a script whose revision and revises are n's, so a broken
// template is refused here rather than leaving a script that the next
// command cannot read.
func Render(tmpl string, n New) ([]byte, error) {
	if !validID(n.ID) {
		return nil, fmt.Errorf("bad revision id %q (ids are letters, digits and _)", n.ID)
	}
	if n.Created.IsZero() {
		n.Created = time.Now()
	}
	// A message runs to the end of its header line, so newlines in -m
	// must not reach the template.
	n.Message = strings.Join(strings.Fields(n.Message), " ")
	t, err := template.New("script.sql.tmpl").Option("missingkey=error").Funcs(template.FuncMap{
		"join": strings.Join,
		"utc":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
	}).Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("script template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, n); err != nil {
		return nil, fmt.Errorf("script template: %w", err)
	}
	if n.Body != "" && !bytes.Contains(buf.Bytes(), []byte(n.Body)) {
		buf = *bytes.NewBuffer(withBody(buf.Bytes(), n.Body))
	}
	s, err := Parse("script.sql.tmpl (rendered)", buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("script template renders an unreadable script: %w", err)
	}
	if s.ID != n.ID || !slices.Equal(s.Revises, n.Revises) {
		return nil, fmt.Errorf("script template renders revision %q revising %q, want %q revising %q (does it use {{.ID}} and {{.Revises}}?)",
			s.ID, strings.Join(s.Revises, " "), n.ID, strings.Join(n.Revises, " "))
	}
	return buf.Bytes(), nil
}

// Write renders n with tmpl and stores it in dir as <id>_<slug>.sql,
// returning the new file's path. It never overwrites a file and leaves
// nothing behind on failure (WriteNewFile), and it refuses an id that
// already names a script in dir.
func Write(dir, tmpl string, n New) (string, error) {
	data, err := Render(tmpl, n)
	if err != nil {
		return "", err
	}
	final := filepath.Join(dir, FileName(n.ID, n.Message, ".sql"))
	for _, pat := range []string{n.ID + ".sql", n.ID + "_*.sql"} {
		if m, _ := filepath.Glob(filepath.Join(dir, pat)); len(m) > 0 {
			return "", fmt.Errorf("writing %s: revision %s already has a script: %s", final, n.ID, m[0])
		}
	}

	if err := WriteNewFile(final, data); err != nil {
		return "", err
	}
	return final, nil
}

// WriteNewFile stores data as the new file path, never over an existing
// one: the text goes to a temporary file beside it that is then
// hard-linked into place (which fails if the name is taken), so the file
// appears complete or not at all, and on any error nothing is left behind.
// Errors name path.
func WriteNewFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".retort-*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the link, or after a failure
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	err = os.Link(tmpName, path)
	if err == nil {
		return nil
	}
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("writing %s: file already exists", path)
	}
	// Some file systems have no hard links; O_EXCL gives the same promise
	// of never overwriting, though a crash could leave a partial file.
	f, err2 := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err2 != nil {
		if errors.Is(err2, os.ErrExist) {
			return fmt.Errorf("writing %s: file already exists", path)
		}
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err2 = f.Write(data)
	if err3 := f.Close(); err2 == nil {
		err2 = err3
	}
	if err2 != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err2)
	}
	return nil
}

// FileName is a new revision's file name: <id>_<slug><ext>, or <id><ext>
// when the message gives no slug.
func FileName(id, message, ext string) string {
	if slug := Slug(message); slug != "" {
		return id + "_" + slug + ext
	}
	return id + ext
}

// slugMax is about how long a slug may get; it is cut at a word boundary.
const slugMax = 40

// Slug turns a message into the file-name part of a script:
// "Add snapshot table" -> "add_snapshot_table". Letters are lowercased,
// every run of other characters than ASCII letters and digits becomes one
// "_", and the result is trimmed and cut to about 40 characters at a word
// boundary.
func Slug(message string) string {
	var b strings.Builder
	pending := false
	for i := 0; i < len(message); i++ {
		c := message[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if pending && b.Len() > 0 {
				b.WriteByte('_')
			}
			pending = false
			b.WriteByte(c)
		default:
			pending = true
		}
	}
	s := b.String()
	if len(s) <= slugMax {
		return s
	}
	if k := strings.LastIndexByte(s[:slugMax+1], '_'); k > 0 {
		return s[:k]
	}
	return s[:slugMax]
}

// NextID picks the id for a new revision. kind is the revision_ids setting:
//   - "hex" (or ""): 12 random hex digits, as Alembic's;
//   - "sequential": one more than the highest all-digit id in existing,
//     zero-padded to the width of the existing ids and at least 3 digits
//     (006 -> 007, 999 -> 1000);
//   - "timestamp": now in UTC as YYYYMMDDHHMMSS, a second later while that
//     id is taken.
func NextID(kind string, existing []string, now time.Time) (string, error) {
	taken := make(map[string]bool, len(existing))
	for _, id := range existing {
		taken[id] = true
	}
	switch kind {
	case "hex", "":
		for range 16 {
			var b [6]byte
			if _, err := rand.Read(b[:]); err != nil {
				return "", fmt.Errorf("new revision id: %w", err)
			}
			if id := hex.EncodeToString(b[:]); !taken[id] {
				return id, nil
			}
		}
		return "", errors.New("new revision id: no free random id (is the random source broken?)")
	case "sequential":
		var highest uint64
		width := 3
		for _, id := range existing {
			if id == "" || strings.TrimLeft(id, "0123456789") != "" {
				continue
			}
			v, err := strconv.ParseUint(id, 10, 64)
			if err != nil {
				return "", fmt.Errorf("new revision id: sequential id %q is too large", id)
			}
			highest = max(highest, v)
			width = max(width, len(id))
		}
		if highest == ^uint64(0) {
			return "", errors.New("new revision id: sequential ids exhausted")
		}
		return fmt.Sprintf("%0*d", width, highest+1), nil
	case "timestamp":
		t := now.UTC()
		for {
			id := t.Format("20060102150405")
			if !taken[id] {
				return id, nil
			}
			t = t.Add(time.Second)
		}
	}
	return "", fmt.Errorf("unknown revision_ids kind %q (want hex, sequential or timestamp)", kind)
}

// withBody keeps a rendered template's header and replaces its sections
// (from the first "-- retort:upgrade" line on) with body.
func withBody(rendered []byte, body string) []byte {
	head := rendered
	for off := 0; off < len(rendered); {
		line := rendered[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("-- retort:upgrade")) {
			head = rendered[:off]
			break
		}
		off += len(line)
	}
	head = bytes.TrimRight(head, "\n")
	return append(append(head, "\n\n"...), body...)
}
