package script

import (
	"fmt"
	"strings"
)

// Split splits SQL text into statements at the semicolons that end them. It
// is a small state machine that knows just enough SQL to find those:
//
//   - '...' strings (a doubled quote escapes; on mysql also backslash), "..."
//     identifiers (on mysql strings, with backslash escapes), `...`
//     identifiers, E'...' strings and $tag$...$tag$ bodies on postgresql;
//   - -- line comments (on mysql only when followed by a blank, as there),
//     # line comments on mysql, /* */ block comments (nested on
//     postgresql; /*! ... */ on mysql is code, not a comment);
//   - trigger, procedure and function bodies: in a statement beginning
//     CREATE ... TRIGGER|PROCEDURE|FUNCTION, BEGIN and CASE open a block and
//     END closes one (END IF, END LOOP, END WHILE and END REPEAT close
//     blocks that were never counted, so they are ignored), and semicolons
//     inside a block do not split;
//   - lines "-- retort:statement-begin" and "-- retort:statement-end" wrap
//     text passed through verbatim as one statement (minus one trailing ;).
//
// dialect is "postgresql", "mysql", "sqlite" or "" (standard SQL only).
// Each statement is trimmed, without its terminating semicolon and without
// comments before it; Line is the line of its first token, counting the
// first line of sql as firstLine. A statement made only of comments is
// dropped. Unterminated quotes, bodies, comments and statement-begin blocks
// are errors naming the line where they began.
func Split(dialect, sql string, firstLine int) ([]Statement, error) {
	d, ok := canonicalDialect(dialect)
	if !ok {
		return nil, fmt.Errorf("unknown dialect %q (want postgresql, mysql or sqlite)", dialect)
	}
	l := &lexer{src: sql, pg: d == "postgresql", my: d == "mysql", firstLine: firstLine, line: firstLine}
	return l.run()
}

// routine states: whether the statement being read defines a trigger,
// procedure or function, whose body may hold semicolons.
const (
	routineUnknown = iota
	routineYes
	routineNo
)

type lexer struct {
	src       string
	pg, my    bool
	firstLine int

	// line of offset lineOff; moved forward only, so counting newlines
	// stays linear over the whole input.
	lineOff, line int

	out []Statement

	// the statement being read
	start      int // offset of its first token, -1 before one
	startLine  int
	lastEnd    int // end offset of its last token
	lastWord   int // end offset of its last token other than ';'
	words      int // words seen while deciding routine
	routine    int
	depth      int  // open BEGIN/CASE blocks
	pendingEnd bool // an END was read; the next word says whether it counts
}

func (l *lexer) lineOf(off int) int {
	if off < l.lineOff { // errors may look back; count from the top then
		return l.firstLine + strings.Count(l.src[:off], "\n")
	}
	l.line += strings.Count(l.src[l.lineOff:off], "\n")
	l.lineOff = off
	return l.line
}

func (l *lexer) errAt(off int, format string, args ...any) error {
	return &Error{Line: l.lineOf(off), Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) reset() {
	l.start, l.lastEnd, l.lastWord, l.words, l.routine, l.depth, l.pendingEnd = -1, 0, 0, routineUnknown, 0, 0, false
}

// token records that src[i:j] is part of the current statement.
func (l *lexer) token(i, j int) {
	if l.start < 0 {
		l.start = i
		l.startLine = l.lineOf(i)
	}
	l.lastEnd = j
	l.lastWord = j
}

// resolveEnd settles a pending END followed by something other than a word:
// it closes a block.
func (l *lexer) resolveEnd() {
	if l.pendingEnd {
		l.pendingEnd = false
		if l.depth > 0 {
			l.depth--
		}
	}
}

func (l *lexer) flush() {
	if l.start >= 0 {
		text := l.src[l.start:l.lastEnd]
		l.out = append(l.out, Statement{SQL: text, Line: l.startLine})
	}
	l.reset()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func (l *lexer) run() ([]Statement, error) {
	src := l.src
	n := len(src)
	l.reset()
	for i := 0; i < n; {
		c := src[i]
		switch {
		case isSpace(c):
			i++

		case c == '-' && i+1 < n && src[i+1] == '-' && (!l.my || i+2 < n && src[i+2] <= ' '):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = n
			} else {
				j += i
			}
			if l.atLineStart(i) {
				if name, _, ok := directive([]byte(src[i:j])); ok {
					switch name {
					case "statement-begin":
						next, err := l.verbatim(i, j)
						if err != nil {
							return nil, err
						}
						i = next
						continue
					case "statement-end":
						return nil, l.errAt(i, "statement-end without statement-begin")
					}
				}
			}
			i = j

		case c == '#' && l.my:
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				i = n
			} else {
				i += j
			}

		case c == '/' && i+1 < n && src[i+1] == '*':
			j, err := l.blockComment(i)
			if err != nil {
				return nil, err
			}
			if l.my && i+2 < n && src[i+2] == '!' {
				// MySQL runs the text of /*! ... */, so it is a token.
				l.resolveEnd()
				l.token(i, j)
			}
			i = j

		case c == '\'':
			j, err := l.quoted(i, '\'', l.my, "string")
			if err != nil {
				return nil, err
			}
			l.resolveEnd()
			l.token(i, j)
			i = j

		case c == '"':
			j, err := l.quoted(i, '"', l.my, "quoted identifier")
			if err != nil {
				return nil, err
			}
			l.resolveEnd()
			l.token(i, j)
			i = j

		case c == '`':
			j, err := l.quoted(i, '`', false, "quoted identifier")
			if err != nil {
				return nil, err
			}
			l.resolveEnd()
			l.token(i, j)
			i = j

		case c == '$' && l.pg && l.dollarTag(i) > 0:
			tagEnd := l.dollarTag(i)
			tag := src[i:tagEnd]
			k := strings.Index(src[tagEnd:], tag)
			if k < 0 {
				return nil, l.errAt(i, "unterminated dollar-quoted body %s", tag)
			}
			j := tagEnd + k + len(tag)
			l.resolveEnd()
			l.token(i, j)
			i = j

		case c == ';':
			l.resolveEnd()
			if l.routine == routineYes && l.depth > 0 {
				l.lastEnd = i + 1 // not token(): lastWord must stay
				i++
				continue
			}
			l.flush()
			i++

		case isWordByte(c):
			j := i + 1
			for j < n && isWordByte(src[j]) {
				j++
			}
			if l.pg && j == i+1 && (c == 'E' || c == 'e') && j < n && src[j] == '\'' {
				k, err := l.quoted(j, '\'', true, "string")
				if err != nil {
					return nil, err
				}
				l.resolveEnd()
				l.token(i, k)
				i = k
				continue
			}
			l.word(src[i:j])
			l.token(i, j)
			i = j

		default:
			l.resolveEnd()
			l.token(i, i+1)
			i++
		}
	}
	if l.start >= 0 {
		// A block that never closed runs to the end; leave out the
		// semicolons that end it, as for any other statement, so the
		// result does not depend on whether the input had them.
		l.lastEnd = l.lastWord
		l.flush()
	}
	return l.out, nil
}

func (l *lexer) atLineStart(i int) bool {
	for i > 0 && (l.src[i-1] == ' ' || l.src[i-1] == '\t') {
		i--
	}
	return i == 0 || l.src[i-1] == '\n'
}

// word feeds a bare word to the routine-body tracking.
func (l *lexer) word(w string) {
	if l.pendingEnd {
		l.pendingEnd = false
		if eqAny(w, "IF", "LOOP", "WHILE", "REPEAT") {
			return // END IF etc.: that block was never counted
		}
		if l.depth > 0 {
			l.depth--
		}
		return // END CASE, END label: the word after END opens nothing
	}
	switch l.routine {
	case routineUnknown:
		l.words++
		switch {
		case l.words == 1 && !strings.EqualFold(w, "CREATE"):
			l.routine = routineNo
		case eqAny(w, "TRIGGER", "PROCEDURE", "FUNCTION"):
			l.routine = routineYes
		case l.words > 12 || eqAny(w, "TABLE", "VIEW", "INDEX", "SEQUENCE", "SCHEMA", "TYPE", "DATABASE", "EXTENSION", "DOMAIN", "ROLE", "USER", "AS", "ON"):
			// CREATE OR REPLACE DEFINER=... TEMPORARY: a handful of words
			// at most come before the kind of object.
			l.routine = routineNo
		}
	case routineYes:
		switch {
		case eqAny(w, "BEGIN", "CASE"):
			l.depth++
		case strings.EqualFold(w, "END"):
			l.pendingEnd = true
		}
	}
}

func eqAny(w string, keywords ...string) bool {
	for _, k := range keywords {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// quoted returns the offset just past the quote opened at src[i], where
// doubling the quote escapes it and, when backslash is set, so does a
// backslash.
func (l *lexer) quoted(i int, q byte, backslash bool, what string) (int, error) {
	src := l.src
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(src) && src[j+1] == q {
				j++
				continue
			}
			return j + 1, nil
		}
	}
	return 0, l.errAt(i, "unterminated %s", what)
}

// blockComment returns the offset just past the comment opened at src[i].
func (l *lexer) blockComment(i int) (int, error) {
	src := l.src
	if !l.pg {
		k := strings.Index(src[i+2:], "*/")
		if k < 0 {
			return 0, l.errAt(i, "unterminated block comment")
		}
		return i + 2 + k + 2, nil
	}
	depth := 1
	for j := i + 2; j+1 < len(src); j++ {
		switch {
		case src[j] == '/' && src[j+1] == '*':
			depth++
			j++
		case src[j] == '*' && src[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, l.errAt(i, "unterminated block comment")
}

// dollarTag returns the end of a $tag$ opener at src[i], or 0 if there is
// none. A tag is empty or an identifier not starting with a digit ($1 is a
// parameter).
func (l *lexer) dollarTag(i int) int {
	src := l.src
	j := i + 1
	if j < len(src) && src[j] >= '0' && src[j] <= '9' {
		return 0
	}
	for j < len(src) && isWordByte(src[j]) && src[j] != '$' {
		j++
	}
	if j < len(src) && src[j] == '$' {
		return j + 1
	}
	return 0
}

// verbatim handles a statement-begin line at src[i:eol]: everything up to
// the matching statement-end line is one statement. It returns the offset
// after the end line.
func (l *lexer) verbatim(i, eol int) (int, error) {
	if l.start >= 0 {
		return 0, l.errAt(i, "statement-begin inside a statement (missing ';' after the statement on line %d?)", l.startLine)
	}
	src := l.src
	bodyStart := min(eol+1, len(src))
	for p := bodyStart; p < len(src); {
		e := strings.IndexByte(src[p:], '\n')
		if e < 0 {
			e = len(src)
		} else {
			e += p
		}
		if name, _, ok := directive([]byte(src[p:e])); ok {
			switch name {
			case "statement-end":
				body := src[bodyStart:p]
				lead := len(body) - len(strings.TrimLeft(body, " \t\r\n\f\v"))
				text := strings.TrimSpace(body)
				if t, ok := strings.CutSuffix(text, ";"); ok {
					text = strings.TrimRight(t, " \t\r\n\f\v")
				}
				if text != "" {
					l.out = append(l.out, Statement{SQL: text, Line: l.lineOf(bodyStart + lead)})
				}
				return e, nil
			case "statement-begin":
				return 0, l.errAt(p, "statement-begin inside the statement-begin block on line %d", l.lineOf(i))
			}
		}
		p = e + 1
	}
	return 0, l.errAt(i, "statement-begin without statement-end")
}
