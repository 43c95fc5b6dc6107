package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// Bodies of the workflow and decision commands. JSON names follow the
// field names the service uses in its refusals, so a client can put each
// reason next to the input it is about. The action, victim or suspect a
// command is about is in the path.

type allocateIn struct {
	Versioned
	To     string `json:"to"`               // user id of the officer
	Target string `json:"target,omitempty"` // YYYY-MM-DD; default: the policy's action target
}

type resultIn struct {
	Versioned
	Result string `json:"result"`
}

type fileIn struct {
	Versioned
}

type referBackIn struct {
	Versioned
	Direction string `json:"direction"`
}

type reasonIn struct {
	Versioned
	Reason string `json:"reason"`
}

type contactPlanIn struct {
	Versioned
	EveryDays int    `json:"every_days"`
	Method    string `json:"method"`
}

type contactIn struct {
	Versioned
	Kind   string `json:"kind"`
	Method string `json:"method,omitempty"`
	Note   string `json:"note,omitempty"`
}

type viewIn struct {
	Versioned
	View string `json:"view"`
}

type suspectStatusIn struct {
	Versioned
	Status      domain.SuspectStatus `json:"status"`
	On          string               `json:"on,omitempty"` // YYYY-MM-DD; default: today
	Explanation string               `json:"explanation,omitempty"`
}

type reviewIn struct {
	Versioned
	Summary    string   `json:"summary"`
	Directions []string `json:"directions,omitempty"` // each becomes a high-priority action
}

type planIn struct {
	Versioned
	Plan string `json:"plan"`
}

type decisionIn struct {
	Versioned
	Decision  string `json:"decision"`
	Rationale string `json:"rationale"`
}

type transferIn struct {
	Versioned
	ToTeam string `json:"to_team"`
	Reason string `json:"reason"`
}

type acceptIn struct {
	Versioned
	OwnerID string `json:"owner_id"` // the new owner, in the receiving team
}

type approveIn struct {
	Versioned
}

type vrrIn struct {
	Versioned
	VictimID   string `json:"victim_id"`
	LateReason string `json:"late_reason,omitempty"`
}

type acknowledgeIn struct {
	Versioned
	Reviewer string `json:"reviewer"` // user id: senior to the decision-maker, not involved
}

type vrrDecisionIn struct {
	Versioned
	Decision string `json:"decision"` // upheld | not_upheld
	Reasons  string `json:"reasons"`
}

// ClosureCheck is every reason a case could not close now with the
// proposal given; empty reasons mean the gate would let it through.
type ClosureCheck struct {
	Ready   bool             `json:"ready"`
	Reasons []domain.Problem `json:"reasons"`
}

// workflowRoutes are the workflow and decision commands: actions, victims,
// suspects, supervision, transfers, closure, reopening and the Victims'
// Right to Review. Every gate refusal is a 422 problem listing every reason
// (see problem.go).
func (s *Server) workflowRoutes() []route {
	svc := s.svc
	return []route{
		// Lines of enquiry.
		op("POST", "/api/v1/cases/{ref}/actions/{action}/allocate", "Allocate a line of enquiry to an officer with a target date (investigator, supervisor or manager in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "action", func(in *allocateIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, action string, in *allocateIn) (*domain.Case, error) {
					return svc.AllocateAction(ctx, a, id, service.AllocateAction{Version: v, Action: action, To: in.To, Target: in.Target})
				})),
		op("POST", "/api/v1/cases/{ref}/actions/{action}/result", "Record what an allocated line of enquiry found (investigator, supervisor or manager in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "action", func(in *resultIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, action string, in *resultIn) (*domain.Case, error) {
					return svc.ResultAction(ctx, a, id, service.ResultAction{Version: v, Action: action, Result: in.Result})
				})),
		op("POST", "/api/v1/cases/{ref}/actions/{action}/file", "File a resulted action after review (the officer in charge or a supervisor or manager in the chain of command; never the officer who resulted it)", http.StatusOK,
			itemCmd(svc, "action", func(in *fileIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, action string, _ *fileIn) (*domain.Case, error) {
					return svc.FileAction(ctx, a, id, service.FileAction{Version: v, Action: action})
				})),
		op("POST", "/api/v1/cases/{ref}/actions/{action}/refer-back", "Return a resulted action to its officer with a direction (investigator, supervisor or manager in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "action", func(in *referBackIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, action string, in *referBackIn) (*domain.Case, error) {
					return svc.ReferBackAction(ctx, a, id, service.ReferBackAction{Version: v, Action: action, Direction: in.Direction})
				})),
		op("POST", "/api/v1/cases/{ref}/actions/{action}/cancel", "Cancel a line of enquiry with a reason (supervisor or manager in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "action", func(in *reasonIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, action string, in *reasonIn) (*domain.Case, error) {
					return svc.CancelAction(ctx, a, id, service.CancelAction{Version: v, Action: action, Reason: in.Reason})
				})),
		op("GET", "/api/v1/cases/{ref}/standard-actions", "The policy's standard actions this case has not raised yet; raise one with POST .../actions and \"standard\": key (anyone who may see the case)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) ([]policy.StandardAction, error) {
				c, err := svc.ViewCase(ctx, a, request.RefOf(r), "standard actions")
				if err != nil {
					return nil, err
				}
				out := svc.OfferedActions(c)
				if out == nil {
					out = []policy.StandardAction{}
				}
				return out, nil
			}),
		op("POST", "/api/v1/cases/{ref}/duties/{duty}/waive", "Waive one open duty with a reason (supervisor or manager in the case's chain of command; never the case's last open duty, a referral's allocation or a supervisory review)", http.StatusOK,
			itemCmd(svc, "duty", func(in *reasonIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, duty string, in *reasonIn) (*domain.Case, error) {
					return svc.WaiveDuty(ctx, a, id, service.WaiveDuty{Version: v, Duty: duty, Reason: in.Reason})
				})),

		// Victims and suspects.
		op("PUT", "/api/v1/cases/{ref}/victims/{victim}/contact-plan", "Agree how often and how a victim is updated (investigator, supervisor, manager or victim liaison in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "victim", func(in *contactPlanIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, victim string, in *contactPlanIn) (*domain.Case, error) {
					return svc.AgreeContactPlan(ctx, a, id, service.AgreeContactPlan{Version: v, Victim: victim, EveryDays: in.EveryDays, Method: in.Method})
				})),
		op("POST", "/api/v1/cases/{ref}/victims/{victim}/contacts", "Record a contact with a victim, also on a closed case (investigator, supervisor, manager or victim liaison in the case's chain of command)", http.StatusCreated,
			itemCmd(svc, "victim", func(in *contactIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, victim string, in *contactIn) (*domain.Case, error) {
					return svc.RecordContact(ctx, a, id, service.RecordContact{Version: v, Victim: victim, Kind: in.Kind, Method: in.Method, Note: in.Note})
				})),
		op("PUT", "/api/v1/cases/{ref}/victims/{victim}/view", "Record the victim's view of the proposed outcome (investigator, supervisor, manager or victim liaison in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "victim", func(in *viewIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, victim string, in *viewIn) (*domain.Case, error) {
					return svc.RecordVictimView(ctx, a, id, service.RecordVictimView{Version: v, Victim: victim, View: in.View})
				})),
		op("POST", "/api/v1/cases/{ref}/suspects/{suspect}/status", "Record a suspect reaching a status on a date (investigator, supervisor or manager in the case's chain of command)", http.StatusOK,
			itemCmd(svc, "suspect", func(in *suspectStatusIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, suspect string, in *suspectStatusIn) (*domain.Case, error) {
					return svc.SetSuspectStatus(ctx, a, id, service.SetSuspectStatus{Version: v, Suspect: suspect, Status: in.Status, On: in.On, Explanation: in.Explanation})
				})),

		// Supervision and the decision log.
		op("POST", "/api/v1/cases/{ref}/reviews", "Record a supervisory review; each direction becomes an action (supervisor or manager in the case's chain of command, not the officer in charge)", http.StatusCreated,
			caseCmd(svc, func(in *reviewIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *reviewIn) (*domain.Case, error) {
					return svc.RecordReview(ctx, a, id, service.RecordReview{Version: v, Summary: in.Summary, Directions: in.Directions})
				})),
		op("PUT", "/api/v1/cases/{ref}/plan", "Set the investigation plan (investigator, supervisor or manager in the case's chain of command)", http.StatusOK,
			caseCmd(svc, func(in *planIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *planIn) (*domain.Case, error) {
					return svc.SetPlan(ctx, a, id, service.SetPlan{Version: v, Plan: in.Plan})
				})),
		op("POST", "/api/v1/cases/{ref}/decisions", "Add a decision with its rationale to the decision log (investigator, supervisor or manager in the case's chain of command)", http.StatusCreated,
			caseCmd(svc, func(in *decisionIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *decisionIn) (*domain.Case, error) {
					return svc.RecordDecision(ctx, a, id, service.RecordDecision{Version: v, Decision: in.Decision, Rationale: in.Rationale})
				})),

		// Transfers.
		op("POST", "/api/v1/cases/{ref}/transfer", "Propose transferring the case to another team, with a reason (investigator, supervisor or manager in the case's chain of command)", http.StatusCreated,
			caseCmd(svc, func(in *transferIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *transferIn) (*domain.Case, error) {
					return svc.ProposeTransfer(ctx, a, id, service.ProposeTransfer{Version: v, ToTeam: in.ToTeam, Reason: in.Reason})
				})),
		op("POST", "/api/v1/cases/{ref}/transfer/accept", "Accept a proposed transfer and name the new owner (supervisor or manager in the receiving team's chain of command)", http.StatusOK,
			caseCmd(svc, func(in *acceptIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *acceptIn) (*domain.Case, error) {
					return svc.AcceptTransfer(ctx, a, id, service.AcceptTransfer{Version: v, OwnerID: in.OwnerID})
				})),
		op("POST", "/api/v1/cases/{ref}/transfer/reject", "Reject a proposed transfer with a reason (supervisor or manager in the receiving team's chain of command)", http.StatusOK,
			caseCmd(svc, func(in *reasonIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *reasonIn) (*domain.Case, error) {
					return svc.RejectTransfer(ctx, a, id, service.RejectTransfer{Version: v, Reason: in.Reason})
				})),

		// Closure.
		op("GET", "/api/v1/cases/{ref}/closure/check", "Every reason the case could not close now (query: outcome, lines_considered, why_none_remain, suspects_status, victim_view); writes nothing but the read (anyone who may see the case)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (ClosureCheck, error) {
				q := r.URL.Query()
				reasons, err := svc.CheckClosure(ctx, a, request.RefOf(r), service.ClosureProposal{
					Outcome: q.Get("outcome"), Rationale: domain.Rationale{
						LinesConsidered: q.Get("lines_considered"), WhyNoneRemain: q.Get("why_none_remain"),
						SuspectsStatus: q.Get("suspects_status"), VictimView: q.Get("victim_view")}})
				if err != nil {
					return ClosureCheck{}, err
				}
				if reasons == nil {
					reasons = domain.Problems{}
				}
				return ClosureCheck{Ready: len(reasons) == 0, Reasons: reasons}, nil
			}),
		op("POST", "/api/v1/cases/{ref}/closure", "Propose closing the case with an outcome code and rationale; refused with every reason the gate finds (investigator, supervisor or manager in the case's chain of command)", http.StatusCreated,
			caseCmd(svc, func(in *service.ClosureProposal) Versioned { return Versioned{Version: &in.Version} },
				func(ctx context.Context, a *service.Actor, id string, _ int64, in *service.ClosureProposal) (*domain.Case, error) {
					return svc.ProposeClosure(ctx, a, id, *in)
				})),
		op("POST", "/api/v1/cases/{ref}/closure/approve", "Approve the proposed closure and close the case (a supervisor or manager in the case's chain of command, of the rank policy requires, other than the proposer and the owner)", http.StatusOK,
			caseCmd(svc, func(in *approveIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, _ *approveIn) (*domain.Case, error) {
					return svc.ApproveClosure(ctx, a, id, service.ApproveClosure{Version: v})
				})),
		op("POST", "/api/v1/cases/{ref}/closure/reject", "Send a proposed closure back with what must be done first (supervisor or manager in the case's chain of command)", http.StatusOK,
			caseCmd(svc, func(in *reasonIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *reasonIn) (*domain.Case, error) {
					return svc.RejectClosure(ctx, a, id, service.RejectClosure{Version: v, Reason: in.Reason})
				})),
		op("POST", "/api/v1/cases/{ref}/reopen", "Reopen a closed case with a reason (supervisor or manager in the case's chain of command, or an auditor)", http.StatusOK,
			caseCmd(svc, func(in *reasonIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *reasonIn) (*domain.Case, error) {
					return svc.Reopen(ctx, a, id, service.Reopen{Version: v, Reason: in.Reason})
				})),

		// Victims' Right to Review.
		op("POST", "/api/v1/cases/{ref}/vrr", "Record a victim's request for a review of the closure (investigator, supervisor, manager or victim liaison in the case's chain of command)", http.StatusCreated,
			caseCmd(svc, func(in *vrrIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *vrrIn) (*domain.Case, error) {
					return svc.RequestVRR(ctx, a, id, service.RequestVRR{Version: v, VictimID: in.VictimID, LateReason: in.LateReason})
				})),
		op("POST", "/api/v1/cases/{ref}/vrr/acknowledge", "Acknowledge a review request and name the reviewer, senior to the decision-maker and not involved (supervisor or manager in the case's chain of command)", http.StatusOK,
			caseCmd(svc, func(in *acknowledgeIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *acknowledgeIn) (*domain.Case, error) {
					return svc.AcknowledgeVRR(ctx, a, id, service.AcknowledgeVRR{Version: v, Reviewer: in.Reviewer})
				})),
		op("POST", "/api/v1/cases/{ref}/vrr/decide", "Decide a review request, upheld or not; upheld reopens the case (the named reviewer)", http.StatusOK,
			caseCmd(svc, func(in *vrrDecisionIn) Versioned { return in.Versioned },
				func(ctx context.Context, a *service.Actor, id string, v int64, in *vrrDecisionIn) (*domain.Case, error) {
					return svc.DecideVRR(ctx, a, id, service.DecideVRR{Version: v, Decision: in.Decision, Reasons: in.Reasons})
				})),
	}
}

// itemCmd is caseCmd for a command on one action, victim or suspect of a
// case, named by the path parameter param.
func itemCmd[In any](svc *service.Service, param string, ver func(*In) Versioned, fn func(ctx context.Context, a *service.Actor, id string, v int64, item string, in *In) (*domain.Case, error)) func(ctx context.Context, a *service.Actor, r *http.Request, in *In) (*domain.Case, error) {
	return func(ctx context.Context, a *service.Actor, r *http.Request, in *In) (*domain.Case, error) {
		item := r.PathValue(param)
		return caseCmd(svc, ver, func(ctx context.Context, a *service.Actor, id string, v int64, in *In) (*domain.Case, error) {
			return fn(ctx, a, id, v, item, in)
		})(ctx, a, r, in)
	}
}
