package replay_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// contacted is an allocated case whose victim has had two contacts.
func contacted(t *testing.T, db *sqlstore.DB) (*fixture.Force, *domain.Case) {
	t.Helper()
	f := fixture.New(t, db)
	c := f.Allocated(t)
	c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
		DateOfBirth: "2012-03-04"})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{domain.ContactUpdate, domain.ContactSupportReferral} {
		f.Clock.Advance(time.Hour)
		if c, err = f.Svc.RecordContact(ctx, f.Investigator, c.ID, service.RecordContact{Version: c.Version,
			Victim: c.Victims[0].ID, Kind: kind, Method: "phone", Note: "spoke to her mother"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
		t.Fatalf("before: %v %v", d, err)
	}
	return f, c
}

// TestOldContactsSplitOnOpen: a record written before the contact log
// (migration 00041) kept every contact in its victim's entry in the
// document. Opening the store moves them to the contact log, and the
// record then equals its replay.
func TestOldContactsSplitOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, c := contacted(t, db)
		logged, err := db.Contacts(ctx, c.ID)
		vid := c.Victims[0].ID
		if err != nil || len(logged[vid]) != 2 {
			t.Fatalf("contact log: %v %v", logged, err)
		}
		live, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(live.Victims[0].Contacts) != 0 || live.Victims[0].ContactCount != 2 {
			t.Fatalf("the document holds %d contacts, counts %d", len(live.Victims[0].Contacts),
				live.Victims[0].ContactCount)
		}
		// The document as the old fold wrote it: the contacts in the
		// victim's entry, no summary.
		var doc map[string]any
		b, _ := json.Marshal(live)
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		v := doc["victims"].([]any)[0].(map[string]any)
		v["contacts"] = logged[vid]
		delete(v, "contact_count")
		delete(v, "first_contact")
		delete(v, "latest_contacts")
		b, _ = json.Marshal(doc)
		migrateOldShape(t, db, c.ID, b, "DELETE FROM victim_contacts WHERE case_id = ?",
			"DELETE FROM victim_contacts_built")
		var after string
		if err := db.Raw().QueryRow(strings.Replace("SELECT doc FROM cases WHERE id = ?", "?",
			map[bool]string{true: "$1", false: "?"}[db.Engine() == "postgres"], 1), c.ID).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(after, `"contacts"`) {
			t.Errorf("contacts left in the document: %s", after)
		}
	})
}
