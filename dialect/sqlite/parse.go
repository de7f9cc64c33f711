package sqlite

import (
	"fmt"
	"strings"
)

// SQLite keeps no catalog of constraint names, check expressions or
// AUTOINCREMENT: they exist only in the CREATE TABLE text that
// sqlite_schema stores. This file reads that text (and CREATE INDEX,
// TRIGGER and VIEW texts) with a small tokenizer that knows SQLite's
// quoting, so that a quoted name or a string holding "CHECK (" or a comma
// is never mistaken for syntax.

// tokKind is the kind of a token.
type tokKind int

const (
	tokWord   tokKind = iota // a bare word: keyword or unquoted name
	tokQuoted                // "name", `name` or [name]: always a name
	tokString                // 'text'
	tokBlob                  // x'hex'
	tokNumber
	tokPunct // ( ) , . ; and operators, one or two characters
)

// token is one token of an SQL text, with its place in it.
type token struct {
	kind       tokKind
	text       string // as written
	start, end int    // byte offsets in the source
}

// ident is the name a word or quoted token stands for.
func (t token) ident() string {
	if t.kind != tokQuoted {
		return t.text
	}
	q := t.text[0]
	inner := t.text[1 : len(t.text)-1]
	switch q {
	case '"':
		return strings.ReplaceAll(inner, `""`, `"`)
	case '`':
		return strings.ReplaceAll(inner, "``", "`")
	}
	return inner // [name]: no escapes
}

// isName reports whether t can be a name: a word or a quoted name.
func (t token) isName() bool { return t.kind == tokWord || t.kind == tokQuoted }

// is reports whether t is the bare keyword kw (case-insensitive).
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// isPunct reports whether t is the punctuation p.
func (t token) isPunct(p string) bool { return t.kind == tokPunct && t.text == p }

// names reports whether t is a name equal to name, as SQLite compares
// names (ASCII case-insensitively).
func (t token) names(name string) bool { return t.isName() && strings.EqualFold(t.ident(), name) }

// tokenize splits src into tokens, leaving out white space and comments.
// An unterminated quote or comment is an error: the text did not come
// from SQLite, or was cut.
func tokenize(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = len(src) // SQLite accepts a comment left open at the end
				continue
			}
			i += 2 + end + 2
			continue
		case c == '\'' || c == '"' || c == '`':
			end, err := closeQuote(src, i, c)
			if err != nil {
				return nil, err
			}
			kind := tokQuoted
			if c == '\'' {
				kind = tokString
			}
			i = end
			toks = append(toks, token{kind: kind, text: src[start:i], start: start, end: i})
			continue
		case c == '[':
			end := strings.IndexByte(src[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unterminated [ at offset %d", i)
			}
			i += end + 1
			toks = append(toks, token{kind: tokQuoted, text: src[start:i], start: start, end: i})
			continue
		case (c == 'x' || c == 'X') && i+1 < len(src) && src[i+1] == '\'':
			end, err := closeQuote(src, i+1, '\'')
			if err != nil {
				return nil, err
			}
			i = end
			toks = append(toks, token{kind: tokBlob, text: src[start:i], start: start, end: i})
			continue
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			i = scanNumber(src, i)
			toks = append(toks, token{kind: tokNumber, text: src[start:i], start: start, end: i})
			continue
		case isWordStart(c):
			for i < len(src) && isWordPart(src[i]) {
				i++
			}
			toks = append(toks, token{kind: tokWord, text: src[start:i], start: start, end: i})
			continue
		}
		// Punctuation: two-character operators first.
		n := 1
		if i+1 < len(src) {
			switch src[i : i+2] {
			case "<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->":
				n = 2
				if src[i:i+2] == "->" && i+2 < len(src) && src[i+2] == '>' {
					n = 3
				}
			}
		}
		i += n
		toks = append(toks, token{kind: tokPunct, text: src[start:i], start: start, end: i})
	}
	return toks, nil
}

// closeQuote returns the offset just past the quote opened at src[i],
// where a doubled quote character stands for itself.
func closeQuote(src string, i int, q byte) (int, error) {
	for j := i + 1; j < len(src); j++ {
		if src[j] != q {
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			j++
			continue
		}
		return j + 1, nil
	}
	return 0, fmt.Errorf("unterminated %c at offset %d", q, i)
}

func scanNumber(src string, i int) int {
	if src[i] == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') {
		i += 2
		for i < len(src) && (isDigit(src[i]) || strings.IndexByte("abcdefABCDEF", src[i]) >= 0) {
			i++
		}
		return i
	}
	for i < len(src) && (isDigit(src[i]) || src[i] == '.' || src[i] == '_') {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			i = j
			for i < len(src) && isDigit(src[i]) {
				i++
			}
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isWordStart(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
func isWordPart(c byte) bool { return isWordStart(c) || isDigit(c) }

// matching returns the index of the ")" that closes the "(" at toks[open].
func matching(toks []token, open int) (int, error) {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].isPunct("("):
			depth++
		case toks[i].isPunct(")"):
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("unbalanced parentheses")
}

// splitTop splits toks at the commas outside parentheses.
func splitTop(toks []token) [][]token {
	var parts [][]token
	depth, from := 0, 0
	for i, t := range toks {
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case t.isPunct(",") && depth == 0:
			parts = append(parts, toks[from:i])
			from = i + 1
		}
	}
	return append(parts, toks[from:])
}

// mentions reports whether any name token of toks is name: how the
// rebuild finds the triggers, views and indexes that use a table or a
// column. It errs on the side of yes (a same-named column of another table
// counts), which only makes the rebuild more careful.
func mentions(toks []token, name string) bool {
	for _, t := range toks {
		if t.names(name) {
			return true
		}
	}
	return false
}

// tableDef is what the CREATE TABLE text tells beyond the pragmas.
type tableDef struct {
	columns []columnDef
	pkName  string // CONSTRAINT name of the primary key
	uniques []keyDef
	fks     []fkDef
	checks  []checkDef
	// options is the text after the closing parenthesis (WITHOUT ROWID,
	// STRICT), kept as written so a rebuild keeps it.
	options string
	// unsupported lists what the text holds that the schema model cannot
	// say and a rebuild would therefore lose: a rebuild refuses such a
	// table rather than silently change it.
	unsupported []string
}

// columnDef is one column as written.
type columnDef struct {
	name          string
	collate       string // COLLATE name as written, "" for none
	autoIncrement bool
	generated     bool
}

// keyDef is a primary key or unique constraint as written.
type keyDef struct {
	name    string
	columns []string
}

// fkDef is a foreign key as written.
type fkDef struct {
	name       string
	columns    []string
	refTable   string
	refColumns []string
	// deferrable is the [NOT] DEFERRABLE [INITIALLY ...] clause as
	// written, which the model has no field for but a rebuild keeps.
	deferrable string
}

// checkDef is a check constraint as written.
type checkDef struct {
	name string
	expr string
}

// parseCreateTable reads a CREATE TABLE statement as sqlite_schema keeps
// it.
func parseCreateTable(src string) (*tableDef, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	open := -1
	for i, t := range toks {
		if t.isPunct("(") {
			open = i
			break
		}
		if t.is("AS") {
			return nil, fmt.Errorf("CREATE TABLE ... AS has no column list")
		}
	}
	if open < 0 || !toks[0].is("CREATE") {
		return nil, fmt.Errorf("not a CREATE TABLE statement")
	}
	closeAt, err := matching(toks, open)
	if err != nil {
		return nil, err
	}
	def := &tableDef{options: strings.TrimSpace(src[toks[closeAt].end:])}
	for _, item := range splitTop(toks[open+1 : closeAt]) {
		if len(item) == 0 {
			return nil, fmt.Errorf("empty item in the column list")
		}
		if isTableConstraint(item[0]) {
			err = def.tableConstraint(src, item)
		} else {
			err = def.column(src, item)
		}
		if err != nil {
			return nil, err
		}
	}
	return def, nil
}

func isTableConstraint(t token) bool {
	for _, kw := range []string{"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"} {
		if t.is(kw) {
			return true
		}
	}
	return false
}

// columnConstraintStart lists the words that end a column's type.
var columnConstraintStart = []string{"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS"}

func startsColumnConstraint(t token) bool {
	for _, kw := range columnConstraintStart {
		if t.is(kw) {
			return true
		}
	}
	return false
}

// column reads one column definition and its column constraints.
func (d *tableDef) column(src string, item []token) error {
	if !item[0].isName() {
		return fmt.Errorf("column definition starts with %q", item[0].text)
	}
	col := columnDef{name: item[0].ident()}
	i := 1
	// The type: names and a parenthesized size, up to the first
	// constraint keyword.
	for i < len(item) && !startsColumnConstraint(item[i]) {
		if item[i].isPunct("(") {
			end, err := matching(item, i)
			if err != nil {
				return err
			}
			i = end
		}
		i++
	}
	name := ""
	for i < len(item) {
		t := item[i]
		switch {
		case t.is("CONSTRAINT"):
			if i+1 >= len(item) {
				return fmt.Errorf("column %s: CONSTRAINT without a name", col.name)
			}
			name = item[i+1].ident()
			i += 2
			continue
		case t.is("PRIMARY"):
			i += 2 // PRIMARY KEY
			if i < len(item) && item[i].is("DESC") {
				d.unsupported = append(d.unsupported, "column "+col.name+" is PRIMARY KEY DESC")
			}
			if i < len(item) && (item[i].is("ASC") || item[i].is("DESC")) {
				i++
			}
			i = d.conflictClause(item, i, "column "+col.name)
			if i < len(item) && item[i].is("AUTOINCREMENT") {
				col.autoIncrement = true
				i++
			}
			d.pkName = name
		case t.is("NOT"):
			i = d.conflictClause(item, i+2, "column "+col.name) // NOT NULL
		case t.is("NULL"):
			i = d.conflictClause(item, i+1, "column "+col.name)
		case t.is("UNIQUE"):
			d.uniques = append(d.uniques, keyDef{name: name, columns: []string{col.name}})
			i = d.conflictClause(item, i+1, "column "+col.name)
		case t.is("CHECK"):
			expr, next, err := parenthesized(src, item, i+1)
			if err != nil {
				return fmt.Errorf("column %s: CHECK: %w", col.name, err)
			}
			d.checks = append(d.checks, checkDef{name: name, expr: expr})
			i = next
		case t.is("DEFAULT"):
			i++
			if i < len(item) && (item[i].isPunct("+") || item[i].isPunct("-")) {
				i++
			}
			if i < len(item) && item[i].isPunct("(") {
				end, err := matching(item, i)
				if err != nil {
					return err
				}
				i = end
			}
			i++
		case t.is("COLLATE"):
			if i+1 >= len(item) {
				return fmt.Errorf("column %s: COLLATE without a name", col.name)
			}
			col.collate = item[i+1].text
			i += 2
		case t.is("REFERENCES"):
			fk, next, err := parseReferences(src, item, i)
			if err != nil {
				return fmt.Errorf("column %s: %w", col.name, err)
			}
			fk.name, fk.columns = name, []string{col.name}
			d.fks = append(d.fks, fk)
			i = next
		case t.is("GENERATED") || t.is("AS"):
			col.generated = true
			d.unsupported = append(d.unsupported, "column "+col.name+" is generated")
			for i < len(item) && !item[i].isPunct("(") {
				i++
			}
			if i < len(item) {
				end, err := matching(item, i)
				if err != nil {
					return err
				}
				i = end + 1
			}
			if i < len(item) && (item[i].is("STORED") || item[i].is("VIRTUAL")) {
				i++
			}
		default:
			return fmt.Errorf("column %s: unexpected %q", col.name, t.text)
		}
		name = ""
	}
	d.columns = append(d.columns, col)
	return nil
}

// conflictClause skips an ON CONFLICT clause at item[i], noting it as
// something a rebuild would lose.
func (d *tableDef) conflictClause(item []token, i int, where string) int {
	if i+1 < len(item) && item[i].is("ON") && item[i+1].is("CONFLICT") {
		d.unsupported = append(d.unsupported, where+" has an ON CONFLICT clause")
		return i + 3
	}
	return i
}

// tableConstraint reads one table constraint.
func (d *tableDef) tableConstraint(src string, item []token) error {
	name := ""
	i := 0
	if item[0].is("CONSTRAINT") {
		if len(item) < 3 {
			return fmt.Errorf("CONSTRAINT without a name or a constraint")
		}
		name = item[1].ident()
		i = 2
	}
	t := item[i]
	switch {
	case t.is("PRIMARY"), t.is("UNIQUE"):
		j := i + 1
		if t.is("PRIMARY") {
			j++ // KEY
		}
		cols, next, err := columnList(item, j)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.ToUpper(t.text), err)
		}
		if t.is("PRIMARY") {
			d.pkName = name
		} else {
			d.uniques = append(d.uniques, keyDef{name: name, columns: cols})
		}
		d.conflictClause(item, next, "constraint "+orElse(name, strings.ToUpper(t.text)))
	case t.is("CHECK"):
		expr, _, err := parenthesized(src, item, i+1)
		if err != nil {
			return fmt.Errorf("CHECK: %w", err)
		}
		d.checks = append(d.checks, checkDef{name: name, expr: expr})
	case t.is("FOREIGN"):
		cols, next, err := columnList(item, i+2) // FOREIGN KEY
		if err != nil {
			return fmt.Errorf("FOREIGN KEY: %w", err)
		}
		if next >= len(item) || !item[next].is("REFERENCES") {
			return fmt.Errorf("FOREIGN KEY without REFERENCES")
		}
		fk, _, err := parseReferences(src, item, next)
		if err != nil {
			return err
		}
		fk.name, fk.columns = name, cols
		d.fks = append(d.fks, fk)
	default:
		return fmt.Errorf("unexpected %q in a table constraint", t.text)
	}
	return nil
}

// orElse is a, or b when a is empty.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// columnList reads "(a, b COLLATE x DESC, ...)" at item[i]: the first
// name of each element.
func columnList(item []token, i int) ([]string, int, error) {
	if i >= len(item) || !item[i].isPunct("(") {
		return nil, 0, fmt.Errorf("expected a column list")
	}
	end, err := matching(item, i)
	if err != nil {
		return nil, 0, err
	}
	var cols []string
	for _, part := range splitTop(item[i+1 : end]) {
		if len(part) == 0 || !part[0].isName() {
			return nil, 0, fmt.Errorf("expected a column name in the column list")
		}
		cols = append(cols, part[0].ident())
	}
	return cols, end + 1, nil
}

// parenthesized returns the source text inside the parentheses opening at
// item[i], trimmed, and the index after them.
func parenthesized(src string, item []token, i int) (string, int, error) {
	if i >= len(item) || !item[i].isPunct("(") {
		return "", 0, fmt.Errorf("expected (")
	}
	end, err := matching(item, i)
	if err != nil {
		return "", 0, err
	}
	return strings.TrimSpace(src[item[i].end:item[end].start]), end + 1, nil
}

// parseReferences reads a REFERENCES clause starting at item[i].
func parseReferences(src string, item []token, i int) (fkDef, int, error) {
	var fk fkDef
	i++ // REFERENCES
	if i >= len(item) || !item[i].isName() {
		return fk, 0, fmt.Errorf("REFERENCES without a table")
	}
	fk.refTable = item[i].ident()
	i++
	if i < len(item) && item[i].isPunct("(") {
		cols, next, err := columnList(item, i)
		if err != nil {
			return fk, 0, err
		}
		fk.refColumns, i = cols, next
	}
	for i < len(item) {
		t := item[i]
		switch {
		case t.is("ON") && i+1 < len(item):
			// ON DELETE|UPDATE SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION
			i += 2
			if i < len(item) && (item[i].is("SET") || item[i].is("NO")) {
				i++
			}
			i++
		case t.is("MATCH"):
			i += 2
		case (t.is("NOT") && i+1 < len(item) && item[i+1].is("DEFERRABLE")) || t.is("DEFERRABLE"):
			start := i
			if t.is("NOT") {
				i++
			}
			i++ // DEFERRABLE
			if i+1 < len(item) && item[i].is("INITIALLY") {
				i += 2
			}
			fk.deferrable = src[item[start].start:item[i-1].end]
		default:
			return fk, i, nil
		}
	}
	return fk, i, nil
}

// indexDef is what a CREATE INDEX text tells beyond the pragmas: the text
// of each indexed element (for expressions, which the pragmas do not
// name) and the WHERE clause of a partial index.
type indexDef struct {
	elements []string
	where    string
}

// parseCreateIndex reads CREATE [UNIQUE] INDEX name ON table (...) [WHERE ...].
func parseCreateIndex(src string) (*indexDef, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	open := -1
	for i, t := range toks {
		if t.isPunct("(") {
			open = i
			break
		}
	}
	if open < 0 {
		return nil, fmt.Errorf("not a CREATE INDEX statement")
	}
	end, err := matching(toks, open)
	if err != nil {
		return nil, err
	}
	def := &indexDef{}
	for _, part := range splitTop(toks[open+1 : end]) {
		if len(part) == 0 {
			return nil, fmt.Errorf("empty element in the index")
		}
		def.elements = append(def.elements, strings.TrimSpace(src[part[0].start:part[len(part)-1].end]))
	}
	if end+1 < len(toks) && toks[end+1].is("WHERE") {
		def.where = strings.TrimSpace(src[toks[end+1].end:])
	}
	return def, nil
}
