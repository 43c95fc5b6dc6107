// Package duty decides, from a case's state alone, which obligations the
// force owes on it, and turns the difference from what is open into events.
// It is the one place duties are opened, met and cancelled; it does no I/O.
package duty
