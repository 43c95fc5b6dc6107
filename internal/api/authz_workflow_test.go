package api_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// Who may call each workflow and decision endpoint, on a fresh allocated
// case of TeamA owned by the investigator and brought by workflowPrepare
// into the state the command needs.
func workflowAuthz(h *harness) map[string]entry {
	f := h.f
	writers := []string{"investigator", "supervisor", "manager"}
	liaison := append(writers[:3:3], "victim_liaison")
	supervisors := []string{"supervisor", "manager"}
	seeing := []string{"investigator", "supervisor", "manager", "auditor", "analyst", "victim_liaison", "inspector"}
	// The receiving team (TeamC) decides a transfer: its own supervisor
	// and a manager above both teams, never the sending team's sergeant.
	receivers := []string{"manager", "other_team"}
	v := func(extra map[string]any) func(c *domain.Case) any {
		return func(c *domain.Case) any {
			m := map[string]any{"version": c.Version}
			for k, x := range extra {
				m[k] = x
			}
			return m
		}
	}
	rat := map[string]any{"outcome": "18", "rationale": wfRationale}
	return map[string]entry{
		"POST /api/v1/cases/{ref}/actions/{action}/allocate": {
			writers,
			v(map[string]any{"to": f.Investigator2.ID()}),
		},
		"POST /api/v1/cases/{ref}/actions/{action}/result": {
			writers,
			v(map[string]any{"result": "Phone downloaded; nothing of note", "outcome": "nothing_found"}),
		},
		// Filing is the receiver's or office manager's (MIRSAP): a
		// supervisor or manager, never the officer in charge as such.
		"POST /api/v1/cases/{ref}/actions/{action}/file": {supervisors, v(nil)},
		"POST /api/v1/cases/{ref}/actions/{action}/refer-back": {
			writers,
			v(map[string]any{"direction": "Download the SIM card too"}),
		},
		"POST /api/v1/cases/{ref}/actions/{action}/cancel": {
			supervisors,
			v(map[string]any{"reason": "Duplicates action 2, which covers the same phone"}),
		},
		"GET /api/v1/cases/{ref}/standard-actions": {seeing, nil},
		"POST /api/v1/cases/{ref}/duties/{duty}/waive": {
			supervisors,
			v(map[string]any{"reason": "Plan agreed verbally at the strategy meeting"}),
		},
		"PUT /api/v1/cases/{ref}/victims/{victim}/contact-plan": {
			liaison,
			v(map[string]any{"every_days": 14, "method": "phone via mother"}),
		},
		"POST /api/v1/cases/{ref}/victims/{victim}/contacts": {
			liaison,
			v(map[string]any{"kind": domain.ContactUpdate, "method": "phone", "note": "told of progress"}),
		},
		"PUT /api/v1/cases/{ref}/victims/{victim}/view": {
			liaison,
			v(map[string]any{"view": "Wants it to stop; not ready for court"}),
		},
		"PUT /api/v1/cases/{ref}/people/{person}/details": {
			writers,
			v(map[string]any{"name": "Child B", "reason": "The name was misspelt when first recorded"}),
		},
		"POST /api/v1/cases/{ref}/suspects/{suspect}/status": {
			writers,
			v(map[string]any{"status": domain.SuspectArrested}),
		},
		"POST /api/v1/cases/{ref}/reviews": {
			supervisors,
			v(map[string]any{"summary": "Reviewed: proportionate", "directions": []string{"Check missing episodes"}}),
		},
		"PUT /api/v1/cases/{ref}/plan": {
			writers,
			v(map[string]any{"plan": "Secure digital evidence; safeguarding"}),
		},
		"POST /api/v1/cases/{ref}/decisions": {
			writers,
			v(map[string]any{"decision": "No arrest yet", "rationale": "Evidence first"}),
		},
		"POST /api/v1/cases/{ref}/transfer": {
			writers,
			v(map[string]any{"to_team": f.TeamB, "reason": "suspect lives in the south"}),
		},
		"POST /api/v1/cases/{ref}/transfer/accept": {
			receivers,
			v(map[string]any{"owner_id": f.OtherTeam.ID()}),
		},
		"POST /api/v1/cases/{ref}/transfer/reject": {
			receivers,
			v(map[string]any{"reason": "no capacity this month"}),
		},
		"GET /api/v1/cases/{ref}/closure/check":    {seeing, nil},
		"POST /api/v1/cases/{ref}/closure":         {writers, v(rat)},
		"POST /api/v1/cases/{ref}/closure/approve": {supervisors, v(nil)},
		"POST /api/v1/cases/{ref}/closure/reject": {
			supervisors,
			v(map[string]any{"reason": "Interview the school first"}),
		},
		// An auditor reopens by the audit route, outside the chain.
		"POST /api/v1/cases/{ref}/reopen": {
			append(supervisors[:2:2], "auditor"),
			v(map[string]any{"reason": "New evidence from the school"}),
		},
		"POST /api/v1/cases/{ref}/vrr": {
			liaison,
			func(c *domain.Case) any { return map[string]any{"version": c.Version, "victim_id": c.Victims[0].ID} },
		},
		"POST /api/v1/cases/{ref}/vrr/acknowledge": {supervisors, v(map[string]any{"reviewer": f.Manager.ID()})},
		// Only the named reviewer (the manager) decides.
		"POST /api/v1/cases/{ref}/vrr/decide": {
			[]string{"manager"},
			v(map[string]any{"decision": "not_upheld", "reasons": "The decision was sound"}),
		},
	}
}

// wfActionPrep prepares an action with prep and names it.
func wfActionPrep(prep func(h *harness, t *testing.T, c *domain.Case) *domain.Case) prepare {
	return func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		c = prep(h, t, c)
		return c, map[string]string{"action": c.Actions[len(c.Actions)-1].ID}
	}
}

// wfVictimPrep adds a victim and names it.
func wfVictimPrep(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
	c = wfVictim(h, t, c)
	return c, map[string]string{"victim": c.Victims[0].ID}
}

// wfState brings the case into a state with prep; the path needs nothing more.
func wfState(prep func(h *harness, t *testing.T, c *domain.Case) *domain.Case) prepare {
	return func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		return prep(h, t, c), nil
	}
}

// workflowPrepare brings a case into the state each workflow endpoint needs.
var workflowPrepare = map[string]prepare{
	"POST /api/v1/cases/{ref}/actions/{action}/allocate":   wfActionPrep(wfAction),
	"POST /api/v1/cases/{ref}/actions/{action}/result":     wfActionPrep(wfAllocatedAction),
	"POST /api/v1/cases/{ref}/actions/{action}/file":       wfActionPrep(wfResultedAction),
	"POST /api/v1/cases/{ref}/actions/{action}/refer-back": wfActionPrep(wfResultedAction),
	"POST /api/v1/cases/{ref}/actions/{action}/cancel":     wfActionPrep(wfAction),
	"POST /api/v1/cases/{ref}/duties/{duty}/waive": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		// An allocated case owes a plan and a review: the plan may be
		// waived (a review never is).
		for _, d := range c.OpenDuties() {
			if d.Kind == "investigation_plan" {
				return c, map[string]string{"duty": d.ID}
			}
		}
		t.Fatalf("an allocated case owes a plan: %+v", c.Duties)
		return c, nil
	},
	"PUT /api/v1/cases/{ref}/victims/{victim}/contact-plan": wfVictimPrep,
	"POST /api/v1/cases/{ref}/victims/{victim}/contacts":    wfVictimPrep,
	"PUT /api/v1/cases/{ref}/victims/{victim}/view":         wfVictimPrep,
	"PUT /api/v1/cases/{ref}/people/{person}/details": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		c = wfVictim(h, t, c)
		return c, map[string]string{"person": c.Victims[0].ID}
	},
	"POST /api/v1/cases/{ref}/suspects/{suspect}/status": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		c = wfMust(t)(h.f.Svc.AddSuspect(ctx, h.f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Adult X"}))
		return c, map[string]string{"suspect": c.Suspects[0].ID}
	},
	"POST /api/v1/cases/{ref}/transfer/accept": wfState(wfTransferToTeamC),
	"POST /api/v1/cases/{ref}/transfer/reject": wfState(wfTransferToTeamC),
	"POST /api/v1/cases/{ref}/closure":         wfState(wfReviewed),
	"POST /api/v1/cases/{ref}/closure/approve": wfState(wfProposed),
	"POST /api/v1/cases/{ref}/closure/reject":  wfState(wfProposed),
	"POST /api/v1/cases/{ref}/reopen":          wfState(wfClosed),
	"POST /api/v1/cases/{ref}/vrr":             wfState(wfClosedWithVictim),
	"POST /api/v1/cases/{ref}/vrr/acknowledge": wfState(wfVRRRequested),
	"POST /api/v1/cases/{ref}/vrr/decide":      wfState(wfVRRAcknowledged),
}

// wfRationale passes the closure gate's rationale rule.
var wfRationale = domain.Rationale{
	LinesConsidered: "Phone download, school enquiries, CCTV",
	WhyNoneRemain:   "Every line of enquiry is complete and filed",
	SuspectsStatus:  "No suspect has been identified",
	VictimView:      "The victim agrees the investigation can close",
}

// The wf* steps build state through the service, as the investigator,
// supervisor, inspector and liaison of TeamA would.

func wfMust(t *testing.T) func(*domain.Case, error) *domain.Case {
	return func(c *domain.Case, err error) *domain.Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func wfAction(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	return wfMust(t)(h.f.Svc.RaiseAction(ctx, h.f.Investigator, c.ID, service.NewAction{Version: c.Version,
		Title: "Download victim's phone"}))
}

func wfAllocatedAction(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	c = wfAction(h, t, c)
	return wfMust(t)(h.f.Svc.AllocateAction(ctx, h.f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
		Action: c.Actions[len(c.Actions)-1].ID, To: h.f.Investigator2.ID()}))
}

// wfResultedAction: resulted by the second investigator, so supervisors
// may file it and the owner may refer it back.
func wfResultedAction(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	c = wfAllocatedAction(h, t, c)
	return wfMust(t)(h.f.Svc.ResultAction(ctx, h.f.Investigator2, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
		Version: c.Version,
		Action:  c.Actions[len(c.Actions)-1].ID, Result: "Messages recovered"}))
}

func wfVictim(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	return wfMust(
		t,
	)(
		h.f.Svc.AddVictim(ctx, h.f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
			DateOfBirth: "2011-03-02"}),
	)
}

// wfVictimReady adds a victim whose account, contact and view the closure
// gate needs.
func wfVictimReady(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	f := h.f
	c = wfVictim(h, t, c)
	vid := c.Victims[len(c.Victims)-1].ID
	c = wfMust(t)(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: vid,
		Kind: domain.ContactAccount, Method: "ABE interview", Note: "account recorded"}))
	return wfMust(
		t,
	)(
		f.Svc.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: vid,
			View: "Does not want to go to court"}),
	)
}

func wfReviewedBy(h *harness, t *testing.T, c *domain.Case, by *service.Actor) *domain.Case {
	return wfMust(t)(h.f.Svc.RecordReview(ctx, by, c.ID, service.RecordReview{Version: c.Version,
		Summary: "Reviewed: all enquiries complete"}))
}

func wfReviewed(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	return wfReviewedBy(h, t, c, h.f.Supervisor)
}

// wfProposed: a closure with outcome 18 proposed by the investigator. With
// no victim or named suspect a sergeant may approve it.
func wfProposed(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	c = wfReviewed(h, t, c)
	return wfMust(t)(h.f.Svc.ProposeClosure(ctx, h.f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "18", Rationale: wfRationale}))
}

func wfClosed(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	c = wfProposed(h, t, c)
	return wfMust(t)(h.f.Svc.ApproveClosure(ctx, h.f.Supervisor, c.ID, service.ApproveClosure{Version: c.Version}))
}

// wfClosedWithVictimBy closes a case with a child victim: reviewed by
// reviewer, proposed by the investigator, approved by the inspector (the
// rank a sensitive closure needs).
func wfClosedWithVictimBy(h *harness, t *testing.T, c *domain.Case, reviewer *service.Actor) *domain.Case {
	f := h.f
	c = wfVictimReady(h, t, c)
	c = wfReviewedBy(h, t, c, reviewer)
	c = wfMust(t)(f.Svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "18", Rationale: wfRationale}))
	return wfMust(t)(f.Svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
}

func wfClosedWithVictim(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	return wfClosedWithVictimBy(h, t, c, h.f.Supervisor)
}

func wfVRRRequested(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	c = wfClosedWithVictim(h, t, c)
	return wfMust(t)(h.f.Svc.RequestVRR(ctx, h.f.Liaison, c.ID, service.RequestVRR{Version: c.Version,
		VictimID: c.Victims[0].ID}))
}

// wfVRRAcknowledged names the manager, senior to the inspector who closed
// the case and not involved in it, as reviewer.
func wfVRRAcknowledged(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	c = wfVRRRequested(h, t, c)
	return wfMust(t)(h.f.Svc.AcknowledgeVRR(ctx, h.f.Inspector, c.ID, service.AcknowledgeVRR{Version: c.Version,
		Reviewer: h.f.Manager.ID()}))
}

// wfTransferToTeamC offers the case to MIT, whose supervisor is other_team.
func wfTransferToTeamC(h *harness, t *testing.T, c *domain.Case) *domain.Case {
	return wfMust(t)(h.f.Svc.ProposeTransfer(ctx, h.f.Investigator, c.ID, service.ProposeTransfer{Version: c.Version,
		ToTeam: h.f.TeamC, Reason: "suspect is part of an MIT operation"}))
}
