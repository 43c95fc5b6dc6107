package service_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestUnnamedSharedLinksRaisedNotAlerted: a man known only by description
// who drove a network's van is linked to each record of the van on other
// teams' cases, one link a pair. Alerted a pair at a time, they put 409
// alerts in a detective sergeant's inbox on the demo. By default the link
// is still raised on both cases with its review owed by each owner, but
// alerts no one; links.alert_unnamed puts the alerts back. A link that is
// alerted names the link (About), so that the inbox goes to where it is
// decided.
func TestUnnamedSharedLinksRaisedNotAlerted(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20 FEF"})
		if err != nil {
			t.Fatal(err)
		}
		unnamed := service.NewSuspect{Description: "Unidentified driver of a silver Astra, VRM PE20FEF.",
			Vehicle: "PE20FEF"}
		a := f.Allocated(t)
		unnamed.Version = a.Version
		a, err = f.Svc.AddSuspect(ctx, f.Investigator, a.ID, unnamed)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Links) != 1 || a.Links[0].OtherCase != b.ID {
			t.Fatalf("the shared van raised links %+v, want one to %s", a.Links, b.Ref)
		}
		l := a.Links[0]
		b, _ = f.Store.Case(ctx, b.ID)
		if linkDuty(a, domain.DutyLinkRev, l.ID) == nil || linkDuty(b, domain.DutyLinkRev, l.ID) == nil {
			t.Error("the link is owed no review on both cases: it would go unseen")
		}
		for _, who := range []*service.Actor{f.Investigator, f.Supervisor, f.OtherTeam} {
			if n := linkAlertCount(t, f, who); n != 0 {
				t.Errorf("%s has %d alerts of an unnamed man's shared van", who.User.Name, n)
			}
		}

		// A force that wants them alerted says so.
		withAuthPolicy(t, f, "alert_unnamed: false", "alert_unnamed: true")
		a2 := f.Allocated(t)
		unnamed.Version = a2.Version
		a2, err = f.Svc.AddSuspect(ctx, f.Investigator, a2.ID, unnamed)
		if err != nil {
			t.Fatal(err)
		}
		if len(a2.Links) == 0 {
			t.Fatal("no link raised with alert_unnamed")
		}
		in, err := f.Svc.Inbox(ctx, f.Investigator)
		if err != nil {
			t.Fatal(err)
		}
		var got []service.InboxAlert
		for _, al := range in {
			if al.Kind == domain.AlertLink {
				got = append(got, al)
			}
		}
		if len(got) != len(a2.Links) {
			t.Fatalf("with alert_unnamed, Ivy has link alerts %+v, want one a link of %s", got, a2.Ref)
		}
		for _, al := range got {
			if al.CaseRef != a2.Ref || a2.CaseLinkByID(al.About) == nil {
				t.Errorf("the alert %q is not about a link of %s: %q", al.Text, a2.Ref, al.About)
			}
			if !strings.Contains(al.Text, "no name to compare") {
				t.Errorf("the alert does not say why: %q", al.Text)
			}
		}
	})
}

// TestLinkAlertedOncePerPersonAwaitingReview: a network member recorded
// on case after case was alerted to each side of every pair (1,728 link
// alerts to one sergeant on a demo of 2,000 cases). A person's owner and
// supervisor are told once while a link of theirs on the case awaits
// review — the links page lists the rest — and told again of a link
// raised after they reviewed them all.
func TestLinkAlertedOncePerPersonAwaitingReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		khan := service.NewSuspect{Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Phone: "07700 900111"}
		other := func() *domain.Case {
			t.Helper()
			b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
			khan.Version = b.Version
			b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, khan)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		for range 3 {
			other()
		}
		a := f.Allocated(t)
		a, err := f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: "Mohamed Kahn", DateOfBirth: "1985-04-03", Phone: "07700 900111"})
		if err != nil {
			t.Fatal(err)
		}
		other() // a fourth case of the man: a fourth link to case A
		a, _ = f.Store.Case(ctx, a.ID)
		if len(a.Links) != 4 {
			t.Fatalf("case A has %d links, want 4", len(a.Links))
		}
		for _, who := range []*service.Actor{f.Investigator, f.Supervisor} {
			if n := linkAlertCount(t, f, who); n != 1 {
				t.Errorf("%s has %d link alerts, want one for the man's four links", who.User.Name, n)
			}
		}
		// Each of team C's four cases is told once: a link each.
		if n := linkAlertCount(t, f, f.OtherTeam); n != 4 {
			t.Errorf("Olly has %d link alerts, want one a case", n)
		}
		for _, l := range a.Links {
			if a, err = f.Svc.ReviewLink(ctx, f.Investigator, a.ID, service.ReviewLink{Version: a.Version,
				Link: l.ID, Outcome: domain.LinkConfirmed}); err != nil {
				t.Fatal(err)
			}
		}
		other() // news after every link was reviewed
		if n := linkAlertCount(t, f, f.Investigator); n != 2 {
			t.Errorf("Ivy has %d link alerts, want a second for the link raised after her reviews", n)
		}
	})
}

// linkAlertCount counts a's link alerts, those the inbox shows as one
// (the same words) each counted.
func linkAlertCount(t *testing.T, f *fixture.Force, a *service.Actor) int {
	t.Helper()
	in, err := f.Svc.Inbox(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, al := range in {
		if al.Kind == domain.AlertLink {
			n += al.Count
		}
	}
	return n
}
