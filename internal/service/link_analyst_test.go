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

// decidedAlerts are a's inbox alerts telling them an analyst decided a link.
func decidedAlerts(t *testing.T, f *fixture.Force, a *service.Actor) []string {
	t.Helper()
	return alertTexts(t, f, a, domain.AlertLinkDecided)
}

// linkedPair records the same man on team A's case (Ivy's) and on MIT's
// (Olly's), which raises one possible link between them.
func linkedPair(t *testing.T, f *fixture.Force) (a, b *domain.Case, l domain.CaseLink) {
	t.Helper()
	b = ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
	b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
		Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Phone: "07700 900111"})
	if err != nil {
		t.Fatal(err)
	}
	a = f.Allocated(t)
	a, err = f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
		Name: "Mohamed Kahn", DateOfBirth: "1985-04-03", Phone: "+44 7700 900111"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Links) != 1 {
		t.Fatalf("case A has links %+v, want one", a.Links)
	}
	return a, b, a.Links[0]
}

// TestAnalystDecidesLink: an analyst, who may see both cases, confirms or
// rules out a possible link (a reason required to rule out); the decision
// is recorded on both cases as theirs, meets both review duties, and tells
// both owners; the pages are offered the decision by the same rule, which
// refuses a victim liaison officer and an auditor.
func TestAnalystDecidesLink(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		a, b, l := linkedPair(t, f)
		// Offered by the rule the command applies: the network view's list
		// and the case's links page agree with the service.
		for _, who := range []struct {
			a   *service.Actor
			may bool
		}{{f.Analyst, true}, {f.Manager, true}, {f.Investigator, true}, {f.Liaison, false}, {f.Auditor, false}} {
			views, err := f.Svc.CaseLinks(ctx, who.a, a)
			if err != nil {
				t.Fatal(err)
			}
			if len(views) != 1 || views[0].CanReview != who.may {
				t.Errorf("%s: links page offers the decision %v, want %v", who.a.User.Name, views[0].CanReview,
					who.may)
			}
			_, err = f.Svc.ReviewLink(ctx, who.a, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
				Outcome: "maybe"})
			if who.may != !errors.Is(err, service.ErrForbidden) {
				t.Errorf("%s: the service answers %v, the page offers %v", who.a.User.Name, err, who.may)
			}
		}
		for _, who := range []*service.Actor{f.Analyst, f.Auditor} {
			n, err := f.Svc.Network(ctx, who, service.NetworkQuery{Case: a.Ref})
			if err != nil {
				t.Fatal(err)
			}
			if n.Shown == nil || len(n.Shown.Links) != 1 || n.Shown.Links[0].ID != l.ID ||
				n.Shown.Links[0].CanReview != (who == f.Analyst) {
				t.Errorf("%s: the network's pending links %+v", who.User.Name, n.Shown)
			}
		}
		// Ruling out needs a reason.
		_, err := f.Svc.ReviewLink(ctx, f.Analyst, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkNotSame})
		if got := strings.Join(problemRules(t, err), " "); got != "required" {
			t.Errorf("refusal rules %q", got)
		}
		a, err = f.Svc.ReviewLink(ctx, f.Analyst, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkNotSame, Note: "Different dates of birth confirmed on the PNC"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = f.Store.Case(ctx, b.ID)
		for _, c := range []*domain.Case{a, b} {
			cl := c.CaseLinkByID(l.ID)
			if cl.Outcome != domain.LinkNotSame || cl.ReviewedBy != f.Analyst.ID() ||
				cl.Note != "Different dates of birth confirmed on the PNC" {
				t.Errorf("%s: link %+v", c.Ref, cl)
			}
			if linkDuty(c, domain.DutyLinkRev, l.ID) != nil {
				t.Errorf("%s: review duty still open", c.Ref)
			}
		}
		// Both owners told; neither is told of a case they may not see.
		for _, o := range []struct {
			who        *service.Actor
			own, other *domain.Case
		}{{f.Investigator, a, b}, {f.OtherTeam, b, a}} {
			al := decidedAlerts(t, f, o.who)
			if len(al) != 1 || !strings.Contains(al[0], o.own.Ref) || strings.Contains(al[0], o.other.Ref) ||
				!strings.Contains(al[0], "Ana Analyst") || !strings.Contains(al[0], "ruled out") ||
				!strings.Contains(al[0], "PNC") {
				t.Errorf("%s's alerts %q", o.who.User.Name, al)
			}
		}
		if n, err := f.Svc.RaiseLinks(ctx, a.ID, l.Person); err != nil || n != 0 {
			t.Errorf("a pair ruled out was raised again: %d %v", n, err)
		}
		noDifference(t, db)
	})
}

// TestAnalystConfirmsLink: confirmed by an analyst, the two people are one
// on both cases; the owner who decides a link themselves is not told.
func TestAnalystConfirmsLink(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		a, b, l := linkedPair(t, f)
		a, err := f.Svc.ReviewLink(ctx, f.Analyst, a.ID, service.ReviewLink{Version: a.Version, Link: l.ID,
			Outcome: domain.LinkConfirmed})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = f.Store.Case(ctx, b.ID)
		if a.Links[0].Outcome != domain.LinkConfirmed || b.CaseLinkByID(l.ID).Outcome != domain.LinkConfirmed {
			t.Fatalf("confirmation is not on both cases")
		}
		if al := decidedAlerts(t, f, f.Investigator); len(al) != 1 || !strings.Contains(al[0], "confirmed") {
			t.Errorf("Ivy's alerts %q", al)
		}
		// A second decision is refused: it was decided once, for both.
		if _, err := f.Svc.ReviewLink(ctx, f.Analyst, b.ID, service.ReviewLink{Version: b.Version, Link: l.ID,
			Outcome: domain.LinkNotSame, Note: "second thoughts"}); !strings.Contains(strings.Join(
			problemRules(t, err), " "), "reviewed") {
			t.Errorf("a decided link was decided again: %v", err)
		}
		// An owner's own decision tells nobody new.
		c := ownCase(t, f, f.Inspector, f.Inspector, f.TeamB)
		c, err = f.Svc.AddSuspect(ctx, f.Inspector, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Danny Price", Phone: "07700 900111"})
		if err != nil {
			t.Fatal(err)
		}
		before := len(decidedAlerts(t, f, f.OtherTeam))
		for _, cl := range c.Links {
			if c, err = f.Svc.ReviewLink(ctx, f.Inspector, c.ID, service.ReviewLink{Version: c.Version, Link: cl.ID,
				Outcome: domain.LinkConfirmed}); err != nil {
				t.Fatal(err)
			}
		}
		if after := len(decidedAlerts(t, f, f.OtherTeam)); after != before {
			t.Errorf("an owner's own decision alerted Olly: %d → %d", before, after)
		}
		noDifference(t, db)
	})
}
