package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func inboxSays(t *testing.T, f *fixture.Force, a *service.Actor, caseID, kind, text string) bool {
	t.Helper()
	items, err := f.Svc.Inbox(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.CaseID == caseID && it.Kind == kind && strings.Contains(it.Text, text) {
			return true
		}
	}
	return false
}

// TestBreakGlass: an officer outside a case's chain of command opens it
// only by saying why; the access is recorded on the case's history, read
// only, alerted to the owner's manager and the audit team, owes the audit
// team a review, and ends when the policy's period does.
func TestBreakGlass(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := permCase{f: f, t: t}.working()
		reason := "Suspect arrested in our area tonight; we need the victim's details"

		// Outside need-to-know the case is not there.
		if _, err := svc.ViewCase(ctx, f.OtherTeam, c.Ref, "look"); !errors.Is(err, service.ErrNotFound) {
			t.Fatalf("another team's officer saw the case without breaking glass: %v", err)
		}
		// No reason, no access; nobody who can already see it, and nobody
		// who does not work cases, breaks glass.
		// Nor a reason nobody can read: dots, or invisible characters that
		// pass a length check (zero-width spaces, soft hyphens: the attack
		// of 2026-12-06).
		for _, r := range []string{"urgent", strings.Repeat(".", 31), strings.Repeat("\u200b", 60),
			strings.Repeat("\u00ad", 12), "a " + strings.Repeat("\u200b", 40) + " b"} {
			_, err := svc.BreakGlass(ctx, f.OtherTeam, service.BreakGlassRequest{Case: c.Ref, Reason: r})
			if p, ok := domain.AsProblems(err); !ok || p[0].Field != "reason" {
				t.Fatalf("break glass with the reason %q: %v", r, err)
			}
		}
		for _, a := range []*service.Actor{f.Investigator, f.Auditor, f.Admin, f.External} {
			if _, err := svc.BreakGlass(ctx, a, service.BreakGlassRequest{Case: c.Ref,
				Reason: reason}); !errors.Is(err, service.ErrForbidden) {
				t.Errorf("%s broke glass: %v", a.User.Username, err)
			}
		}

		g, err := svc.BreakGlass(ctx, f.OtherTeam, service.BreakGlassRequest{Case: c.Ref, Reason: reason})
		if err != nil {
			t.Fatal(err)
		}
		if want := fixture.Start.Add(time.Hour); !g.Until.Equal(g.At.Add(time.Hour)) || g.At.Before(fixture.Start) {
			t.Errorf("the access lasts until %s, want one hour from %s (%s)", g.Until, g.At, want)
		}
		seen, err := svc.ViewCase(ctx, f.OtherTeam, c.Ref, "emergency")
		if err != nil {
			t.Fatalf("the emergency access does not admit its holder: %v", err)
		}
		// Read-only: every write is refused, and Permissions offers none.
		if _, err := svc.AddNote(ctx, f.OtherTeam, seen.ID, service.NewNote{Version: seen.Version,
			Text: "x"}); !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("a write through an emergency access: %v", err)
		}
		if _, err := svc.RecordDecision(ctx, f.OtherTeam, seen.ID, service.RecordDecision{Version: seen.Version,
			Decision: "d", Rationale: "r"}); !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("a write through an emergency access: %v", err)
		}
		perm, err := svc.Permissions(ctx, f.OtherTeam, seen.ID)
		if err != nil || perm.Any() || !strings.Contains(perm.Why("add-note"), "read-only") {
			t.Fatalf("permissions through an emergency access: %v %v %q", err, perm.Any(), perm.Why("add-note"))
		}
		// On the history, with the reason.
		evs, err := svc.Timeline(ctx, f.Supervisor, c.Ref)
		if err != nil {
			t.Fatal(err)
		}
		var recorded bool
		for _, e := range evs {
			recorded = recorded || (e.Type == domain.EvBreakGlass && e.Actor == f.OtherTeam.ID() &&
				strings.Contains(string(e.Payload), reason))
		}
		if !recorded {
			t.Fatal("the emergency access is not on the case's history")
		}
		// Alerted to the owner's manager and the audit team; a review duty
		// for the audit team.
		if !inboxSays(t, f, f.Inspector, c.ID, domain.AlertBreakGlass, reason) {
			t.Error("the case owner's manager was not alerted")
		}
		if !inboxSays(t, f, f.Auditor, c.ID, domain.AlertBreakGlass, "DC Olly Other") {
			t.Error("the audit team was not alerted, naming who")
		}
		c, err = svc.ViewCase(ctx, f.Auditor, c.Ref, "review")
		if err != nil {
			t.Fatal(err)
		}
		d := openDuty(c, duty.BreakGlassReview)
		if d == nil || d.Accountable != f.Auditor.ID() || d.Subject != g.ID || !strings.Contains(d.Detail, reason) {
			t.Fatalf("the audit team owes no review of the access: %+v", c.Duties)
		}

		// It ends with its period: the case is out of sight again.
		f.Clock.Advance(61 * time.Minute)
		if _, err := svc.ViewCase(ctx, f.OtherTeam, c.Ref, "look"); !errors.Is(err, service.ErrNotFound) {
			t.Fatalf("the emergency access outlived its hour: %v", err)
		}
		if _, err := svc.Permissions(ctx, f.OtherTeam, c.ID); !errors.Is(err, service.ErrNotFound) {
			t.Fatalf("permissions after the access ended: %v", err)
		}

		// The audit team reviews it, meeting the duty; once only.
		c, err = svc.ReviewBreakGlass(ctx, f.Auditor, c.ID, service.ReviewBreakGlass{Version: c.Version,
			Access: g.ID, Note: "Justified: the arrest was in their area"})
		if err != nil {
			t.Fatal(err)
		}
		if openDuty(c, duty.BreakGlassReview) != nil || c.BreakGlass[0].ReviewedBy != f.Auditor.ID() {
			t.Fatalf("the review did not meet the duty: %+v", c.Duties)
		}
		if _, err := svc.ReviewBreakGlass(ctx, f.Auditor, c.ID, service.ReviewBreakGlass{Version: c.Version,
			Access: g.ID, Note: "Again, justified"}); err == nil {
			t.Fatal("an access was reviewed twice")
		}
	})
}

// TestBreakGlassAwaitingReview: the audit team's list of emergency
// accesses not yet reviewed — auditors and managers (of the chain) only,
// each access once, gone when reviewed.
func TestBreakGlassAwaitingReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		if _, err := svc.BreakGlassAwaitingReview(ctx, f.Investigator); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator listing accesses awaiting review: %v, want forbidden", err)
		}
		g, err := svc.BreakGlass(ctx, f.OtherTeam, service.BreakGlassRequest{Case: c.Ref,
			Reason: "A child in this case is missing tonight and I am on call."})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []*service.Actor{f.Auditor, f.Manager} {
			list, err := svc.BreakGlassAwaitingReview(ctx, a)
			if err != nil || len(list) != 1 || list[0].Access.ID != g.ID || list[0].Ref != c.Ref {
				t.Fatalf("%s lists %+v, %v; want the one access", a.User.Name, list, err)
			}
		}
		list, _ := svc.BreakGlassAwaitingReview(ctx, f.Auditor)
		if _, err := svc.ReviewBreakGlass(ctx, f.Auditor, c.ID, service.ReviewBreakGlass{Version: list[0].Version,
			Access: g.ID, Note: "Justified: the child was missing."}); err != nil {
			t.Fatal(err)
		}
		if list, err := svc.BreakGlassAwaitingReview(ctx, f.Auditor); err != nil || len(list) != 0 {
			t.Errorf("after the review the list holds %+v, %v", list, err)
		}
	})
}
