package postgres

import (
	"testing"

	"github.com/retort-sql/retort/schema"
)

// TestPortableType maps format_type's spellings back to portable kinds.
func TestPortableType(t *testing.T) {
	raw := func(s string) schema.Type {
		return schema.Type{Kind: schema.KindRaw, Raw: map[string]string{"postgresql": s}}
	}
	cases := map[string]schema.Type{
		"integer":                     schema.Integer(),
		"smallint":                    schema.SmallInt(),
		"bigint":                      schema.BigInt(),
		"boolean":                     schema.Boolean(),
		"character varying(36)":       schema.String(36),
		"character varying":           schema.String(0),
		"text":                        schema.Text(),
		"date":                        schema.Date(),
		"time without time zone":      schema.Time(),
		"timestamp without time zone": schema.DateTime(),
		"timestamp with time zone":    schema.DateTimeTZ(),
		"numeric(10,2)":               schema.Numeric(10, 2),
		"numeric":                     schema.Numeric(0, 0),
		"double precision":            schema.Float(),
		"bytea":                       schema.Binary(0),
		"uuid":                        schema.UUID(),
		"jsonb":                       schema.JSON(),
		"json":                        schema.JSON(),
		"inet":                        raw("inet"),
		"character(36)":               raw("character(36)"),
		"timestamp(3) with time zone": raw("timestamp(3) with time zone"),
		"real":                        raw("real"),
		"integer[]":                   raw("integer[]"),
		"character varying(36)[]":     raw("character varying(36)[]"),
	}
	for format, want := range cases {
		if got := portableType(format); !got.Equal(want) {
			t.Errorf("portableType(%q) = %s, want %s", format, got, want)
		}
	}
}

// TestCheckExpr strips pg_get_constraintdef's CHECK (...) and the one pair
// of parentheses round the whole condition, and nothing more.
func TestCheckExpr(t *testing.T) {
	cases := map[string]string{
		"CHECK ((a > 0))":                                 "a > 0",
		"CHECK ((a > 0)) NOT VALID":                       "a > 0",
		"CHECK (((a > 0) AND (b > 0)))":                   "(a > 0) AND (b > 0)",
		"CHECK ((a > 0) AND (b > 0))":                     "(a > 0) AND (b > 0)",
		"CHECK ((s <> ')'::text)) NO INHERIT":             "s <> ')'::text",
		`CHECK (("we(ird" IS NOT NULL))`:                  `"we(ird" IS NOT NULL`,
		"CHECK (flag)":                                    "flag",
		"CHECK ((s = ANY (ARRAY['a'::text, 'b'::text])))": "s = ANY (ARRAY['a'::text, 'b'::text])",
	}
	for def, want := range cases {
		if got := checkExpr(def); got != want {
			t.Errorf("checkExpr(%q) = %q, want %q", def, got, want)
		}
	}
	for in, want := range map[string]string{"": "", "(a)": "a", "(a) OR (b)": "(a) OR (b)", "a": "a", "((a))": "(a)"} {
		if got := unwrap(in); got != want {
			t.Errorf("unwrap(%q) = %q, want %q", in, got, want)
		}
	}
}
