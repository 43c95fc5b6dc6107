package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// ownCase opens a case in team as actor and makes them its owner.
func ownCase(t *testing.T, f *fixture.Force, by, assigner *service.Actor, team string) *domain.Case {
	t.Helper()
	c, err := f.Svc.OpenReferral(ctx, by, service.NewReferral{TeamID: team, Summary: "Referral from school: " +
		"a 14-year-old seen with older men", OffenceTypes: []string{"child_sexual_exploitation"}, Source: "school"})
	if err != nil {
		t.Fatal(err)
	}
	c, err = f.Svc.AssignOwner(ctx, assigner, c.ID, service.AssignOwner{Version: c.Version, OwnerID: by.ID(),
		Reason: "allocation"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func linkDuty(c *domain.Case, kind, subject string) *domain.Duty {
	for i := range c.Duties {
		if d := &c.Duties[i]; d.Kind == kind && d.Subject == subject && d.Status == domain.DutyOpen {
			return d
		}
	}
	return nil
}

func linkAlerts(t *testing.T, f *fixture.Force, a *service.Actor) []string {
	t.Helper()
	return alertTexts(t, f, a, domain.AlertLink)
}

// alertTexts are the texts of a's inbox alerts of kind.
func alertTexts(t *testing.T, f *fixture.Force, a *service.Actor, kind string) []string {
	t.Helper()
	in, err := f.Svc.Inbox(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, al := range in {
		if al.Kind == kind {
			out = append(out, al.Text)
		}
	}
	return out
}

// TestLinksRaisedToBothSidesWithNeedToKnow: a suspect recorded with a
// spelling variant of a suspect on another team's case is matched against
// the index when recorded; both owners and supervisors are alerted and owe
// a review; the other case is named only to those who may see it; "not the
// same person" is recorded on both cases and never raised again; a shared
// phone is raised whatever the names, and confirmed on both cases.
func TestLinksRaisedToBothSidesWithNeedToKnow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		// Case B: MIT's (team C), owned by Olly, who supervises there too.
		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Phone: "07700 900111",
			Address: "14 Mill Lane, Eastbridge EB4 7QT"})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Links) != 0 {
			t.Fatalf("a first suspect raised links: %+v", b.Links)
		}
		// Case A: team A's, Ivy's; the same man recorded as "Mohamed Kahn",
		// day and month of birth transposed.
		a := f.Allocated(t)
		a, err = f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: "Mohamed Kahn", DateOfBirth: "1985-04-03"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Links) != 1 {
			t.Fatalf("case A has links %+v, want one", a.Links)
		}
		l := a.Links[0]
		if l.Probability < service.MatchThreshold || l.OtherCase != b.ID || l.Outcome != domain.LinkPending {
			t.Fatalf("link %+v", l)
		}
		b, err = f.Store.Case(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bl := b.CaseLinkByID(l.ID); bl == nil || bl.OtherCase != a.ID || bl.Person != b.Suspects[0].ID {
			t.Fatalf("case B's side of the link: %+v", b.Links)
		}
		if linkDuty(a, domain.DutyLinkRev, l.ID) == nil || linkDuty(b, domain.DutyLinkRev, l.ID) == nil {
			t.Fatal("no review duty on both cases")
		}
		if d := linkDuty(a, domain.DutyLinkRev, l.ID); d.Accountable != f.Investigator.ID() {
			t.Errorf("case A's review is owed by %s, not its owner", d.Accountable)
		}
		// Need-to-know: Ivy and Sam (team A) may not see MIT's case.
		for _, who := range []*service.Actor{f.Investigator, f.Supervisor} {
			al := linkAlerts(t, f, who)
			if len(al) != 1 {
				t.Fatalf("%s has link alerts %q, want one", who.User.Name, al)
			}
			if strings.Contains(al[0], b.Ref) || !strings.Contains(al[0], "a case in another team") ||
				!strings.Contains(al[0], "Olly Other") {
				t.Errorf("%s's alert %q names the other case or not whom to ask", who.User.Name, al[0])
			}
		}
		al := linkAlerts(t, f, f.OtherTeam)
		if len(al) != 1 || strings.Contains(al[0], a.Ref+" (") || !strings.Contains(al[0], "Sam Supervisor") {
			t.Errorf("Olly's alerts %q", al)
		}
		// The match offered on the case page: hidden from Ivy, named to the analyst.
		pm, err := f.Svc.PersonMatches(ctx, f.Investigator, service.MatchesQuery{Case: a.Ref, Person: l.Person})
		if err != nil {
			t.Fatal(err)
		}
		if len(pm.Matches) != 1 || pm.Matches[0].Visible || pm.Matches[0].Ref != "" || pm.Matches[0].Name != "" ||
			pm.Matches[0].Ask == "" {
			t.Errorf("Ivy's matches %+v", pm.Matches)
		}
		pm, err = f.Svc.PersonMatches(ctx, f.Analyst, service.MatchesQuery{Case: a.Ref, Person: l.Person})
		if err != nil {
			t.Fatal(err)
		}
		if len(pm.Matches) != 1 || !pm.Matches[0].Visible || pm.Matches[0].Ref != b.Ref ||
			pm.Matches[0].Name != "Mohammed Khan" || len(pm.Matches[0].Terms) == 0 {
			t.Errorf("the analyst's matches %+v", pm.Matches)
		}
		views, err := f.Svc.CaseLinks(ctx, f.Investigator, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 1 || views[0].Visible || views[0].OtherRef != "" {
			t.Errorf("Ivy's view of the links %+v", views)
		}
		// Reviewing: refused with every problem at once, then "not the same person".
		_, err = f.Svc.ReviewLink(ctx, f.Investigator, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: "maybe"})
		if got := strings.Join(problemRules(t, err), " "); got != "one_of" {
			t.Errorf("refusal rules %q", got)
		}
		_, err = f.Svc.ReviewLink(ctx, f.Investigator, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkNotSame})
		if got := strings.Join(problemRules(t, err), " "); got != "required" {
			t.Errorf("refusal rules %q", got)
		}
		if _, err := f.Svc.ReviewLink(ctx, f.Liaison, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkConfirmed}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a victim liaison officer reviewed a link: %v", err)
		}
		a, err = f.Svc.ReviewLink(ctx, f.Investigator, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkNotSame, Note: "Different man: checked custody photographs"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = f.Store.Case(ctx, b.ID)
		if a.Links[0].Outcome != domain.LinkNotSame || b.CaseLinkByID(l.ID).Outcome != domain.LinkNotSame {
			t.Fatalf("the review is not on both cases: %+v / %+v", a.Links, b.Links)
		}
		if linkDuty(a, domain.DutyLinkRev, l.ID) != nil || linkDuty(b, domain.DutyLinkRev, l.ID) != nil {
			t.Error("a review duty is still open after the review")
		}
		if n, err := f.Svc.RaiseLinks(ctx, a.ID, l.Person); err != nil || n != 0 {
			t.Errorf("a pair marked not the same was raised again: %d %v", n, err)
		}
		// A shared phone under a different name (a family phone): listed
		// among the person's matches, but no link, alert or duty.
		c := ownCase(t, f, f.Inspector, f.Inspector, f.TeamB)
		alertsBefore := len(linkAlerts(t, f, f.Inspector))
		c, err = f.Svc.AddSuspect(ctx, f.Inspector, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Danny Price", Phone: "+44 7700 900111"})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Links) != 0 || len(linkAlerts(t, f, f.Inspector)) != alertsBefore {
			t.Fatalf("a shared phone under another name raised a link: %+v", c.Links)
		}
		ms, err := f.Svc.PersonMatches(ctx, f.Inspector, service.MatchesQuery{Case: c.Ref, Person: c.Suspects[0].ID})
		if err != nil || len(ms.Matches) == 0 {
			t.Fatalf("the shared phone is not listed among the matches: %+v %v", ms, err)
		}
		// The same phone and a weaker match of the name: the exact
		// identifier counts for more, so it is raised, and confirmed.
		c, err = f.Svc.AddSuspect(ctx, f.Inspector, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Mo Khan", Phone: "+44 7700 900111"})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Links) != 1 || c.Links[0].OtherCase != b.ID || strings.Join(c.Links[0].Shared, ",") != "phone" {
			t.Fatalf("shared phone: links %+v", c.Links)
		}
		// The alert and the matches page give one figure, in one form.
		ms, err = f.Svc.PersonMatches(ctx, f.Inspector, service.MatchesQuery{Case: c.Ref, Person: c.Links[0].Person})
		if err != nil || len(ms.Matches) == 0 {
			t.Fatalf("Mo Khan's matches: %+v %v", ms, err)
		}
		figure := service.Likelihood(ms.Matches[0].Probability) + " likely"
		if alerts := linkAlerts(t, f, f.Inspector); len(alerts) == 0 || !strings.Contains(alerts[0], figure) {
			t.Errorf("the alert does not say %q as the matches page does: %q", figure, alerts)
		}
		c, err = f.Svc.ReviewLink(ctx, f.Inspector, c.ID, service.ReviewLink{Version: c.Version,
			Link: c.Links[0].ID, Outcome: domain.LinkConfirmed})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = f.Store.Case(ctx, b.ID)
		if c.Links[0].Outcome != domain.LinkConfirmed || b.CaseLinkByID(c.Links[0].ID).Outcome != domain.LinkConfirmed {
			t.Errorf("confirmation is not on both cases")
		}
		noDifference(t, db)
	})
}

// TestLikelihoodInWords: one form for a match's probability on every page
// and alert, never a "0%" or "100%" that claims a certainty the model
// does not have, nor "0.6%" beside another page's "1%".
func TestLikelihoodInWords(t *testing.T) {
	for p, want := range map[float64]string{0: "under 1%", 0.004: "under 1%", 0.006: "1%", 0.5: "50%",
		0.904: "90%", 0.996: "over 99%", 1: "100%"} {
		if got := service.Likelihood(p); got != want {
			t.Errorf("Likelihood(%g) = %q, want %q", p, got, want)
		}
	}
}
