package config

import "net/url"

// URL is a parsed database URL, in SQLAlchemy's forms or the drivers' own.
type URL struct {
	Dialect  string // "sqlite", "postgresql" or "mysql"
	Driver   string // the +driver part as written, e.g. "psycopg2"; informational
	User     string
	Password string
	Host     string
	Port     string
	Database string     // for sqlite: the file path ("" for memory)
	Query    url.Values // remaining query parameters
}

// ParseURL parses a database URL.
func ParseURL(s string) (*URL, error) { panic("TODO") }

// Redacted renders the URL with the password replaced by ***.
func (u *URL) Redacted() string { panic("TODO") }
