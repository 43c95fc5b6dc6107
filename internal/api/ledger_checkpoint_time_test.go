package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCheckpointOverHTTPGivesTheSignedTime: the ledger page shows a
// checkpoint's figures only as signed (2df2bed), but the API's latest
// checkpoint gave the created column beside the note, so a time moved in
// the table was handed to every reader of the API as the checkpoint's.
func TestCheckpointOverHTTPGivesTheSignedTime(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		var cut checkpointTimed
		h.json(h.do(h.f.Admin, "POST", "/api/v1/ledger/checkpoint", nil), http.StatusCreated, &cut)
		signed, err := time.Parse(time.RFC3339, cut.Created)
		if err != nil {
			t.Fatal(err)
		}
		q := "UPDATE checkpoints SET created_at = ?"
		if db.Engine() == "postgres" {
			q = "UPDATE checkpoints SET created_at = $1"
		}
		moved := signed.Add(-72 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z")
		if _, err := db.Raw().Exec(q, moved); err != nil {
			t.Fatal(err)
		}
		var got checkpointTimed
		h.json(h.do(h.f.Auditor, "GET", "/api/v1/ledger/checkpoint", nil), http.StatusOK, &got)
		if got.Note != cut.Note || got.Created != cut.Created {
			t.Errorf("the API's checkpoint after its time was moved in the table: created %q, want the signed %q",
				got.Created, cut.Created)
		}
	})
}

// checkpointTimed is the API's checkpoint with the time beside it.
type checkpointTimed struct {
	Note    string `json:"note"`
	Created string `json:"created"`
}
