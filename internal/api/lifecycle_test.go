package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// flow drives one case over HTTP, sending the version it last saw with
// every command, as a client would.
type flow struct {
	h *harness
	t *testing.T
	c *domain.Case
}

// path is the case's path with suffix.
func (w *flow) path(suffix string) string {
	return "/api/v1/cases/" + request.PathRef(w.c.Ref) + suffix
}

// send sends a command with the last version seen and requires want; on
// success the case in the response becomes the one seen.
func (w *flow) send(a *service.Actor, method, suffix string, body map[string]any, want int) response {
	w.t.Helper()
	if _, ok := w.h.tokens[a]; !ok { // the fixture's extra officers
		tok, err := w.h.f.Svc.CreateToken(ctx, a, "test")
		if err != nil {
			w.t.Fatal(err)
		}
		w.h.tokens[a] = tok
	}
	m := map[string]any{"version": w.c.Version}
	for k, v := range body {
		m[k] = v
	}
	res := w.h.do(a, method, w.path(suffix), m)
	if res.status != want {
		w.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, suffix, a.User.Username, res.status, want, res.body)
	}
	if want < 300 {
		w.c = decodeCase(w.t, res)
	}
	return res
}

// refused sends a command that must be refused by a gate (422) and
// returns the rule of every reason given, having checked nothing was
// written.
func (w *flow) refused(a *service.Actor, method, suffix string, body map[string]any) []string {
	w.t.Helper()
	before, _ := testdb.RecordEvents(ctx, w.h.db)
	res := w.send(a, method, suffix, body, 422)
	if after, _ := testdb.RecordEvents(ctx, w.h.db); after != before {
		w.t.Fatalf("a refused command wrote %d events", after-before)
	}
	return problemRules(w.t, res)
}

func problemRules(t *testing.T, res response) []string {
	t.Helper()
	p := res.problem(t)
	if p.Status != res.status || p.Title == "" || p.Detail == "" || !strings.HasSuffix(p.Type, "/refused") {
		t.Errorf("problem lacks type/title/detail/status: %+v", p)
	}
	var rules []string
	for _, e := range p.Errors {
		if e.Rule == "" || e.Message == "" {
			t.Errorf("a reason lacks its rule or message: %+v", e)
		}
		rules = append(rules, e.Rule)
	}
	return rules
}

// TestLifecycleOverHTTP runs a case from referral to a transfer accepted
// by the receiving team, over the API alone, on both engines.
func TestLifecycleOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		res := h.do(
			f.Investigator,
			"POST",
			"/api/v1/cases",
			service.NewReferral{
				TeamID:       f.TeamA,
				Summary:      "School referral: 13-year-old with older 'boyfriend'",
				OffenceTypes: []string{"child_sexual_exploitation"},
				Source:       "school",
			},
		)
		if res.status != 201 {
			t.Fatalf("open referral: %d %s", res.status, res.body)
		}
		w := &flow{h: h, t: t, c: decodeCase(t, res)}
		w.send(
			f.Supervisor,
			"POST",
			"/owner",
			map[string]any{"owner_id": f.Investigator.ID(), "reason": "allocation"},
			200,
		)
		w.send(f.Investigator, "POST", "/victims", map[string]any{"name": "Child A", "dob": "2012-05-06"}, 201)
		victim := w.c.Victims[0].ID
		w.send(f.Investigator, "POST", "/actions", map[string]any{"title": "Download victim's phone"}, 201)
		action := "/actions/" + w.c.Actions[0].ID
		w.send(f.Investigator, "POST", action+"/allocate", map[string]any{"to": f.Investigator2.ID()}, 200)
		if a := w.c.Actions[0]; a.State != domain.ActionStateAllocated || a.AllocatedTo != f.Investigator2.ID() {
			t.Fatalf("action after allocation: %+v", a)
		}

		// Closing with the action open is refused with every reason at once.
		got := w.refused(f.Investigator, "POST", "/closure", map[string]any{"outcome": "18"})
		want := []string{
			"rationale",
			"rationale",
			"rationale",
			"rationale",
			"actions_filed",
			"victim_account",
			"victim_contact",
			"victim_view",
			"supervised",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("refusal gave rules %v, want %v", got, want)
		}
		// The checklist shows the same reasons without writing the proposal.
		var check api.ClosureCheck
		res = h.do(f.Investigator, "GET", w.path("/closure/check?outcome=18"), nil)
		if err := json.Unmarshal(res.body, &check); res.status != 200 || err != nil {
			t.Fatalf("closure check: %d %v %s", res.status, err, res.body)
		}
		if check.Ready || len(check.Reasons) != len(want) {
			t.Fatalf("closure check: %+v, want the %d reasons of the refusal", check, len(want))
		}

		// Do the work: result the action, file it with a second pair of eyes.
		w.send(
			f.Investigator2,
			"POST",
			action+"/result",
			map[string]any{"result": "Messages recovered; suspect's number identified", "outcome": "completed",
				"reference": "EX/IV/1"},
			200,
		)
		// Neither the officer who resulted it nor the officer in charge
		// files it: a supervisor reads the result first (MIRSAP).
		w.send(f.Investigator2, "POST", action+"/file", nil, 403)
		w.send(f.Investigator, "POST", action+"/file", nil, 403)
		w.send(f.Supervisor, "POST", action+"/file", nil, 200)
		victimPath := "/victims/" + victim
		w.send(
			f.Liaison,
			"POST",
			victimPath+"/contacts",
			map[string]any{"kind": domain.ContactAccount, "method": "ABE interview", "note": "account recorded"},
			201,
		)
		w.send(
			f.Liaison,
			"PUT",
			victimPath+"/contact-plan",
			map[string]any{"every_days": 14, "method": "phone via mother"},
			200,
		)
		w.send(
			f.Liaison,
			"PUT",
			victimPath+"/view",
			map[string]any{"view": "Wants it to stop; does not want to go to court"},
			200,
		)
		w.send(f.Investigator, "PUT", "/plan", map[string]any{"plan": "Secure digital evidence; safeguarding"}, 200)
		w.send(
			f.Investigator,
			"POST",
			"/decisions",
			map[string]any{"decision": "No arrest", "rationale": "No suspect identified from the download"},
			201,
		)
		w.send(f.Supervisor, "POST", "/reviews", map[string]any{"summary": "Reviewed: enquiries complete"}, 201)

		// Propose as the inspector; the proposer cannot also approve, nor
		// can a sergeant approve a closure with a child victim.
		closure := map[string]any{"outcome": "18", "rationale": wfRationale}
		w.send(f.Inspector, "POST", "/closure", closure, 201)
		if got := w.refused(f.Inspector, "POST", "/closure/approve", nil); !slices.Equal(
			got,
			[]string{"second_person"},
		) {
			t.Fatalf("approval by the proposer: rules %v, want [second_person]", got)
		}
		if got := w.refused(f.Supervisor, "POST", "/closure/approve", nil); !slices.Equal(
			got,
			[]string{"approver_rank"},
		) {
			t.Fatalf("approval by a sergeant: rules %v, want [approver_rank]", got)
		}
		w.send(f.Manager, "POST", "/closure/approve", nil, 200)
		if w.c.Status != domain.StatusClosed || w.c.Closure == nil || w.c.Closure.ApprovedBy != f.Manager.ID() {
			t.Fatalf("approval must close the case: %s %+v", w.c.Status, w.c.Closure)
		}

		w.send(f.Supervisor, "POST", "/reopen", map[string]any{"reason": "The school has passed on new messages"}, 200)
		if w.c.Status != domain.StatusOpen || w.c.Reopened != 1 {
			t.Fatalf("reopen: status %s, reopened %d", w.c.Status, w.c.Reopened)
		}

		// Transfer to MIT: the sender stays accountable until the receiving
		// team accepts; the sending team's sergeant cannot accept for them.
		w.send(
			f.Investigator,
			"POST",
			"/transfer",
			map[string]any{"to_team": f.TeamC, "reason": "suspect is part of an MIT operation"},
			201,
		)
		if w.c.Transfer == nil || w.c.TeamID != f.TeamA || w.c.OwnerID != f.Investigator.ID() {
			t.Fatalf("a proposed transfer must leave the case with its sender: %+v", w.c.Transfer)
		}
		w.send(f.Supervisor, "POST", "/transfer/accept", map[string]any{"owner_id": f.Supervisor.ID()}, 403)
		w.send(f.OtherTeam, "POST", "/transfer/accept", map[string]any{"owner_id": f.OtherTeam.ID()}, 200)
		if w.c.TeamID != f.TeamC || w.c.OwnerID != f.OtherTeam.ID() || w.c.Transfer != nil {
			t.Fatalf("accepted transfer: team %s owner %s transfer %+v", w.c.TeamID, w.c.OwnerID, w.c.Transfer)
		}
		if res := h.do(f.OtherTeam, "GET", w.path(""), nil); res.status != 200 {
			t.Fatalf("the receiving team cannot see its case: %d", res.status)
		}
	})
}

// gateRuleTests names the HTTP test of every gate rule.
var gateRuleTests = map[string]func(*testing.T){
	"outcome_code":     TestClosureRefused_UnknownOutcome,
	"rationale":        TestClosureRefused_NoRationale,
	"actions_filed":    TestClosureRefused_OpenActions,
	"suspects_pursued": TestClosureRefused_SuspectNotInterviewed,
	"victim_account":   TestClosureRefused_NoVictimAccount,
	"victim_contact":   TestClosureRefused_VictimNotUpdated,
	"supervised":       TestClosureRefused_Unsupervised,
	"victim_view":      TestClosureRefused_NoVictimView,
	"outcome_date":     TestClosureRefused_OutcomeNotYetInForce,
	"outcome_fits":     TestClosureRefused_OutcomeNotForTheOffences,
	"second_person":    TestApprovalRefused_Proposer,
	"approver_rank":    TestApprovalRefused_RankTooLow,
	"approver_chain":   TestApprovalRefused_OutsideChain,
	"transfer_target":  TestTransferRefused_NotATeam,
	"transfer_reason":  TestTransferRefused_NoReason,
	"reopen_reason":    TestReopenRefused_NoReason,
	"vrr_rank":         TestVRRRefused_ReviewerNotSenior,
	"vrr_independent":  TestVRRRefused_ReviewerInvolved,
}

// TestEveryGateRuleRefusedOverHTTP: a new rule in internal/gate needs a
// test here.
func TestEveryGateRuleRefusedOverHTTP(t *testing.T) {
	for _, r := range gate.Rules {
		if gateRuleTests[r.ID] == nil {
			t.Errorf("gate rule %s (%s) has no HTTP test: add one to gateRuleTests", r.ID, r.Prevents)
		}
	}
}

// refusedFor runs setup on a fresh allocated case of TeamA, then sends the
// command, which must be refused naming rule, on both engines.
func refusedFor(
	t *testing.T,
	rule string,
	setup func(h *harness, t *testing.T, c *domain.Case) *domain.Case,
	a func(f *fixture.Force) *service.Actor,
	method, suffix string,
	body func(h *harness, c *domain.Case) map[string]any,
) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		if setup != nil {
			c = setup(h, t, c)
		}
		w := &flow{h: h, t: t, c: c}
		var b map[string]any
		if body != nil {
			b = body(h, c)
		}
		if got := w.refused(a(h.f), method, suffix, b); !slices.Contains(got, rule) {
			t.Fatalf("refusal names rules %v, want %s", got, rule)
		}
	})
}

func investigator(f *fixture.Force) *service.Actor { return f.Investigator }

func propose(outcome string, rat domain.Rationale) func(*harness, *domain.Case) map[string]any {
	return func(*harness, *domain.Case) map[string]any {
		return map[string]any{"outcome": outcome, "rationale": rat}
	}
}

func TestClosureRefused_UnknownOutcome(t *testing.T) {
	refusedFor(t, "outcome_code", wfReviewed, investigator, "POST", "/closure", propose("99", wfRationale))
}

func TestClosureRefused_NoRationale(t *testing.T) {
	refusedFor(
		t,
		"rationale",
		wfReviewed,
		investigator,
		"POST",
		"/closure",
		propose("18", domain.Rationale{WhyNoneRemain: "done"}),
	)
}

func TestClosureRefused_OpenActions(t *testing.T) {
	refusedFor(t, "actions_filed", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		return wfReviewed(h, t, wfAllocatedAction(h, t, c))
	}, investigator, "POST", "/closure", propose("18", wfRationale))
}

func TestClosureRefused_SuspectNotInterviewed(t *testing.T) {
	refusedFor(t, "suspects_pursued", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfMust(t)(h.f.Svc.AddSuspect(ctx, h.f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Adult X"}))
		return wfReviewed(h, t, c)
	}, investigator, "POST", "/closure", propose("18", wfRationale))
}

func TestClosureRefused_NoVictimAccount(t *testing.T) {
	refusedFor(t, "victim_account", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		return wfReviewed(h, t, wfVictim(h, t, c))
	}, investigator, "POST", "/closure", propose("18", wfRationale))
}

func TestClosureRefused_VictimNotUpdated(t *testing.T) {
	refusedFor(t, "victim_contact", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfVictimReady(h, t, c)
		h.f.Clock.Advance(29 * 24 * time.Hour) // past the default 28 days
		return wfReviewed(h, t, c)
	}, investigator, "POST", "/closure", propose("18", wfRationale))
}

func TestClosureRefused_Unsupervised(t *testing.T) {
	refusedFor(t, "supervised", nil, investigator, "POST", "/closure", propose("18", wfRationale))
}

func TestClosureRefused_NoVictimView(t *testing.T) {
	refusedFor(t, "victim_view", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfVictim(h, t, c)
		c = wfMust(t)(h.f.Svc.RecordContact(ctx, h.f.Liaison, c.ID, service.RecordContact{Version: c.Version,
			Victim: c.Victims[0].ID, Kind: domain.ContactAccount, Method: "ABE interview", Note: "account recorded"}))
		return wfReviewed(h, t, c)
	}, investigator, "POST", "/closure", propose("18", wfRationale))
}

// Outcome 22 exists from 1 April 2019: a closure dated before then (as a
// case recorded late would be) cannot use it.
func TestClosureRefused_OutcomeNotYetInForce(t *testing.T) {
	refusedFor(t, "outcome_date", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfReviewed(h, t, c)
		now := h.f.Clock.Now()
		h.f.Clock.Set(time.Date(2019, 3, 29, 12, 0, 0, 0, time.UTC))
		t.Cleanup(func() { h.f.Clock.Set(now) })
		return c
	}, investigator, "POST", "/closure", propose("22", wfRationale))
}

// A cannabis warning (outcome 7) cannot close a child sexual exploitation
// case, however ready it is otherwise.
func TestClosureRefused_OutcomeNotForTheOffences(t *testing.T) {
	refusedFor(t, "outcome_fits", wfReviewed, investigator, "POST", "/closure", propose("7", wfRationale))
}

func TestApprovalRefused_Proposer(t *testing.T) {
	refusedFor(t, "second_person", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfReviewed(h, t, c)
		return wfMust(t)(h.f.Svc.ProposeClosure(ctx, h.f.Supervisor, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "18", Rationale: wfRationale}))
	}, func(f *fixture.Force) *service.Actor { return f.Supervisor }, "POST", "/closure/approve", nil)
}

// A child victim makes the closure sensitive: outcome 18 then needs an
// inspector, and the team's sergeant is refused.
func TestApprovalRefused_RankTooLow(t *testing.T) {
	refusedFor(t, "approver_rank", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfReviewed(h, t, wfVictimReady(h, t, c))
		return wfMust(t)(h.f.Svc.ProposeClosure(ctx, h.f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "18", Rationale: wfRationale}))
	}, func(f *fixture.Force) *service.Actor { return f.Supervisor }, "POST", "/closure/approve", nil)
}

// TestApprovalRefused_OutsideChain: a supervisor outside the case's chain of
// command is refused before the gate is reached — authorisation checks the
// same chain (service.Actor.mayDo) and need-to-know comes before it, so
// the approver_chain rule is a second line no person's request gets to.
// Here it is the supervisor of the team a transfer offers the case to.
func TestApprovalRefused_OutsideChain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := wfTransferToTeamC(h, t, wfProposed(h, t, h.f.Allocated(t)))
		before, _ := testdb.RecordEvents(ctx, db)
		res := h.do(
			h.f.OtherTeam,
			"POST",
			"/api/v1/cases/"+request.PathRef(c.Ref)+"/closure/approve",
			map[string]any{"version": c.Version},
		)
		if res.status != 403 && res.status != 404 {
			t.Fatalf("approval from outside the chain: status %d, want 403 or 404: %s", res.status, res.body)
		}
		if p := res.problem(t); p.Status != res.status || p.Detail == "" {
			t.Fatalf("refusal does not say why: %+v", p)
		}
		if after, _ := testdb.RecordEvents(ctx, db); after != before {
			t.Fatalf("a refused approval wrote %d events", after-before)
		}
	})
}

func TestTransferRefused_NotATeam(t *testing.T) {
	refusedFor(
		t,
		"transfer_target",
		nil,
		investigator,
		"POST",
		"/transfer",
		func(h *harness, _ *domain.Case) map[string]any {
			return map[string]any{"to_team": h.f.DeptID, "reason": "department to decide"}
		},
	)
}

func TestTransferRefused_NoReason(t *testing.T) {
	refusedFor(
		t,
		"transfer_reason",
		nil,
		investigator,
		"POST",
		"/transfer",
		func(h *harness, _ *domain.Case) map[string]any {
			return map[string]any{"to_team": h.f.TeamB, "reason": " "}
		},
	)
}

func TestReopenRefused_NoReason(t *testing.T) {
	refusedFor(
		t,
		"reopen_reason",
		wfClosed,
		func(f *fixture.Force) *service.Actor { return f.Supervisor },
		"POST",
		"/reopen",
		func(*harness, *domain.Case) map[string]any {
			return map[string]any{"reason": "because"}
		},
	)
}

// The inspector closed the case; a constable cannot review that decision.
func TestVRRRefused_ReviewerNotSenior(t *testing.T) {
	refusedFor(
		t,
		"vrr_rank",
		wfVRRRequested,
		func(f *fixture.Force) *service.Actor { return f.Inspector },
		"POST",
		"/vrr/acknowledge",
		func(h *harness, _ *domain.Case) map[string]any {
			return map[string]any{"reviewer": h.f.Investigator2.ID()}
		},
	)
}

// The manager is senior enough but reviewed the case before it closed.
func TestVRRRefused_ReviewerInvolved(t *testing.T) {
	refusedFor(t, "vrr_independent", func(h *harness, t *testing.T, c *domain.Case) *domain.Case {
		c = wfClosedWithVictimBy(h, t, c, h.f.Manager)
		return wfMust(t)(h.f.Svc.RequestVRR(ctx, h.f.Liaison, c.ID, service.RequestVRR{Version: c.Version,
			VictimID: c.Victims[0].ID}))
	}, func(f *fixture.Force) *service.Actor { return f.Inspector }, "POST", "/vrr/acknowledge", func(h *harness, _ *domain.Case) map[string]any {
		return map[string]any{"reviewer": h.f.Manager.ID()}
	})
}
