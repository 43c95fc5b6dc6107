// Package gate holds every rule a decision must pass — closing, approving,
// transferring, reopening, reviewing — in one place, with no I/O.
// docs/gates.md lists them for a reader who is not a programmer.
package gate
