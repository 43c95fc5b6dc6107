package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/service"
)

// checkImported: the historic closures came in through the import, each
// with its history as events marked with their source, then the
// case.imported event; and they carry the failings a review looks for.
func checkImported(t *testing.T, g generated) {
	ctx := context.Background()
	rv := g.res.Review
	if rv == nil {
		t.Fatal("no national review in the result")
	}
	t.Logf("imported %d cases (%d events) from %s; failings %v", rv.Imported, rv.Events, rv.System, rv.Failings)
	source := "import:" + demo.LegacySystem
	n, intl, national := 0, 0, 0
	several, interviewedThenNFA := 0, 0
	cls := offence.Current()
	for _, c := range allCases(t, g) {
		for _, o := range c.OffenceTypes {
			if !cls.IsCode(o) {
				t.Errorf("%s: offence %q is not a code of the classification", c.Ref, o)
			}
		}
		if !c.Imported {
			continue
		}
		n++
		for _, s := range c.Suspects {
			if len(s.History) >= 3 {
				several++
			}
			if s.Status == domain.SuspectNFA && s.Interviewed() {
				interviewedThenNFA++
			}
			switch {
			case strings.HasPrefix(s.Phone, "+44 "):
				intl++
			case strings.HasPrefix(s.Phone, "07"):
				national++
			}
		}
		if c.Source != source || c.SourceRef == "" {
			t.Errorf("%s: source %q, source ref %q", c.Ref, c.Source, c.SourceRef)
		}
		if c.Reopened == 0 &&
			(c.Status != domain.StatusClosed || c.ClosedAt.Year() < 2012 || c.ClosedAt.Year() > 2022) {
			t.Errorf("%s: %s, closed %s: want a closure of 2012-2022", c.Ref, c.Status, c.ClosedAt)
		}
		if n > 5 {
			continue // the events of a few are enough
		}
		evs, err := g.db.CaseEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		marked, sawImported := 0, false
		for _, e := range evs {
			if e.Type == domain.EvCaseImported {
				sawImported = true
				break
			}
			if e.Source != source {
				t.Errorf("%s: %s event before case.imported is marked %q", c.Ref, e.Type, e.Source)
			}
			marked++
		}
		if !sawImported || marked < 10 {
			t.Errorf("%s: %d source-marked events, case.imported seen: %v", c.Ref, marked, sawImported)
		}
	}
	if intl == 0 || national == 0 {
		t.Errorf(
			"imported suspects' phones: %d international, %d national; want both forms, as other systems write them",
			intl,
			national,
		)
	}
	if several == 0 || interviewedThenNFA == 0 {
		t.Errorf("imported suspects: %d with three or more status changes, %d interviewed then NFA'd; want some of each",
			several, interviewedThenNFA)
	}
	if n != rv.Imported || n < 40 {
		t.Errorf("%d imported cases in the record, the import reported %d", n, rv.Imported)
	}
	for _, f := range []string{demo.FailNFANamedSuspect, demo.FailNotInterviewed, demo.FailActionsOpen, demo.FailSelfApproved,
		demo.FailBelowRank, demo.FailVictimNotTold, demo.FailAccountNotTaken, demo.FailQuickClosure, demo.FailSuspectShared} {
		if rv.Failings[f] == 0 {
			t.Errorf("no historic closure carries %s", f)
		}
	}
}

// checkReview: the review is in progress — some reviews complete with
// findings (one reopening its case, one referral or victim contact that is
// a duty with a deadline), "no concerns" reviews awaiting a second
// reviewer, the rest still to do — and its report and export say so.
func checkReview(t *testing.T, g generated) {
	ctx := context.Background()
	rv := g.res.Review
	if rv == nil {
		t.Fatal("no national review in the result")
	}
	pr := rv.Progress
	t.Logf(
		"%q: %d of %d sampled; %d complete, %d awaiting sign-off, %d assigned, %d unassigned; %d findings; reopened %v, referred %v, victim contact %v; conflicts %v",
		rv.Audit,
		rv.Sampled,
		rv.Population,
		pr.Complete,
		pr.AwaitingSignOff,
		pr.Assigned,
		pr.Unassigned,
		rv.Findings,
		rv.Reopened,
		rv.Referred,
		rv.VictimContact,
		rv.Conflicts,
	)
	if pr.Complete == 0 || pr.AwaitingSignOff == 0 || pr.Assigned == 0 || pr.Unassigned == 0 || pr.Cases != rv.Sampled {
		t.Errorf("want reviews in every state: %+v", pr)
	}
	if len(rv.Reopened) != 1 || len(rv.Referred) == 0 || len(rv.VictimContact) == 0 || rv.Findings == 0 {
		t.Errorf(
			"findings: %d; reopened %v, referred %v, victim contact %v",
			rv.Findings,
			rv.Reopened,
			rv.Referred,
			rv.VictimContact,
		)
	}
	if len(rv.Conflicts) == 0 {
		t.Error("no assignment was refused for a conflict of interest")
	}

	// The lead, signed in as the demo prints, reads the same in the report.
	lead := signIn(t, g, rv.Lead)
	audits, err := g.svc.Audits(ctx, lead)
	if err != nil || len(audits) != 1 || audits[0].Name != rv.Audit {
		t.Fatalf("audits: %+v %v", audits, err)
	}
	rep, err := g.svc.AuditReport(ctx, lead, rv.AuditID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 || rep.ErrorRate.Reviewed == 0 || len(rep.Reopened) != 1 ||
		rep.Reopened[0].StatusNow != domain.StatusOpen {
		t.Errorf("report: findings %v, error rate %+v, reopened %+v", rep.Findings, rep.ErrorRate, rep.Reopened)
	}
	open := 0
	for _, a := range rep.Actions {
		if a.Overdue {
			t.Errorf("finding on %s (%s) overdue since %s", a.Case, a.Action, a.Due)
		}
		if a.Answered.IsZero() {
			open++
		}
	}
	if open == 0 || open == len(rep.Actions) {
		t.Errorf("want some findings answered and some still owed: %+v", rep.Actions)
	}
	rows, err := g.svc.AuditCSV(ctx, lead, rv.AuditID)
	if err != nil || len(rows) != rv.Sampled+1 {
		t.Errorf("export: %d rows, %v", len(rows), err)
	}

	// A finding that calls for action is a duty of the person it names.
	owed := map[string]bool{}
	for _, c := range allCases(t, g) {
		for _, d := range c.OpenDuties() {
			if d.Kind == duty.FindingResponse {
				owed[c.Ref] = true
				if !d.Due.After(now) {
					t.Errorf("%s: finding response due %s", c.Ref, d.Due)
				}
			}
		}
	}
	for _, ref := range rv.Referred {
		if !owed[ref] {
			t.Errorf("the referral to professional standards on %s is owed by nobody", ref)
		}
	}

	// The reopened case is being reinvestigated by a serving officer.
	c, err := g.db.CaseByRef(ctx, rv.Reopened[0])
	if err != nil {
		t.Fatal(err)
	}
	org, err := g.db.Org(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u := org.Users[c.OwnerID]; c.Status != domain.StatusOpen || u == nil || !u.Active || !c.Imported {
		t.Errorf("reopened %s: %s, owner %v", c.Ref, c.Status, u)
	}

	// The accounts printed include the lead, a civilian reviewer and the
	// seconded officer.
	var names []string
	for _, a := range g.res.Accounts {
		names = append(names, a.Username)
	}
	for _, u := range []string{rv.Lead, rv.Reviewers[0], rv.Reviewers[len(rv.Reviewers)-1]} {
		if !slices.Contains(names, u) {
			t.Errorf("reviewer %s is not among the accounts printed", u)
		}
	}
}

func signIn(t *testing.T, g generated, username string) *service.Actor {
	t.Helper()
	ctx := context.Background()
	if _, err := g.svc.SignIn(ctx, username, demo.Password); err != nil {
		t.Fatalf("sign in as %s: %v", username, err)
	}
	u, err := g.db.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return &service.Actor{User: *u}
}
