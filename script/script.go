// Package script reads and writes revision scripts: the versions folder over
// an fs.FS, the header and sections of each script, the statements inside a
// section (split by a lexer that knows SQL quoting), checksums, and new
// scripts written from the project's template.
package script

import "github.com/retort-sql/retort/graph"

// Script is one revision script in the versions folder.
type Script struct {
	graph.Revision // ID, Revises, DependsOn, BranchLabels, Message, File, Line

	Path          string // path inside the fs.FS / on disk, as read
	NoTransaction bool   // the no-transaction header: run outside a transaction
	Created       string // the created header, as written
}

// Statement is one SQL statement of a section, with the line of the script
// where it starts (1-based), for error messages.
type Statement struct {
	SQL  string
	Line int
}

// Statements returns the statements to run on the named dialect
// ("sqlite", "postgresql", "mysql") in the given direction: the section
// marked for that dialect if the script has one, else the plain section.
// A script with no such section yields no statements and no error.
func (s *Script) Statements(dialect string, dir graph.Direction) ([]Statement, error) {
	panic("TODO")
}

// Checksum is the hex SHA-256 of the script's sections (see the package
// doc for what is covered), used to notice scripts changed after they ran.
func (s *Script) Checksum() string { panic("TODO") }
