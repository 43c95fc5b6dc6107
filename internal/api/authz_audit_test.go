package api_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// Who may call each audit endpoint. Auditors run audits and review;
// auditors, managers and inspectors read; an audit finding is answered by
// the person it names or a supervisor or manager in the case's chain.
func auditAuthz(h *harness) map[string]entry {
	readers := []string{"auditor", "manager", "inspector"}
	v := func(extra map[string]any) func(c *domain.Case) any {
		return func(c *domain.Case) any {
			m := map[string]any{"version": c.Version}
			for k, x := range extra {
				m[k] = x
			}
			return m
		}
	}
	return map[string]entry{
		"POST /api/v1/audits/triage": {
			readers,
			func(*domain.Case) any { return map[string]any{"preset": "routine", "limit": 5} },
		},
		"GET /api/v1/audits": {readers, nil},
		"POST /api/v1/audits": {[]string{"auditor"}, func(c *domain.Case) any {
			day := auDay(c)
			return map[string]any{"name": "Authorisation audit", "margin": 0.05, "risk_top": 2,
				"criteria": map[string]any{"name": "one day", "reported_from": day, "reported_to": day}}
		}},
		"GET /api/v1/audits/{id}":        {readers, nil},
		"GET /api/v1/audits/{id}/report": {readers, nil},
		"GET " + api.AuditCSVPath:        {readers, nil},
		"POST /api/v1/audits/{id}/cases/{ref}/assign": {[]string{"auditor"}, func(*domain.Case) any {
			return map[string]any{"reviewer": h.f.Auditor.ID()}
		}},
		"POST /api/v1/audits/{id}/assign": {[]string{"auditor"}, func(c *domain.Case) any {
			return map[string]any{"cases": []string{c.Ref}, "reviewer": h.f.Auditor.ID()}
		}},
		// Only the assigned reviewer (the auditor) submits.
		"POST /api/v1/audits/{id}/cases/{ref}/review": {
			[]string{"auditor"},
			func(*domain.Case) any { return map[string]any{"form": noConcernsForm} },
		},
		// The review is a second auditor's: the fixture's auditor signs off.
		"POST /api/v1/audits/{id}/cases/{ref}/sign-off": {
			[]string{"auditor"},
			func(*domain.Case) any { return map[string]any{"agree": true} },
		},
		"POST /api/v1/audits/preview": {[]string{"auditor"}, func(*domain.Case) any {
			return map[string]any{"name": "Preview", "preset": "routine", "margin": 0.05}
		}},
		"GET /api/v1/audits/{id}/cases/{ref}/reviewers": {[]string{"auditor"}, nil},
		"GET /api/v1/me/reviews":                        {[]string{"auditor"}, nil},
		// Anyone may ask what they owe: the list is their own.
		"GET /api/v1/me/audit-findings": {[]string{"administrator", "investigator", "supervisor", "manager",
			"auditor", "analyst", "victim_liaison", "inspector", "other_team"}, nil},
		// The finding names the owner (the investigator).
		"POST /api/v1/cases/{ref}/audit-findings/{finding}/answer": {[]string{"investigator", "supervisor", "manager"},
			v(map[string]any{"answer": "Visited the victim and her mother; told of the decision"})},
	}
}

// inAudit prepares an audit holding one case: a referral reported on a
// day of its own, closed, and an audit of the cases reported that day.
func inAudit(close func(h *harness, t *testing.T, c *domain.Case) *domain.Case, highRisk int) prepare {
	return func(h *harness, t *testing.T, _ *domain.Case) (*domain.Case, map[string]string) {
		c := auCase(h, t, close)
		au := auPlan(h, t, c, highRisk)
		return c, map[string]string{"id": au.ID}
	}
}

// auditPrepare brings a case into the state each audit endpoint needs.
var auditPrepare = map[string]prepare{
	"POST /api/v1/audits": func(h *harness, t *testing.T, _ *domain.Case) (*domain.Case, map[string]string) {
		return auCase(h, t, wfClosed), nil
	},
	"GET /api/v1/audits/{id}":                       inAudit(wfClosed, 0),
	"GET /api/v1/audits/{id}/cases/{ref}/reviewers": inAudit(wfClosed, 0),
	"GET /api/v1/audits/{id}/report":                inAudit(wfClosed, 0),
	"GET " + api.AuditCSVPath:                       inAudit(wfClosed, 0),
	"POST /api/v1/audits/{id}/cases/{ref}/assign":   inAudit(wfClosed, 0),
	"POST /api/v1/audits/{id}/assign":               inAudit(wfClosed, 0),
	"POST /api/v1/audits/{id}/cases/{ref}/review": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		c, p := inAudit(wfClosed, 0)(h, t, c)
		auMust(t)(h.f.Svc.AssignReview(ctx, h.f.Auditor, service.AssignReview{
			Audit: p["id"], Case: c.ID, Reviewer: h.f.Auditor.ID()}))
		return c, p
	},
	"POST /api/v1/audits/{id}/cases/{ref}/sign-off": func(h *harness, t *testing.T, _ *domain.Case) (*domain.Case, map[string]string) {
		// The victim was never told of the closure, and a week on that
		// is overdue (a risk reason), so with a threshold of 1 the case
		// is high-risk.
		c := auCase(h, t, wfClosedWithVictim)
		h.f.Clock.Advance(7 * 24 * time.Hour)
		p := map[string]string{"id": auPlan(h, t, c, 1).ID}
		second := auSecondAuditor(h, t)
		auMust(t)(h.f.Svc.AssignReview(ctx, h.f.Auditor, service.AssignReview{
			Audit: p["id"], Case: c.ID, Reviewer: second.ID()}))
		ac := auMust(t)(h.f.Svc.SubmitReview(ctx, second, service.ReviewSubmission{
			Audit: p["id"], Case: c.ID, Form: noConcernsForm}))
		if ac.Status != domain.AuditCaseAwaitingSignOff {
			t.Fatalf("prepared review is %s, want awaiting sign-off", ac.Status)
		}
		return c, p
	},
	"POST /api/v1/cases/{ref}/audit-findings/{finding}/answer": func(h *harness, t *testing.T, _ *domain.Case) (*domain.Case, map[string]string) {
		c := auCase(h, t, wfClosedWithVictim)
		au := auPlan(h, t, c, 0)
		c, f := auVictimFinding(h, t, au, c)
		return c, map[string]string{"finding": f}
	},
}

var auDays int

// auCase opens a referral reported on a day no other case was, allocates
// it to the investigator and closes it with close.
func auCase(h *harness, t *testing.T, close func(h *harness, t *testing.T, c *domain.Case) *domain.Case) *domain.Case {
	t.Helper()
	auDays++
	f := h.f
	c := wfMust(
		t,
	)(
		f.Svc.OpenReferral(
			ctx,
			f.Investigator,
			service.NewReferral{TeamID: f.TeamA, Summary: "Historic referral, for an audit",
				OffenceTypes: []string{
					"child_sexual_exploitation",
				}, ReportedAt: time.Date(2001, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, auDays)},
		),
	)
	c = wfMust(t)(f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
		OwnerID: f.Investigator.ID(), Reason: "allocation"}))
	return close(h, t, c)
}

// auDay is the day c was reported, as criteria write it.
func auDay(c *domain.Case) string { return c.ReportedAt.In(clock.London).Format(time.DateOnly) }

var noConcernsForm = domain.ReviewForm{
	VictimAccount:    domain.AccountNotApplicable,
	SuspectsPursued:  domain.PursuedNoSuspects,
	OutcomeJustified: domain.JustifiedYes,
	Summary:          "Closure justified: every line of enquiry followed to its end",
}

func auMust(t *testing.T) func(*domain.AuditCase, error) *domain.AuditCase {
	return func(ac *domain.AuditCase, err error) *domain.AuditCase {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ac
	}
}

// auPlan plans an audit of the cases reported the day c was: c alone.
func auPlan(h *harness, t *testing.T, c *domain.Case, highRisk int) *domain.Audit {
	t.Helper()
	day := auDay(c)
	au, err := h.f.Svc.CreateAudit(
		ctx,
		h.f.Auditor,
		service.NewAudit{Name: "Authorisation audit", Margin: 0.05, HighRiskScore: highRisk,
			Criteria: &domain.AuditCriteria{Name: "one day", ReportedFrom: day, ReportedTo: day}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(au.Cases) != 1 || au.Case(c.ID) == nil {
		t.Fatalf("the audit holds %d cases, want %s alone", len(au.Cases), c.Ref)
	}
	return au
}

var auAuditors int

// auSecondAuditor adds another auditor, for reviews the fixture's auditor
// then signs off.
func auSecondAuditor(h *harness, t *testing.T) *service.Actor {
	auAuditors++
	u, err := h.f.CreateApproved(
		ctx,
		service.NewUser{Username: fmt.Sprintf("auditor%d", auAuditors), Name: "Second Auditor", Collar: "A2",
			Rank: domain.RankStaff, UnitID: h.f.ForceID, Roles: []domain.Role{domain.RoleAuditor}, Password: fixture.Password},
	)
	if err != nil {
		t.Fatal(err)
	}
	return &service.Actor{User: *u}
}

// auVictimFinding has the fixture's auditor review c with a finding that
// recommends contact with the victim: a duty of the owner.
func auVictimFinding(h *harness, t *testing.T, au *domain.Audit, c *domain.Case) (*domain.Case, string) {
	t.Helper()
	auMust(t)(h.f.Svc.AssignReview(ctx, h.f.Auditor, service.AssignReview{
		Audit: au.ID, Case: c.ID, Reviewer: h.f.Auditor.ID()}))
	form := noConcernsForm
	form.VictimAccount, form.OutcomeJustified = domain.AccountBestPractice, domain.JustifiedPartly
	ac := auMust(t)(h.f.Svc.SubmitReview(ctx, h.f.Auditor, service.ReviewSubmission{
		Audit: au.ID, Case: c.ID, Form: form, Findings: []service.NewAuditFinding{
			{
				Kind:     "victim_not_updated",
				Severity: domain.SeverityMedium,
				Detail:   "The victim was not told of the outcome's reasons",
				Action:   domain.ActionVictimContact,
			}}}))
	c, err := h.db.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, ac.Review.Findings[0].ID
}

// TestAuditOverHTTP: an audit planned, triaged, reviewed and reported over
// HTTP; a finding's duty shows in the owner's work list and is met by the
// answer; the CSV export is served only to readers; bad input is a 422
// naming every field.
func TestAuditOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		c := wfClosedWithVictim(h, t, f.Allocated(t))
		var tri service.TriageResult
		h.json(
			h.do(f.Manager, "POST", "/api/v1/audits/triage", map[string]any{"preset": "routine"}),
			http.StatusOK,
			&tri,
		)
		if tri.Total != 1 || tri.Queue[0].Ref != c.Ref || len(tri.Queue[0].Reasons) == 0 {
			t.Fatalf("triage %+v", tri)
		}
		res := h.do(
			f.Auditor,
			"POST",
			"/api/v1/audits",
			map[string]any{"name": "", "margin": 0, "preset": "beaconport", "criteria": map[string]any{"name": "x"}},
		)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad plan: %d %s", res.status, res.body)
		}
		var fields []string
		for _, e := range res.problem(t).Errors {
			fields = append(fields, e.Field)
		}
		if strings.Join(fields, ",") != "preset,name,margin" {
			t.Errorf("bad plan names %v", fields)
		}
		var au domain.Audit
		h.json(
			h.do(
				f.Auditor,
				"POST",
				"/api/v1/audits",
				map[string]any{"name": "HTTP audit", "margin": 0.05, "seed": "http"},
			),
			http.StatusCreated,
			&au,
		)
		if au.Seed != "http" || len(au.Cases) != 1 {
			t.Fatalf("audit %+v", au)
		}
		base := "/api/v1/audits/" + au.ID + "/cases/" + request.PathRef(c.Ref)
		// The investigator owned the case and is no auditor: refused with
		// every reason.
		res = h.do(f.Auditor, "POST", base+"/assign", map[string]any{"reviewer": f.Investigator.ID()})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("conflicted assignment: %d %s", res.status, res.body)
		}
		var rules []string
		for _, e := range res.problem(t).Errors {
			rules = append(rules, e.Rule)
		}
		if strings.Join(rules, ",") != "not_auditor,coi_owner,coi_proposer" {
			t.Errorf("conflicted assignment refused for %v", rules)
		}
		h.json(
			h.do(f.Auditor, "POST", base+"/assign", map[string]any{"reviewer": f.Auditor.ID()}),
			http.StatusOK,
			&domain.AuditCase{},
		)
		var ac domain.AuditCase
		h.json(h.do(f.Auditor, "POST", base+"/review", map[string]any{
			"form": map[string]any{
				"victim_account":    "below_best_practice",
				"suspects_pursued":  "no_suspects",
				"outcome_justified": "partly",
				"summary":           "The account was taken late and not by a trained interviewer",
			},
			"findings": []map[string]any{
				{
					"kind":     "victim_account",
					"severity": "medium",
					"detail":   "No ABE interview by a trained officer",
					"action":   "victim_contact",
				},
			},
		}), http.StatusCreated, &ac)
		if ac.Status != domain.AuditCaseComplete || len(ac.Review.Findings) != 1 {
			t.Fatalf("review %+v", ac)
		}
		finding := ac.Review.Findings[0].ID
		var work []service.WorkItem
		h.json(h.do(f.Investigator, "GET", "/api/v1/me/work", nil), http.StatusOK, &work)
		found := false
		for _, wi := range work {
			if wi.Kind == duty.FindingResponse && wi.Subject == finding {
				found = wi.Says != "" && wi.CaseRef == c.Ref
			}
		}
		if !found {
			t.Fatalf("the finding's duty is not in the owner's work: %+v", work)
		}
		now, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		h.json(
			h.do(
				f.Investigator,
				"POST",
				"/api/v1/cases/"+request.PathRef(c.Ref)+"/audit-findings/"+finding+"/answer",
				map[string]any{
					"version": now.Version,
					"answer":  "Visited the victim; an ABE interview is booked",
				},
			),
			http.StatusOK,
			&domain.Case{},
		)
		h.json(h.do(f.Investigator, "GET", "/api/v1/me/work", nil), http.StatusOK, &work)
		for _, wi := range work {
			if wi.Subject == finding {
				t.Fatalf("the answered finding is still owed: %+v", wi)
			}
		}
		var rep service.AuditReport
		h.json(h.do(f.External, "GET", "/api/v1/audits/"+au.ID+"/report", nil), http.StatusOK, &rep)
		if rep.ErrorRate.Reviewed != 1 || rep.ErrorRate.Errors != 1 || rep.ErrorRate.High != 1 ||
			len(rep.Actions) != 1 ||
			rep.Actions[0].Answered.IsZero() {
			t.Errorf("report %+v", rep)
		}

		// The CSV export: readers only, a real CSV with the documented header.
		path := strings.ReplaceAll(api.AuditCSVPath, "{id}", au.ID)
		for role, a := range f.Actors() {
			res := h.do(a, "GET", path, nil)
			status, ct, body := res.status, res.header.Get("Content-Type"), string(res.body)
			if want := slices.Contains([]string{"auditor", "manager", "inspector"}, role); (status == http.StatusOK) != want {
				t.Errorf("export as %s: %d", role, status)
				continue
			} else if !want {
				if status != http.StatusForbidden {
					t.Errorf("export as %s refused with %d, want 403", role, status)
				}
				continue
			}
			if !strings.HasPrefix(ct, "text/csv") {
				t.Fatalf("export content type %q", ct)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil || len(rows) != 2 || !slices.Equal(rows[0], service.AuditCSVHeader) || rows[1][1] != c.Ref ||
				rows[1][17] != "Yes" {
				t.Fatalf("export %q: %v", body, err)
			}
		}
		if res := h.do(nil, "GET", path, nil); res.status != http.StatusUnauthorized {
			t.Errorf("anonymous export: %d", res.status)
		}
		if res := h.do(f.Auditor, "GET", strings.ReplaceAll(api.AuditCSVPath, "{id}", "no-such-audit"), nil); res.status != http.StatusNotFound {
			t.Errorf("export of no audit: %d", res.status)
		}
	})
}
