package schema

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is a portable column type. Each dialect maps every kind to a type
// of its own (see the table in Type's comment), and maps what it inspects
// back to a kind, so that one model describes the same table everywhere.
type Kind string

const (
	KindInteger   Kind = "integer"
	KindSmallInt  Kind = "smallint"
	KindBigInt    Kind = "bigint"
	KindBoolean   Kind = "boolean"
	KindString    Kind = "string" // Length characters
	KindText      Kind = "text"
	KindDate      Kind = "date"
	KindTime      Kind = "time"
	KindDateTime  Kind = "datetime" // TZ: with time zone (PostgreSQL only keeps it)
	KindNumeric   Kind = "numeric"  // Precision, Scale
	KindFloat     Kind = "float"    // double precision
	KindBinary    Kind = "binary"   // Length bytes, 0: unbounded
	KindUUID      Kind = "uuid"
	KindJSON      Kind = "json"
	KindEnum      Kind = "enum" // Values; Name on PostgreSQL
	KindRaw       Kind = "raw"  // Raw, given per dialect
	KindUndefined Kind = ""
)

// Type is a column type: a portable kind with its parameters, or a raw
// dialect type.
//
// How dialects render the kinds:
//
//	kind       sqlite        postgresql                    mysql
//	integer    INTEGER       INTEGER                       INT
//	smallint   SMALLINT      SMALLINT                      SMALLINT
//	bigint     BIGINT        BIGINT                        BIGINT
//	boolean    BOOLEAN       BOOLEAN                       TINYINT(1)
//	string(n)  VARCHAR(n)    VARCHAR(n)                    VARCHAR(n)
//	text       TEXT          TEXT                          TEXT
//	date       DATE          DATE                          DATE
//	time       TIME          TIME WITHOUT TIME ZONE        TIME
//	datetime   DATETIME      TIMESTAMP [WITH[OUT] TIME ZONE] DATETIME
//	numeric    NUMERIC(p,s)  NUMERIC(p,s)                  DECIMAL(p,s)
//	float      FLOAT         DOUBLE PRECISION              DOUBLE
//	binary(n)  BLOB          BYTEA                         VARBINARY(n), BLOB when n = 0
//	uuid       CHAR(36)      UUID                          CHAR(36)
//	json       JSON          JSONB                         JSON
//	enum       VARCHAR(n)    a type of its own (CREATE TYPE) ENUM('a', ...)
//
// SQLite and MySQL keep no time zone with a datetime, and SQLite's enum is
// a VARCHAR as long as the longest value: inspecting them gives back a
// datetime without TZ and a string.
type Type struct {
	Kind      Kind
	Length    int // string, binary
	Precision int // numeric
	Scale     int // numeric
	TZ        bool
	Values    []string // enum
	// Name is the PostgreSQL type an enum is created as; "" names it
	// <table>_<column>.
	Name string
	// Raw is the type's SQL per dialect name ("postgresql", "mysql",
	// "sqlite"), for KindRaw; key "" serves any dialect not listed.
	Raw map[string]string
}

// The constructors name the portable types in declarations:
// schema.String(36), schema.Numeric(10, 2), schema.Enum("draft", "live").

func Integer() Type              { return Type{Kind: KindInteger} }
func SmallInt() Type             { return Type{Kind: KindSmallInt} }
func BigInt() Type               { return Type{Kind: KindBigInt} }
func Boolean() Type              { return Type{Kind: KindBoolean} }
func String(length int) Type     { return Type{Kind: KindString, Length: length} }
func Text() Type                 { return Type{Kind: KindText} }
func Date() Type                 { return Type{Kind: KindDate} }
func Time() Type                 { return Type{Kind: KindTime} }
func DateTime() Type             { return Type{Kind: KindDateTime} }
func DateTimeTZ() Type           { return Type{Kind: KindDateTime, TZ: true} }
func Numeric(p, s int) Type      { return Type{Kind: KindNumeric, Precision: p, Scale: s} }
func Float() Type                { return Type{Kind: KindFloat} }
func Binary(length int) Type     { return Type{Kind: KindBinary, Length: length} }
func UUID() Type                 { return Type{Kind: KindUUID} }
func JSON() Type                 { return Type{Kind: KindJSON} }
func Enum(values ...string) Type { return Type{Kind: KindEnum, Values: values} }

// Raw is a dialect's own type, given as SQL: Raw("INET") for every
// dialect, or per dialect with Raw("", "postgresql", "INET", "mysql",
// "VARCHAR(45)"); the first argument then serves the dialects not named.
// Dialect names are sqlite, postgresql and mysql (postgres, mariadb and
// sqlite3 are read as those). A dialect name without its SQL after it is
// a mistake in the declaration, and panics, as regexp.MustCompile does.
func Raw(sql string, perDialect ...string) Type {
	if len(perDialect)%2 != 0 {
		panic(fmt.Sprintf("schema.Raw: dialect %q has no SQL after it (give dialect, SQL pairs)", perDialect[len(perDialect)-1]))
	}
	t := Type{Kind: KindRaw, Raw: map[string]string{}}
	if sql != "" {
		t.Raw[""] = sql
	}
	for i := 0; i+1 < len(perDialect); i += 2 {
		d := perDialect[i]
		if alias, ok := dialectAliases[d]; ok {
			d = alias
		}
		t.Raw[d] = perDialect[i+1]
	}
	return t
}

// dialectAliases are the other names of the dialects that URLs and
// retort.ini accept.
var dialectAliases = map[string]string{"postgres": "postgresql", "mariadb": "mysql", "sqlite3": "sqlite"}

// RawFor is the raw type's SQL on dialect, and whether there is one.
func (t Type) RawFor(dialect string) (string, bool) {
	if s, ok := t.Raw[dialect]; ok {
		return s, true
	}
	s, ok := t.Raw[""]
	return s, ok
}

// String is the type as a person reads it in a diff: string(36),
// numeric(10,2), datetime with time zone, enum('a','b').
func (t Type) String() string {
	switch t.Kind {
	case KindString:
		return fmt.Sprintf("string(%d)", t.Length)
	case KindBinary:
		if t.Length > 0 {
			return fmt.Sprintf("binary(%d)", t.Length)
		}
		return "binary"
	case KindNumeric:
		return fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale)
	case KindDateTime:
		if t.TZ {
			return "datetime with time zone"
		}
		return "datetime"
	case KindEnum:
		q := make([]string, len(t.Values))
		for i, v := range t.Values {
			q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		return "enum(" + strings.Join(q, ",") + ")"
	case KindRaw:
		if s, ok := t.Raw[""]; ok {
			return s
		}
		keys := make([]string, 0, len(t.Raw))
		for k := range t.Raw {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + t.Raw[k]
		}
		return "raw(" + strings.Join(parts, ", ") + ")"
	case KindUndefined:
		return "undefined"
	}
	return string(t.Kind)
}

// Equal reports whether two types are the same type.
func (t Type) Equal(u Type) bool {
	if t.Kind != u.Kind || t.Length != u.Length || t.Precision != u.Precision || t.Scale != u.Scale ||
		t.TZ != u.TZ || t.Name != u.Name || !slices.Equal(t.Values, u.Values) || len(t.Raw) != len(u.Raw) {
		return false
	}
	for k, v := range t.Raw {
		if w, ok := u.Raw[k]; !ok || !strings.EqualFold(v, w) {
			return false
		}
	}
	return true
}

func (t Type) clone() Type {
	t.Values = slices.Clone(t.Values)
	if t.Raw != nil {
		raw := make(map[string]string, len(t.Raw))
		for k, v := range t.Raw {
			raw[k] = v
		}
		t.Raw = raw
	}
	return t
}
