// Package policy holds a force's rules that are policy rather than law —
// deadlines, escalation steps, approval ranks, what the gates count, the
// standard action library — as data: a YAML file shipped with defaults,
// validated before it is used.
package policy
