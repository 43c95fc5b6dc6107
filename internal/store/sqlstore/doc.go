// Package sqlstore keeps the record in SQLite (one file, the embedded
// default) or PostgreSQL (shared by several instances), through database/sql.
package sqlstore
