package service_test

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCorrectPerson: a correction is a new event naming what changed and
// why, shown in the history; bad input lists every problem and changes
// nothing; someone outside the case's chain is refused.
func TestCorrectPerson(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Adam Stone", DateOfBirth: "1980-01-02", Phone: "07700 900222"})
		if err != nil {
			t.Fatal(err)
		}
		id := c.Suspects[0].ID
		before := c.Version

		// Every problem at once: no name, a future date of birth, no reason.
		_, err = f.Svc.CorrectPerson(ctx, f.Investigator, c.ID, service.CorrectPerson{Version: c.Version,
			PersonID: id, Name: "", DOB: "2999-01-01", Phone: "07700 900222"})
		got := problemRules(t, err)
		sort.Strings(got)
		if len(got) < 3 || !hasRule(got, "required") {
			t.Errorf("refusal rules %q: want name, dob and reason", got)
		}
		if now, _ := f.Store.Case(ctx, c.ID); now.Version != before || now.Suspects[0].Name != "Adam Stone" {
			t.Fatalf("a refused correction changed the case: version %d, name %q", now.Version, now.Suspects[0].Name)
		}
		// A victim has no vehicle: said so, with the missing reason.
		c, err = f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
			DateOfBirth: "2011-05-06"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Svc.CorrectPerson(ctx, f.Investigator, c.ID, service.CorrectPerson{Version: c.Version,
			PersonID: c.Victims[0].ID, Name: "Child A", DOB: "2011-06-05", Vehicle: "AB12 CDE"})
		if got := problemRules(t, err); !hasRule(got, "not_held") || !hasRule(got, "required") {
			t.Errorf("victim refusal rules %q", got)
		}

		// Someone outside the case's chain of command is refused.
		if _, err := f.Svc.CorrectPerson(ctx, f.OtherTeam, c.ID, service.CorrectPerson{Version: c.Version,
			PersonID: id, Name: "Adam Stones", DOB: "1980-01-02", Phone: "07700 900222",
			Reason: "Spelt wrongly on the referral"}); !errors.Is(err, service.ErrNotFound) &&
			!errors.Is(err, service.ErrForbidden) {
			t.Errorf("a constable of another team corrected the suspect: %v", err)
		}

		c, err = f.Svc.CorrectPerson(ctx, f.Investigator, c.ID, service.CorrectPerson{Version: c.Version,
			PersonID: id, Name: "Adam Stone", DOB: "1980-02-01", Phone: "07700 900222",
			Reason: "Custody record shows the date the other way round"})
		if err != nil {
			t.Fatal(err)
		}
		if s := c.Suspect(id); s.DateOfBirth != "1980-02-01" || s.Name != "Adam Stone" || s.Phone != "07700 900222" {
			t.Errorf("suspect after the correction %+v", s)
		}
		evs, err := f.Svc.Timeline(ctx, f.Investigator, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, e := range evs {
			if e.Type != domain.EvPersonCorrected {
				continue
			}
			var p domain.PersonCorrected
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			found = true
			if p.Describe() != "corrected the suspect's date of birth" || !strings.Contains(p.Reason, "Custody") {
				t.Errorf("history says %q (%q)", p.Describe(), p.Reason)
			}
		}
		if !found {
			t.Error("no correction in the history")
		}
	})
}

// TestCorrectPersonMatchesTheIndex: correcting a suspect's name to match
// a man on another team's case raises the link at once; a pair marked
// "not the same person" is not raised again by a later, unrelated
// correction.
func TestCorrectPersonMatchesTheIndex(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Address: "14 Mill Lane, Eastbridge EB4 7QT"})
		if err != nil {
			t.Fatal(err)
		}
		a := f.Allocated(t)
		a, err = f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: "Peter Jones", DateOfBirth: "1985-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Links) != 0 {
			t.Fatalf("an unrelated suspect raised links: %+v", a.Links)
		}
		id := a.Suspects[0].ID
		a, err = f.Svc.CorrectPerson(ctx, f.Investigator, a.ID, service.CorrectPerson{Version: a.Version,
			PersonID: id, Name: "Mohamed Khan", DOB: "1985-03-04",
			Reason: "Name taken from the wrong record at referral"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Links) != 1 || a.Links[0].OtherCase != b.ID || a.Links[0].Person != id {
			t.Fatalf("after the correction case A has links %+v, want one to case B", a.Links)
		}
		l := a.Links[0]
		a, err = f.Svc.ReviewLink(ctx, f.Investigator, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkNotSame, Note: "Different man: checked custody photographs"})
		if err != nil {
			t.Fatal(err)
		}
		// An unrelated correction (a phone found later) matches him again:
		// the reviewed pair stays reviewed, nothing new is raised.
		a, err = f.Svc.CorrectPerson(ctx, f.Investigator, a.ID, service.CorrectPerson{Version: a.Version,
			PersonID: id, Name: "Mohamed Khan", DOB: "1985-03-04", Phone: "07700 900333",
			Reason: "Phone number found on the victim's handset"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Links) != 1 || a.Links[0].Outcome != domain.LinkNotSame {
			t.Errorf("after an unrelated correction the links are %+v", a.Links)
		}
		if d := linkDuty(a, domain.DutyLinkRev, l.ID); d != nil {
			t.Errorf("a review was owed again: %+v", d)
		}
	})
}

func hasRule(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
