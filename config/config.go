// Package config finds and reads retort's settings: retort.ini, OpenStack
// style --config-file files, the environment and command-line flags, and
// parses and masks database URLs.
//
// Nothing here reads process state behind the caller's back except the file
// system and, when Sources.Getenv is nil, os.Getenv; tests pass their own
// Getenv and paths.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/ini.v1"
)

// Defaults of the [retort] settings.
const (
	DefaultScriptLocation  = "migrations"
	DefaultVersionTable    = "retort_version"
	DefaultRevisionIDs     = "hex"
	DefaultTransactionMode = "per-migration"
	DefaultLockTimeout     = 60 * time.Second
	DefaultConfigName      = "retort.ini"
)

// Environment variables read by Load.
const (
	EnvConfig      = "RETORT_CONFIG"
	EnvDatabaseURL = "RETORT_DATABASE_URL"
)

// Settings is the configuration in effect.
type Settings struct {
	File               string        // the retort.ini in use, "" if none
	Dir                string        // its directory (cwd when none), absolute: base for script_location
	ScriptLocation     string        // resolved path (Dir joined with the setting; default "migrations")
	VersionTable       string        // default "retort_version"
	VersionTableSchema string        // postgres only, default ""
	RevisionIDs        string        // hex | sequential | timestamp; default hex
	TransactionMode    string        // per-migration | all | none; default per-migration
	LockTimeout        time.Duration // default 60s
	Dialects           []string      // each one of sqlite, postgresql, mysql
	Models             string        // resolved against Dir; "" if not set
	// ExcludeTables are path.Match patterns of tables that check and
	// autogenerate leave alone: another component's, in a shared database.
	ExcludeTables    []string
	Connection       string // the database URL in effect, "" if none
	ConnectionSource string // where Connection came from, for messages
}

// Sources says where Load looks.
type Sources struct {
	ConfigPath         string              // -c/--config; "" means $RETORT_CONFIG, else ./retort.ini if it exists
	ConfigFiles        []string            // --config-file, repeatable, later wins
	DatabaseConnection string              // --database-connection
	Getenv             func(string) string // nil means os.Getenv
	// NoImplicitConfig reads a retort.ini only when ConfigPath names one:
	// neither $RETORT_CONFIG nor ./retort.ini is looked at. For projects
	// whose migrations are compiled in (the library, a project's own CLI).
	NoImplicitConfig bool
	// DefaultVersionTable replaces DefaultVersionTable as the version
	// table when no retort.ini sets one ("" keeps retort_version).
	DefaultVersionTable string
}

// URL parses the connection in effect; errors say where it came from.
func (s *Settings) URL() (*URL, error) {
	if s.Connection == "" {
		return nil, errors.New("no database connection: give --database-connection, set RETORT_DATABASE_URL, or set [database] connection in retort.ini or a --config-file")
	}
	u, err := ParseURL(s.Connection)
	if err != nil {
		return nil, fmt.Errorf("database connection from %s: %w", s.ConnectionSource, err)
	}
	return u, nil
}

// retortKeys are the keys [retort] may hold. An unknown key is an error
// rather than ignored: a typo such as "version_tabel" would otherwise
// silently point a run at the wrong version table.
var retortKeys = []string{
	"script_location",
	"version_table",
	"version_table_schema",
	"revision_ids",
	"transaction_mode",
	"lock_timeout",
	"dialects",
	"models",
	"exclude_tables",
}

var (
	revisionIDValues      = []string{"hex", "sequential", "timestamp"}
	transactionModeValues = []string{"per-migration", "all", "none"}
)

// Load resolves the settings from src.
func Load(src Sources) (*Settings, error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	st := &Settings{
		VersionTable:    cmp.Or(src.DefaultVersionTable, DefaultVersionTable),
		RevisionIDs:     DefaultRevisionIDs,
		TransactionMode: DefaultTransactionMode,
		LockTimeout:     DefaultLockTimeout,
	}

	path, named := src.ConfigPath, true
	if path == "" && !src.NoImplicitConfig {
		path = getenv(EnvConfig)
	}
	if path == "" {
		path, named = DefaultConfigName, false
	}
	var data []byte
	var err error
	if named || !src.NoImplicitConfig {
		data, err = os.ReadFile(path)
	} else {
		err = fs.ErrNotExist
	}
	switch {
	case err == nil:
		st.File = path
		if err := st.loadRetortINI(path, data); err != nil {
			return nil, err
		}
	case errors.Is(err, fs.ErrNotExist) && !named:
		// No ./retort.ini: the defaults apply, relative to the cwd.
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
		st.Dir = wd
		st.ScriptLocation = filepath.Join(wd, DefaultScriptLocation)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("config file %s: not found", path)
	default:
		return nil, fmt.Errorf("reading config file %s: %w", path, err)
	}

	// Connection: weakest first, each stronger source overriding.
	for _, f := range src.ConfigFiles {
		conn, err := readOsloConnection(f)
		if err != nil {
			return nil, err
		}
		if conn != "" {
			st.Connection, st.ConnectionSource = conn, f
		}
	}
	if v := strings.TrimSpace(getenv(EnvDatabaseURL)); v != "" {
		st.Connection, st.ConnectionSource = v, EnvDatabaseURL
	}
	if v := strings.TrimSpace(src.DatabaseConnection); v != "" {
		st.Connection, st.ConnectionSource = v, "--database-connection"
	}
	return st, nil
}

// retortINIOptions: keys are case-insensitive as in Python's configparser;
// an inline comment needs whitespace before it (the design's retort.ini
// uses them, and a URL never contains whitespace, so "; ..." after a value
// is never part of it); Python-style indented continuation lines are
// allowed as in alembic.ini.
var retortINIOptions = ini.LoadOptions{
	InsensitiveKeys:            true,
	SpaceBeforeInlineComment:   true,
	AllowPythonMultilineValues: true,
	IgnoreContinuation:         true,
	ChildSectionDelimiter:      "\x00", // no [a.b] inheritance: configparser has none
}

func (st *Settings) loadRetortINI(path string, data []byte) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	st.Dir = filepath.Dir(abs)
	f, err := ini.LoadSources(retortINIOptions, data)
	if err != nil {
		return fmt.Errorf("config file %s: %s", path, MaskPasswords(err.Error()))
	}
	get := func(section, key string) (string, bool, error) {
		sec, err := f.GetSection(section)
		if err != nil || !sec.HasKey(key) {
			return "", false, nil
		}
		v, err := expandHere(value(sec.Key(key)), st.Dir)
		if err != nil {
			return "", false, fmt.Errorf("%s: [%s] %s: %w", path, section, key, err)
		}
		return strings.TrimSpace(v), true, nil
	}

	if sec, err := f.GetSection("retort"); err == nil {
		for _, k := range sec.KeyStrings() {
			if !slices.Contains(retortKeys, k) {
				return fmt.Errorf("%s: [retort] unknown key %q%s (known keys: %s)", path, k, suggest(k, retortKeys), strings.Join(retortKeys, ", "))
			}
		}
	}

	// Each setting: an absent or empty value keeps the default.
	val := func(key string) (string, error) {
		v, _, err := get("retort", key)
		return v, err
	}
	bad := func(key, v, want string) error {
		return fmt.Errorf("%s: [retort] %s = %q: %s", path, key, v, want)
	}

	v, err := val("script_location")
	if err != nil {
		return err
	}
	if v == "" {
		v = DefaultScriptLocation
	}
	st.ScriptLocation = resolve(st.Dir, v)

	if v, err = val("version_table"); err != nil {
		return err
	} else if v != "" {
		st.VersionTable = v
	}
	if v, err = val("version_table_schema"); err != nil {
		return err
	}
	st.VersionTableSchema = v

	if v, err = val("revision_ids"); err != nil {
		return err
	} else if v != "" {
		lv := strings.ToLower(v)
		if !slices.Contains(revisionIDValues, lv) {
			return bad("revision_ids", v, "must be one of "+strings.Join(revisionIDValues, ", ")+suggest(lv, revisionIDValues))
		}
		st.RevisionIDs = lv
	}

	if v, err = val("transaction_mode"); err != nil {
		return err
	} else if v != "" {
		lv := strings.ToLower(v)
		if !slices.Contains(transactionModeValues, lv) {
			return bad("transaction_mode", v, "must be one of "+strings.Join(transactionModeValues, ", ")+suggest(lv, transactionModeValues))
		}
		st.TransactionMode = lv
	}

	if v, err = val("lock_timeout"); err != nil {
		return err
	} else if v != "" {
		d, err := ParseLockTimeout(v)
		if err != nil {
			return bad("lock_timeout", v, err.Error())
		}
		st.LockTimeout = d
	}

	if v, err = val("dialects"); err != nil {
		return err
	} else if v != "" {
		ds, err := ParseDialects(v)
		if err != nil {
			return bad("dialects", v, err.Error())
		}
		st.Dialects = ds
	}

	if v, err = val("models"); err != nil {
		return err
	} else if v != "" {
		st.Models = resolve(st.Dir, v)
	}

	if v, err = val("exclude_tables"); err != nil {
		return err
	} else if v != "" {
		pats, err := ParsePatterns(v)
		if err != nil {
			return bad("exclude_tables", v, err.Error())
		}
		st.ExcludeTables = pats
	}

	conn, ok, err := get("database", "connection")
	if err != nil {
		return err
	}
	if ok && conn != "" {
		st.Connection, st.ConnectionSource = conn, path
	}
	return nil
}

// ParseLockTimeout accepts a Go duration ("60s", "2m", "1m30s") or a plain
// number of seconds ("30", "2.5").
func ParseLockTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > float64(1<<62)/float64(time.Second) {
			return 0, errors.New("must be a non-negative duration such as 60s, 2m or a number of seconds")
		}
		d = time.Duration(f * float64(time.Second))
	} else {
		var err error
		d, err = time.ParseDuration(s)
		if err != nil {
			return 0, errors.New("want a duration such as 60s, 2m, 1m30s or a number of seconds")
		}
	}
	if d < 0 {
		return 0, errors.New("must not be negative")
	}
	return d, nil
}

// ParsePatterns splits a comma- or space-separated list of table name
// patterns (path.Match syntax: neutron_*, ml2_?) and checks each.
func ParsePatterns(s string) ([]string, error) {
	pats := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, p := range pats {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("bad pattern %q: %v", p, err)
		}
	}
	return pats, nil
}

// ParseDialects splits a comma- or space-separated list of dialect names,
// normalises aliases (postgres, mariadb) and drops repeats, keeping order.
func ParseDialects(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	var out []string
	for _, f := range fields {
		d, ok := NormalizeDialect(f)
		if !ok {
			return nil, fmt.Errorf("unknown dialect %q%s: want sqlite, postgresql or mysql (postgres and mariadb are accepted as aliases)", f, suggest(strings.ToLower(f), []string{"sqlite", "postgresql", "mysql", "postgres", "mariadb"}))
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// expandHere expands %(here)s to dir, as Alembic does for alembic.ini, and
// %% to %, as configparser's interpolation does, so that a value copied from
// an alembic.ini means the same here. Any other %(name)s is an error rather
// than left in place, because it would end up in a path or URL unnoticed.
func expandHere(v, dir string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '%' || i+1 >= len(v) {
			b.WriteByte(c)
			continue
		}
		switch {
		case v[i+1] == '%':
			b.WriteByte('%')
			i++
		case v[i+1] == '(':
			end := strings.Index(v[i:], ")s")
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			name := v[i+2 : i+end]
			if name != "here" {
				return "", fmt.Errorf("unknown interpolation %%(%s)s: only %%(here)s (this file's directory) is supported", name)
			}
			b.WriteString(dir)
			i += end + 1
		default:
			// A lone % (a percent-encoded URL, say): kept as written.
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// osloOptions read nova.conf / neutron.conf as oslo.config would: keys and
// sections case-insensitive, indented continuation lines, repeated keys (the
// last wins), lines that are not key = value skipped, no backslash
// continuation. Inline comments need whitespace before them, which cannot
// cut a URL (a URL has no whitespace).
var osloOptions = ini.LoadOptions{
	Insensitive:                true,
	SpaceBeforeInlineComment:   true,
	AllowPythonMultilineValues: true,
	IgnoreContinuation:         true,
	SkipUnrecognizableLines:    true,
	AllowBooleanKeys:           true,
	AllowNonUniqueSections:     false,
	ChildSectionDelimiter:      "\x00",
}

// readOsloConnection returns the database URL of an OpenStack-style config
// file: [database] connection, or the names oslo.db still accepts from older
// releases ([database] sql_connection, [sql] connection, [DEFAULT]
// sql_connection), so a sqlalchemy-migrate era nova.conf works too.
func readOsloConnection(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("--config-file %s: not found", path)
	}
	if err != nil {
		return "", fmt.Errorf("reading --config-file %s: %w", path, err)
	}
	f, err := ini.LoadSources(osloOptions, data)
	if err != nil {
		return "", fmt.Errorf("--config-file %s: %s", path, MaskPasswords(err.Error()))
	}
	for _, loc := range [][2]string{
		{"database", "connection"},
		{"database", "sql_connection"},
		{"sql", "connection"},
		{ini.DefaultSection, "sql_connection"},
	} {
		// Sections are matched by hand: with Insensitive set, go-ini keeps
		// [DEFAULT] under its upper-case name but lower-cases the name given
		// to GetSection, so GetSection("DEFAULT") misses it.
		for _, sec := range f.Sections() {
			if !strings.EqualFold(sec.Name(), loc[0]) || !sec.HasKey(loc[1]) {
				continue
			}
			if v := value(sec.Key(loc[1])); v != "" {
				return v, nil
			}
		}
	}
	return "", nil
}

// value is a key's value, trimmed, and empty when all it holds is a
// comment: go-ini keeps "; comment" in "key =   ; comment" because nothing
// precedes it, but configparser (and a reader) takes it as a comment.
func value(k *ini.Key) string {
	v := strings.TrimSpace(k.String())
	if strings.HasPrefix(v, ";") || strings.HasPrefix(v, "#") {
		return ""
	}
	return v
}

// suggest returns `; did you mean "x"?` for the nearest candidate within a
// small edit distance, or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(s, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(s)/3)
	if bestD < 0 || bestD > limit || best == s {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
