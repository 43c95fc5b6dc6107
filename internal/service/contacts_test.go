package service_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
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
		wantLoggedRead(t, db, f, c, f.Liaison, "update the victim", func(got *domain.Case) error {
			if cs := got.Victims[0].Contacts; len(cs) != 1 || cs[0].Note != "Told her the suspect was arrested" {
				return fmt.Errorf("contacts read: %+v", cs)
			}
			return nil
		}, `"visit"`)
	})
}
