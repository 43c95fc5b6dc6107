package service_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestContactReadNeedToKnowAndLogged: a victim's contacts are out of the
// case's document, in the contact log (issue 20); the service reads them
// back for a page only for someone with need-to-know, and records the
// read, as it did when they were in the document.
func TestContactReadNeedToKnowAndLogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version,
			Name: "Child A", DateOfBirth: "2012-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Hour)
		if c, err = f.Svc.RecordContact(ctx, f.Investigator, c.ID, service.RecordContact{Version: c.Version,
			Victim: c.Victims[0].ID, Kind: domain.ContactUpdate, Method: "visit",
			Note: "Told her the suspect was arrested"}); err != nil {
			t.Fatal(err)
		}
		doc, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Victims[0].Contacts) != 0 {
			t.Fatalf("the contact is still in the document: %+v", doc.Victims[0].Contacts)
		}
		reads := func() int {
			n := 0
			if err := db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
				if e.CaseID == c.ID && e.Type == domain.EvCaseViewed {
					n++
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := reads()
		if _, err := f.Svc.ViewCase(ctx, f.OtherTeam, c.Ref, "curious"); !errors.Is(err, service.ErrNotFound) {
			t.Fatalf("another team's officer read the case: %v", err)
		}
		if n := reads(); n != before {
			t.Fatalf("a refused read was recorded as a read: %d reads, were %d", n, before)
		}
		got, err := f.Svc.ViewCase(ctx, f.Liaison, c.Ref, "update the victim")
		if err != nil {
			t.Fatal(err)
		}
		if cs := got.Victims[0].Contacts; len(cs) != 1 || cs[0].Note != "Told her the suspect was arrested" {
			t.Fatalf("contacts read: %+v", cs)
		}
		if n := reads(); n != before+1 {
			t.Fatalf("the read was not recorded: %d reads, were %d", n, before)
		}
		// The export (an administrator's) holds it too.
		var out bytes.Buffer
		if _, err := f.Svc.Export(ctx, f.Admin, service.ExportFilter{}, &out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out.Bytes(), []byte(`"visit"`)) {
			t.Fatalf("the export lost the contact: %s", out.String())
		}
	})
}
