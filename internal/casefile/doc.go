// Package casefile reads case files exported from other systems — JSON
// Lines with their history, or a flat CSV — into records, reporting every
// problem with its line and field. It knows the format, not the force: the
// service resolves people, teams and outcome codes against the record.
package casefile
