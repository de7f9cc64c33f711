package mysql

import "github.com/retort-sql/retort/dialect"

var _ dialect.Scripter = Dialect{}

// QuoteString is the literal an offline script writes. Unlike Literal,
// which must survive any sql_mode, it stays readable: quotes and
// backslashes doubled, right for the server's default sql_mode (without
// NO_BACKSLASH_ESCAPES), which is what the mysql client runs a script in.
func (Dialect) QuoteString(s string) string { return dialect.QuoteStringBackslash(s) }

// ScriptStatement: the mysql and mariadb clients end a statement at the
// first ";", so trigger and procedure bodies get DELIMITER lines.
func (Dialect) ScriptStatement(stmt string) string { return dialect.TerminateDelimited(stmt) }
