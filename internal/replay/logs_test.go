package replay_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestRebuildReportsTamperedLogs: the logs moved out of the case document
// (issue 20: victims' contacts, notes, reviews) are compared with the
// replay row by row, like every derived table: a row deleted or rewritten
// behind the service's back is named.
func TestRebuildReportsTamperedLogs(t *testing.T) {
	logs := []struct {
		table   string
		make    func(*testing.T, *sqlstore.DB) (*fixture.Force, *domain.Case)
		rewrite string // a statement changing the case's rows' doc
		want    string // what the difference names
	}{
		{"victim_contacts", contacted, "UPDATE victim_contacts SET doc = REPLACE(doc, 'her mother', 'nobody') WHERE case_id = ?", "note"},
		{"case_notes", noted, "UPDATE case_notes SET doc = REPLACE(doc, 'Monday', 'Friday') WHERE case_id = ?", "Monday"},
		{"case_reviews", reviewed, "UPDATE case_reviews SET doc = REPLACE(doc, 'Monday', 'Friday') WHERE case_id = ?", "Monday"},
	}
	testdb.Each(t, func(t *testing.T, engine *sqlstore.DB) {
		for _, l := range logs {
			t.Run(l.table+"/deleted", func(t *testing.T) {
				db := testdb.Open(t, engine.Engine())
				_, c := l.make(t, db)
				exec(t, db, "DELETE FROM "+l.table+" WHERE case_id = ? AND n = 2", c.ID)
				wantDiff(t, db, l.table+" row", "missing from the live record")
			})
			t.Run(l.table+"/rewritten", func(t *testing.T) {
				db := testdb.Open(t, engine.Engine())
				_, c := l.make(t, db)
				exec(t, db, l.rewrite, c.ID)
				wantDiff(t, db, l.table+" row", l.want)
			})
		}
	})
}
