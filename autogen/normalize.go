package autogen

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/retort-sql/retort/schema"
)

// normalizer reads types, defaults and expressions the way one dialect's
// server stores them, so that a model and an inspection of what the model
// created compare equal.
type normalizer struct {
	dialect string
}

// names is a list of column names for comparison.
func (n normalizer) names(cols []string) string {
	return strings.ToLower(strings.Join(cols, ","))
}

// fkAction reads a referential action: NO ACTION is every dialect's
// default and reads as none; on MySQL RESTRICT is the same (InnoDB checks
// at once either way, and the inspector reports both as none).
func (n normalizer) fkAction(a string) string {
	a = strings.ToUpper(strings.Join(strings.Fields(a), " "))
	switch a {
	case "NO ACTION":
		return ""
	case "RESTRICT":
		if n.dialect == "mysql" {
			return ""
		}
	}
	return a
}

// typeKey is the column's type as the dialect stores it, spelled the way
// the dialect's catalog spells it, so that a raw type and a portable one
// that the server takes for the same compare equal.
func (n normalizer) typeKey(t *schema.Table, c *schema.Column) string {
	ty := c.Type
	switch n.dialect {
	case "sqlite":
		if c.AutoIncrement {
			return "integer" // SQLite's AUTOINCREMENT takes only INTEGER
		}
		switch ty.Kind {
		case schema.KindBoolean:
			return "boolean"
		case schema.KindString:
			return lengthType("varchar", ty.Length)
		case schema.KindTime:
			return "time"
		case schema.KindDateTime:
			return "datetime"
		case schema.KindNumeric:
			if ty.Precision <= 0 {
				return "numeric"
			}
			return fmt.Sprintf("numeric(%d,%d)", ty.Precision, ty.Scale)
		case schema.KindFloat:
			return "float"
		case schema.KindBinary:
			return "blob"
		case schema.KindUUID:
			return "char(36)"
		case schema.KindEnum:
			m := 1
			for _, v := range ty.Values {
				m = max(m, utf8.RuneCountInString(v))
			}
			return fmt.Sprintf("varchar(%d)", m)
		case schema.KindRaw:
			s, _ := ty.RawFor("sqlite")
			return sqliteRaw(squeeze(s))
		}
	case "mysql":
		switch ty.Kind {
		case schema.KindInteger:
			return "int"
		case schema.KindBoolean:
			return "tinyint(1)"
		case schema.KindString:
			return lengthType("varchar", ty.Length)
		case schema.KindTime:
			return "time"
		case schema.KindDateTime:
			return "datetime"
		case schema.KindNumeric:
			if ty.Precision <= 0 {
				return "decimal(10,0)"
			}
			return fmt.Sprintf("decimal(%d,%d)", ty.Precision, ty.Scale)
		case schema.KindFloat:
			return "double"
		case schema.KindBinary:
			if ty.Length <= 0 {
				return "blob"
			}
			return fmt.Sprintf("varbinary(%d)", ty.Length)
		case schema.KindUUID:
			return "char(36)"
		case schema.KindEnum:
			return "enum(" + enumValues(ty.Values) + ")"
		case schema.KindRaw:
			s, _ := ty.RawFor("mysql")
			return mysqlRaw(squeeze(s))
		}
	case "postgresql":
		switch ty.Kind {
		case schema.KindBoolean:
			return "boolean"
		case schema.KindString:
			return lengthType("character varying", ty.Length)
		case schema.KindTime:
			return "time without time zone"
		case schema.KindDateTime:
			if ty.TZ {
				return "timestamp with time zone"
			}
			return "timestamp without time zone"
		case schema.KindNumeric:
			if ty.Precision <= 0 {
				return "numeric"
			}
			return fmt.Sprintf("numeric(%d,%d)", ty.Precision, ty.Scale)
		case schema.KindFloat:
			return "double precision"
		case schema.KindBinary:
			return "bytea"
		case schema.KindUUID:
			return "uuid"
		case schema.KindJSON:
			return "jsonb"
		case schema.KindEnum:
			name := ty.Name
			if name == "" {
				name = t.Name + "_" + c.Name
			}
			return "enum " + strings.ToLower(name) + "(" + enumValues(ty.Values) + ")"
		case schema.KindRaw:
			s, _ := ty.RawFor("postgresql")
			return pgRaw(squeeze(s))
		}
	}
	if ty.Kind == schema.KindRaw {
		s, _ := ty.RawFor(n.dialect)
		return squeeze(s)
	}
	return string(ty.Kind) // integer, smallint, bigint, text, date, json: the same word everywhere
}

func lengthType(name string, n int) string {
	if n <= 0 {
		return name
	}
	return fmt.Sprintf("%s(%d)", name, n)
}

func enumValues(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return strings.Join(q, ",")
}

// squeeze lowercases a type and removes the spaces round its punctuation:
// "NUMERIC( 10, 2 )" reads as "numeric(10,2)".
func squeeze(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, p := range []string{"(", ")", ","} {
		s = strings.ReplaceAll(s, " "+p, p)
		s = strings.ReplaceAll(s, p+" ", p)
	}
	return s
}

var typeWithArgs = regexp.MustCompile(`^([a-z_ ]+?)(\(.*\))?$`)

// pgRaw spells a raw PostgreSQL type as format_type does.
func pgRaw(s string) string {
	m := typeWithArgs.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	base, args := m[1], m[2]
	alias := map[string]string{
		"varchar": "character varying", "int": "integer", "int4": "integer", "serial": "integer", "serial4": "integer",
		"int2": "smallint", "smallserial": "smallint", "int8": "bigint", "bigserial": "bigint", "serial8": "bigint",
		"bool": "boolean", "float8": "double precision", "float4": "real", "decimal": "numeric",
		"timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
		"time": "time without time zone", "timetz": "time with time zone", "char": "character", "bpchar": "character",
		"varbit": "bit varying",
	}
	if a, ok := alias[base]; ok {
		base = a
	}
	if base == "character" && args == "" {
		args = "(1)"
	}
	// "timestamp(3) with time zone" keeps its precision inside.
	return base + args
}

var mysqlIntWidth = regexp.MustCompile(`^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)`)

// mysqlRaw spells a raw MySQL type as COLUMN_TYPE does: integer display
// widths dropped (int(11) is an int), but tinyint(1), which is MySQL's
// boolean, kept.
func mysqlRaw(s string) string {
	switch s {
	case "bool", "boolean":
		return "tinyint(1)"
	case "integer":
		return "int"
	case "decimal", "numeric", "dec":
		return "decimal(10,0)"
	case "real", "double precision":
		return "double"
	}
	if s == "tinyint(1)" {
		return s
	}
	s = mysqlIntWidth.ReplaceAllString(s, "$1")
	if strings.HasPrefix(s, "integer") {
		s = "int" + strings.TrimPrefix(s, "integer")
	}
	if strings.HasPrefix(s, "numeric(") {
		s = "decimal" + strings.TrimPrefix(s, "numeric")
	}
	return s
}

func sqliteRaw(s string) string {
	if s == "int" {
		return "integer"
	}
	return s
}

// defaultKey is a column's default as an expression with what servers
// add taken out. "" is no default.
func (n normalizer) defaultKey(c *schema.Column) string {
	s := exprCanon(c.Default, false)
	switch s {
	case "", "null":
		return ""
	case "now()", "current_timestamp", "current_timestamp()", "localtimestamp", "localtimestamp()",
		"transaction_timestamp()", "statement_timestamp()":
		// The moment the row is written, however each server spells it
		// (PostgreSQL now(), MariaDB current_timestamp()).
		return "current_timestamp"
	}
	// A number may come back quoted ('0' from a numeric column on
	// PostgreSQL, a string column's '1') or with trailing zeros (0.00 for
	// a DECIMAL(10,2) on MySQL).
	if lit, ok := unquote(s, n.dialect == "mysql"); ok {
		if num, ok := number(lit); ok {
			return num
		}
		if c.Type.Kind == schema.KindBoolean {
			if b, ok := boolean(lit); ok {
				return b
			}
		}
		return "'" + strings.ReplaceAll(lit, "'", "''") + "'"
	}
	if num, ok := number(s); ok {
		return num
	}
	if c.Type.Kind == schema.KindBoolean {
		if b, ok := boolean(s); ok {
			return b
		}
	}
	return s
}

func boolean(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "true", "t", "1", "yes", "on", "y":
		return "1", true
	case "false", "f", "0", "no", "off", "n":
		return "0", true
	}
	return "", false
}

var numeral = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

func number(s string) (string, bool) {
	if !numeral.MatchString(s) {
		return "", false
	}
	f, err := strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// unquote reads s as one string literal: 'it”s' (and on MySQL 'it\'s').
func unquote(s string, backslash bool) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		ch := s[i]
		switch {
		case backslash && ch == '\\' && i+1 < len(s)-1:
			i++
			b.WriteByte(s[i])
		case ch == '\'':
			if i+1 < len(s)-1 && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
			} else {
				return "", false // two literals, or a literal and more
			}
		default:
			b.WriteByte(ch)
		}
	}
	return b.String(), true
}

// exprKey is an expression (a check, an index's predicate or expression
// part) reduced to a signature that survives each server's rewriting:
// casts, parentheses, identifier quotes and spacing removed, words
// lowercased. Two expressions with one signature are taken as the same.
func (n normalizer) exprKey(s string) string {
	return exprCanon(s, true)
}

// exprCanon rewrites s outside string literals: PostgreSQL casts
// (::type) removed, whitespace removed, lowercased. Enclosing parentheses
// are stripped; with all, every parenthesis and identifier quote goes.
func exprCanon(s string, all bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'':
			// Copy the literal as it is, with its doubled quotes.
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			lit := s[i:min(j+1, len(s))]
			// A number in quotes is the number: PostgreSQL deparses
			// visits >= -1 as visits >= '-1'::integer.
			if v, ok := unquote(lit, false); ok {
				if num, ok := number(v); ok {
					lit = num
				}
			}
			b.WriteString(lit)
			i = j
		case ch == ':' && i+1 < len(s) && s[i+1] == ':':
			// A cast: skip the type name, which may hold spaces
			// ("character varying"), a schema, quotes, a length and [].
			j := i + 2
			for j < len(s) {
				if isWordByte(s[j]) || s[j] == '.' || s[j] == '"' || s[j] == '[' || s[j] == ']' {
					j++
					continue
				}
				if s[j] == ' ' && typeWordFollows(s[j+1:]) {
					j++
					continue
				}
				break
			}
			if j < len(s) && s[j] == '(' {
				if k := strings.IndexByte(s[j:], ')'); k >= 0 {
					j += k + 1
				}
			}
			i = j - 1
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
		case all && (ch == '(' || ch == ')' || ch == '"' || ch == '`'):
		default:
			b.WriteByte(lower(ch))
		}
	}
	out := b.String()
	for !all && len(out) >= 2 && out[0] == '(' && closes(out) {
		out = out[1 : len(out)-1]
	}
	return out
}

// closes reports whether the "(" s starts with closes at its end.
func closes(s string) bool {
	depth := 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\'':
			inQuote = !inQuote
		case inQuote:
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 {
				return i == len(s)-1
			}
		}
	}
	return false
}

// typeWordFollows reports whether s starts with a word that continues a
// type name of several words (character varying, double precision,
// timestamp with time zone).
func typeWordFollows(s string) bool {
	for _, w := range []string{"varying", "precision", "with ", "without ", "time", "zone"} {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			rest := s[len(w):]
			return strings.HasSuffix(w, " ") || rest == "" || !isWordByte(rest[0])
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
