// Package gate holds every rule a decision must pass — closing, approving,
// transferring, reopening, reviewing — as one table of Rule values (rules.go),
// with no I/O. docs/gates.md lists them for a reader who is not a programmer.
package gate
