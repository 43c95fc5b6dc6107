package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAwardAccreditation: an administrator records an accreditation; it is
// an organisation event on the person, current from its award to the end
// of its expiry day, and a withdrawal ends it.
func TestAwardAccreditation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		u := f.Investigator.User
		today := f.Clock.Now()
		award := today.AddDate(-1, 0, 0).Format(time.DateOnly)
		expiry := today.AddDate(0, 0, 10).Format(time.DateOnly)
		acc, err := f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: u.ID, Kind: "pip2",
			AwardedOn: award, Expires: expiry, Evidence: "NCALT 4471"})
		if err != nil {
			t.Fatal(err)
		}
		got := userNow(t, f, u.ID)
		if len(got.Accreditations) != 1 || got.Accreditations[0].ID != acc.ID || got.Accreditations[0].Evidence != "NCALT 4471" {
			t.Fatalf("after the award the user holds %+v", got.Accreditations)
		}
		if got.Version != u.Version {
			t.Errorf("an award moved the user's version from %d to %d: it guards roles, rank and team", u.Version, got.Version)
		}
		if !got.HoldsAt("pip2", today) || got.HoldsAt("abe", today) {
			t.Errorf("holds pip2 %v, abe %v: want pip2 only", got.HoldsAt("pip2", today), got.HoldsAt("abe", today))
		}
		if !got.HoldsAt("pip2", today.AddDate(0, 0, 10)) || got.HoldsAt("pip2", today.AddDate(0, 0, 12)) {
			t.Errorf("pip2 should count to its expiry day and lapse after it")
		}
		evs, err := db.CaseEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if last := evs[len(evs)-1]; last.Type != domain.EvAccreditationAwarded || last.Actor != f.Admin.ID() || last.CaseID != "" {
			t.Errorf("last event %s by %s on case %q, want accreditation.awarded by the administrator", last.Type, last.Actor, last.CaseID)
		}
		if _, err := f.Svc.WithdrawAccreditation(ctx, f.Admin, service.WithdrawAccreditation{User: u.ID, ID: acc.ID}); !slices.Equal(grantRules(err), []string{"required"}) {
			t.Errorf("a withdrawal without a reason: %v", err)
		}
		w, err := f.Svc.WithdrawAccreditation(ctx, f.Admin, service.WithdrawAccreditation{User: u.ID, ID: acc.ID,
			Reason: "recorded against the wrong officer"})
		if err != nil {
			t.Fatal(err)
		}
		if w.HoldsAt("pip2", today) || userNow(t, f, u.ID).HoldsAt("pip2", today) {
			t.Errorf("a withdrawn accreditation still counts")
		}
		_, err = f.Svc.WithdrawAccreditation(ctx, f.Admin, service.WithdrawAccreditation{User: u.ID, ID: acc.ID,
			Reason: "again"})
		if !slices.Equal(grantRules(err), []string{"withdrawn"}) {
			t.Errorf("withdrawing twice: %v", err)
		}
	})
}

// TestAwardAccreditationRefused: bad input is refused with every problem
// at once, by field, and nothing is recorded; only an administrator
// records one.
func TestAwardAccreditationRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		u := f.Investigator.User
		today := f.Clock.Now()
		before, err := db.CaseEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: u.ID, Kind: "pip9",
			AwardedOn: today.AddDate(0, 0, 3).Format(time.DateOnly), Expires: today.Format(time.DateOnly)})
		ps, _ := domain.AsProblems(err)
		fields := map[string]string{}
		for _, p := range ps {
			fields[p.Field] = p.Rule
		}
		want := map[string]string{"kind": "unknown_kind", "awarded_on": "future", "expires": "before_award"}
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("field %s: rule %q, want %q (all: %v)", k, fields[k], v, err)
			}
		}
		_, err = f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: u.ID, Kind: "abe",
			AwardedOn: "31/02/2025", Expires: "soon"})
		if got := grantRules(err); !slices.Equal(got, []string{"date", "date"}) {
			t.Errorf("unreadable dates: rules %v, want date for both", got)
		}
		// A field over its length limit does not hide the other reasons.
		_, err = f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: u.ID, Kind: "bogus",
			AwardedOn: today.AddDate(0, 0, -3).Format(time.DateOnly),
			Expires:   today.AddDate(0, 0, -5).Format(time.DateOnly), Evidence: strings.Repeat("x", 201)})
		ps, _ = domain.AsProblems(err)
		fields = map[string]string{}
		for _, p := range ps {
			if _, twice := fields[p.Field]; twice {
				t.Errorf("field %s reported twice: %v", p.Field, err)
			}
			fields[p.Field] = p.Rule
		}
		for _, k := range []string{"kind", "expires", "evidence"} {
			if fields[k] == "" {
				t.Errorf("over-long evidence hid the problem with %s: %v", k, err)
			}
		}
		// A refresh due on the day of the award is not after it.
		_, err = f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: u.ID, Kind: "abe",
			AwardedOn: today.Format(time.DateOnly), Expires: today.Format(time.DateOnly)})
		if got := grantRules(err); !slices.Equal(got, []string{"before_award"}) {
			t.Errorf("refresh due on the award day: rules %v, want before_award", got)
		}
		_, err = f.Svc.AwardAccreditation(ctx, f.Supervisor, service.AwardAccreditation{User: u.ID, Kind: "abe",
			AwardedOn: today.Format(time.DateOnly)})
		if !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a supervisor recording an accreditation: %v, want forbidden", err)
		}
		_, err = f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: "nobody", Kind: "abe",
			AwardedOn: today.Format(time.DateOnly)})
		if !errors.Is(err, service.ErrNotFound) {
			t.Errorf("an unknown person: %v, want not found", err)
		}
		after, err := db.CaseEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("refused awards recorded %d events", len(after)-len(before))
		}
		if got := userNow(t, f, u.ID); len(got.Accreditations) != 0 {
			t.Errorf("refused awards left %+v", got.Accreditations)
		}
	})
}
