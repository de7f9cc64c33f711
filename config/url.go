package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// URL is a parsed database URL, in SQLAlchemy's forms or the drivers' own.
//
// String, GoString and Redacted all render the password as ***, so a URL
// printed with any fmt verb never leaks it. Reveal is the one way to get the
// full URL back, and should only ever reach a driver.
type URL struct {
	Dialect  string // "sqlite", "postgresql" or "mysql"
	Driver   string // the +driver part as written, e.g. "psycopg2"; informational
	User     string
	Password string
	Host     string // without brackets, also for IPv6 ("::1")
	Port     string
	Database string     // for sqlite: the file path ("" for memory)
	Query    url.Values // remaining query parameters

	// Backend is the backend name as written before any "+driver"
	// ("postgres", "postgresql", "mysql", "mariadb", "sqlite"). It is kept so
	// that a MariaDB URL renders back as mariadb:// and callers can tell
	// MariaDB from MySQL before connecting.
	Backend string
}

// backends maps each accepted backend name to its dialect. The list in
// errors is derived from it, so adding a name here is the only change needed.
var backends = map[string]string{
	"sqlite":     "sqlite",
	"sqlite3":    "sqlite",
	"postgresql": "postgresql",
	"postgres":   "postgresql",
	"pgsql":      "postgresql",
	"mysql":      "mysql",
	"mariadb":    "mysql",
}

// acceptedSchemes is what an unknown-scheme error offers instead.
func acceptedSchemes() string {
	names := make([]string, 0, len(backends))
	for n := range backends {
		names = append(names, n+"://")
	}
	sort.Strings(names)
	return strings.Join(names, ", ") + " (each optionally with +driver, e.g. postgresql+psycopg2://, mysql+pymysql://)"
}

// NormalizeDialect maps a dialect or backend name ("postgres", "mariadb",
// "postgresql+psycopg2" ...) to one of sqlite, postgresql, mysql.
func NormalizeDialect(name string) (string, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	if i := strings.IndexByte(name, '+'); i >= 0 {
		name = name[:i]
	}
	d, ok := backends[name]
	return d, ok
}

// ParseURL parses a database URL.
//
// The grammar is SQLAlchemy's (sqlalchemy.engine.url._parse_url): the
// user name stops at ':' or '/', the password at the first '@' (so a literal
// '@' in a password must be written %40), both are percent-decoded, the
// database part is kept as written. Following the same rules as SQLAlchemy
// means a URL that works in an existing alembic.ini or neutron.conf means the
// same thing here.
//
// Errors never contain the password: they name the part that is wrong, not
// the whole URL.
func ParseURL(s string) (*URL, error) {
	s = strings.TrimSpace(s)
	schemeEnd := strings.Index(s, "://")
	if schemeEnd < 0 {
		return nil, fmt.Errorf("invalid database URL: no scheme (expected e.g. sqlite:///app.db or postgresql://user@host/db; accepted: %s)", acceptedSchemes())
	}
	scheme := strings.ToLower(s[:schemeEnd])
	rest := s[schemeEnd+3:]

	backend, driver := scheme, ""
	if i := strings.IndexByte(scheme, '+'); i >= 0 {
		backend, driver = scheme[:i], scheme[i+1:]
	}
	if !validSchemeName(backend) || (driver != "" && !validSchemeName(driver)) {
		return nil, fmt.Errorf("invalid database URL: malformed scheme (accepted: %s)", acceptedSchemes())
	}
	dialect, ok := backends[backend]
	if !ok {
		return nil, fmt.Errorf("unsupported database URL scheme %q; accepted: %s", backend+"://", acceptedSchemes())
	}
	u := &URL{Dialect: dialect, Driver: driver, Backend: backend, Query: url.Values{}}

	// Query: everything after the first '?' that is not inside the user
	// info. SQLAlchemy's password group is [^@]*, so user info is decided
	// first, on the raw remainder.
	if user, pass, hasPass, after, ok := splitUserInfo(rest); ok {
		var err error
		if u.User, err = url.PathUnescape(user); err != nil {
			return nil, fmt.Errorf("invalid database URL (%s): bad percent-encoding in user name", backend)
		}
		if hasPass {
			if u.Password, err = url.PathUnescape(pass); err != nil {
				// Deliberately vague: the password itself must not appear.
				return nil, fmt.Errorf("invalid database URL (%s): bad percent-encoding in password", backend)
			}
		}
		rest = after
	}

	hostPort := rest
	path, query, hasQuery := "", "", false
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hostPort = rest[:i]
		tail := rest[i:]
		if tail[0] == '/' {
			tail = tail[1:]
			if j := strings.IndexByte(tail, '?'); j >= 0 {
				path, query, hasQuery = tail[:j], tail[j+1:], true
			} else {
				path = tail
			}
		} else {
			query, hasQuery = tail[1:], true
		}
	}
	if strings.HasPrefix(hostPort, "[") {
		end := strings.IndexByte(hostPort, ']')
		if end < 0 {
			return nil, fmt.Errorf("invalid database URL (%s): unterminated IPv6 host bracket", backend)
		}
		u.Host = hostPort[1:end]
		portPart := hostPort[end+1:]
		if portPart != "" {
			if portPart[0] != ':' {
				return nil, fmt.Errorf("invalid database URL (%s): unexpected text after IPv6 host", backend)
			}
			u.Port = portPart[1:]
		}
	} else if i := strings.IndexByte(hostPort, ':'); i >= 0 {
		u.Host, u.Port = hostPort[:i], hostPort[i+1:]
	} else {
		u.Host = hostPort
	}
	if strings.IndexFunc(u.Host, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("@[]", r)
	}) >= 0 {
		return nil, fmt.Errorf("invalid database URL (%s): the host contains whitespace, a control character, '@' or a bracket (percent-encode '@' in a password as %%40)", backend)
	}
	if u.Port != "" {
		n, err := strconv.Atoi(u.Port)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("invalid database URL (%s): port %q is not a number between 0 and 65535", backend, u.Port)
		}
	}
	u.Database = path

	if hasQuery {
		q, err := parseQuery(query)
		if err != nil {
			return nil, fmt.Errorf("invalid database URL (%s): %w", backend, err)
		}
		u.Query = q
	}

	if dialect == "sqlite" {
		if u.Host != "" || u.Port != "" {
			return nil, fmt.Errorf("invalid sqlite URL: it takes no host (use sqlite:///relative/path.db or sqlite:////absolute/path.db)")
		}
		if u.Database == ":memory:" {
			u.Database = ""
		}
	}
	return u, nil
}

func validSchemeName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// splitUserInfo applies SQLAlchemy's (?P<username>[^:/]*)(?::(?P<password>[^@]*))?@
// to the start of rest. ok is false when rest has no user info.
func splitUserInfo(rest string) (user, pass string, hasPass bool, after string, ok bool) {
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return "", "", false, rest, false
	}
	info := rest[:at]
	user = info
	if i := strings.IndexByte(info, ':'); i >= 0 {
		user, pass, hasPass = info[:i], info[i+1:], true
	}
	if strings.ContainsAny(user, "/") {
		return "", "", false, rest, false
	}
	return user, pass, hasPass, rest[at+1:], true
}

// parseQuery is url.ParseQuery without the refusal of ';', which Python's
// parse_qsl (what SQLAlchemy uses) accepts as part of a value.
func parseQuery(q string) (url.Values, error) {
	v := url.Values{}
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, val, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return nil, errors.New("bad percent-encoding in a query parameter name")
		}
		dv, err := url.QueryUnescape(val)
		if err != nil {
			// The value may be a password: name only the key.
			return nil, fmt.Errorf("bad percent-encoding in query parameter %q", dk)
		}
		v[dk] = append(v[dk], dv)
	}
	return v, nil
}

// IsMemory reports whether the URL names an in-memory SQLite database.
func (u URL) IsMemory() bool {
	return u.Dialect == "sqlite" && (u.Database == "" || u.Database == ":memory:")
}

// Redacted renders the URL with the password replaced by ***.
func (u URL) Redacted() string { return u.render(true) }

// String is Redacted, so that %v and %s never print the password.
func (u URL) String() string { return u.render(true) }

// GoString is Redacted too, so that %#v never prints the password.
func (u URL) GoString() string { return "config.URL(" + strconv.Quote(u.render(true)) + ")" }

// Reveal renders the URL in SQLAlchemy form with the password. It exists for
// handing the URL to another program; never log it.
func (u URL) Reveal() string { return u.render(false) }

// secretQueryKeys are query parameters that carry a password in some drivers'
// URL forms (libpq's password=, for instance).
var secretQueryKeys = map[string]bool{"password": true, "passwd": true, "pass": true, "sslpassword": true}

func (u URL) render(redact bool) string {
	var b strings.Builder
	backend := u.Backend
	if backend == "" || backend == "postgres" || backend == "pgsql" || backend == "sqlite3" {
		// Render what SQLAlchemy itself accepts (it dropped postgres:// in 1.4).
		backend = u.Dialect
	}
	b.WriteString(backend)
	if u.Driver != "" {
		b.WriteString("+" + u.Driver)
	}
	b.WriteString("://")
	prefix := b.Len()
	if u.User != "" || u.Password != "" {
		b.WriteString(escapeUserInfo(u.User))
		if u.Password != "" {
			b.WriteByte(':')
			if redact {
				b.WriteString("***")
			} else {
				b.WriteString(escapeUserInfo(u.Password))
			}
		}
		b.WriteByte('@')
	}
	if strings.Contains(u.Host, ":") {
		b.WriteString("[" + u.Host + "]")
	} else {
		b.WriteString(u.Host)
	}
	if u.Port != "" {
		b.WriteString(":" + u.Port)
	}
	if u.Database != "" {
		b.WriteString("/" + u.Database)
	} else if u.Dialect == "sqlite" && len(u.Query) > 0 {
		b.WriteString("/")
	}
	if len(u.Query) > 0 {
		q := u.Query
		if redact {
			q = url.Values{}
			for k, vs := range u.Query {
				if secretQueryKeys[strings.ToLower(k)] {
					vs = []string{"***"}
				}
				q[k] = vs
			}
		}
		// '/' and '*' are legal in a query; leaving them unescaped keeps
		// host=/var/run/postgresql and password=*** readable.
		b.WriteString("?" + strings.NewReplacer("%2F", "/", "%2A", "*").Replace(q.Encode()))
	}
	out := b.String()
	if u.User == "" && u.Password == "" {
		// With no user info, an '@' in the database or query would be read
		// back as ending one; an explicit empty user info ("://@") says there
		// is none.
		if _, _, _, _, ok := splitUserInfo(out[prefix:]); ok {
			out = out[:prefix] + "@" + out[prefix:]
		}
	}
	return out
}

// escapeUserInfo percent-encodes everything but RFC 3986 unreserved
// characters and the sub-delimiters, so that ':', '@', '/', '?', '%' and
// '[' in a user or password survive a round trip through ParseURL.
func escapeUserInfo(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// Regular expressions for MaskPasswords. They run on driver error messages
// and logs, where a URL is embedded in prose, so they stop at whitespace and
// quotes.
var (
	// scheme://user:password@
	urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'"]*:)([^\s@'"]+)@`)
	// go-sql-driver/mysql DSN: user:password@tcp(...) / @unix(...) / @/db
	mysqlDSNRE = regexp.MustCompile(`((?:^|[\s'"(=])[^\s:/@'"(]+:)([^\s@'"]+)@(tcp|unix|/)`)
	// libpq keyword form and query parameters: password=..., passwd=...
	keywordPasswordRE = regexp.MustCompile(`(?i)\b((?:ssl)?pass(?:word|wd)?\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;'"]+)`)
)

// MaskPasswords replaces the password of every URL-looking substring in text
// (scheme://user:pass@, user:pass@tcp(...), password=...) with ***. It is for
// text retort did not write, such as driver error messages.
func MaskPasswords(text string) string {
	text = urlPasswordRE.ReplaceAllString(text, "${1}***@")
	text = mysqlDSNRE.ReplaceAllString(text, "${1}***@${3}")
	text = keywordPasswordRE.ReplaceAllString(text, "${1}***")
	return text
}

// Mask is MaskPasswords plus the removal of this URL's own password wherever
// it appears in text, raw or percent-encoded: a driver may echo it outside of
// any URL.
func (u URL) Mask(text string) string {
	text = MaskPasswords(text)
	if u.Password == "" {
		return text
	}
	for _, form := range []string{u.Password, escapeUserInfo(u.Password), url.QueryEscape(u.Password), url.PathEscape(u.Password)} {
		if form != "" && form != "***" {
			text = strings.ReplaceAll(text, form, "***")
		}
	}
	return text
}

// HostPort joins Host and Port (with the dialect's default port when none is
// given) in the form net.Dial expects.
func (u URL) HostPort() string {
	port := u.Port
	if port == "" {
		switch u.Dialect {
		case "postgresql":
			port = "5432"
		case "mysql":
			port = "3306"
		}
	}
	host := u.Host
	if host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
