package sqlstore

import (
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

type dialect struct {
	name  string
	goose goose.Dialect
	// lockHead is run first in every write transaction: it serialises
	// writers across processes so the log has one order and one chain.
	lockHead string
	dollar   bool
}

var (
	sqliteDialect = dialect{
		name:     EngineSQLite,
		goose:    goose.DialectSQLite3,
		lockHead: "SELECT seq, hash, org_seq FROM log_head WHERE id = 1",
	}
	postgresDialect = dialect{
		name:     EnginePostgres,
		goose:    goose.DialectPostgres,
		lockHead: "SELECT seq, hash, org_seq FROM log_head WHERE id = 1 FOR UPDATE",
		dollar:   true,
	}
)

// q rewrites ? placeholders as $n for PostgreSQL. Queries here never
// contain a literal question mark.
func (d dialect) q(query string) string {
	if !d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// timeFormat is fixed-width so that text order is time order on both engines.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }
