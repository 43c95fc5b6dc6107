package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// ClosureCheck is every reason a case could not close now with the
// proposal given; empty reasons mean the gate would let it through.
type ClosureCheck struct {
	Ready   bool             `json:"ready"`
	Reasons []domain.Problem `json:"reasons"`
}

// workflowRoutes are the workflow and decision commands: actions, victims,
// suspects, supervision, transfers, closure, reopening and the Victims'
// Right to Review, each decoding into the service's own input struct (JSON
// names and the path's ids from its tags). Every gate refusal is a 422
// problem listing every reason (see internal/http/response).
func (s *Server) workflowRoutes() []route {
	svc := s.svc
	return []route{
		// Lines of enquiry.
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/actions/{action}/allocate",
			"Allocate a line of enquiry to an officer with a target date (investigator, supervisor or "+
				"manager in the case's chain of command)",
			http.StatusOK, svc.AllocateAction),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/actions/{action}/result",
			"Record the result of an allocated line of enquiry: what was done and found, how it ended "+
				"(outcome: completed, nothing_found, not_possible or referred_on) and any statement or exhibit "+
				"reference (investigator, supervisor or manager in the case's chain of command)",
			http.StatusOK, svc.ResultAction),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/actions/{action}/file",
			"File a resulted action after review (a supervisor or manager in the case's chain of "+
				"command; never the officer who resulted it)",
			http.StatusOK, svc.FileAction),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/actions/{action}/refer-back",
			"Return a resulted action to its officer with a direction (investigator, supervisor or "+
				"manager in the case's chain of command)",
			http.StatusOK, svc.ReferBackAction),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/actions/{action}/cancel",
			"Cancel a line of enquiry with a reason (supervisor or manager in the case's chain of "+
				"command)",
			http.StatusOK, svc.CancelAction),
		op("GET", "/api/v1/cases/{ref}/standard-actions",
			"The policy's standard actions this case has not raised yet; raise one with POST .../actions and "+
				"\"standard\": key (anyone who may see the case)",
			http.StatusOK, func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (
				[]policy.StandardAction, error) {
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
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/duties/{duty}/waive",
			"Waive one open duty with a reason (supervisor or manager in the case's chain of command; "+
				"never the case's last open duty, a referral's allocation or a supervisory review)",
			http.StatusOK, svc.WaiveDuty),

		// Victims and suspects.
		caseCmd(svc, "PUT", "/api/v1/cases/{ref}/victims/{victim}/contact-plan",
			"Agree how often and how a victim is updated (investigator, supervisor, manager or victim "+
				"liaison in the case's chain of command)",
			http.StatusOK, svc.AgreeContactPlan),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/victims/{victim}/contacts",
			"Record a contact with a victim, also on a closed case (investigator, supervisor, manager "+
				"or victim liaison in the case's chain of command); contacted_on is the day it happened "+
				"(YYYY-MM-DD, default today; not in the future, nor before the case was opened or the victim "+
				"recorded), which the victim's next update is due from",
			http.StatusCreated, svc.RecordContact),
		caseCmd(svc, "PUT", "/api/v1/cases/{ref}/victims/{victim}/view",
			"Record the victim's view of the proposed outcome (investigator, supervisor, manager or "+
				"victim liaison in the case's chain of command)",
			http.StatusOK, svc.RecordVictimView),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/suspects/{suspect}/status",
			"Record a suspect reaching a status on a date (investigator, supervisor or manager in the "+
				"case's chain of command)",
			http.StatusOK, svc.SetSuspectStatus),
		caseCmd(svc, "PUT", "/api/v1/cases/{ref}/people/{person}/details",
			"Correct a victim's, suspect's or other person's details with a reason; send every detail as it "+
				"should stand (investigator, supervisor or manager in the case's chain of command); the person "+
				"is then matched against the index",
			http.StatusOK, svc.CorrectPerson),

		// Supervision and the decision log.
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/reviews",
			"Record a supervisory review; each direction becomes an action (supervisor or manager in "+
				"the case's chain of command, not the officer in charge)",
			http.StatusCreated, svc.RecordReview),
		caseCmd(svc, "PUT", "/api/v1/cases/{ref}/plan",
			"Set the investigation plan (investigator, supervisor or manager in the case's chain of "+
				"command)",
			http.StatusOK, svc.SetPlan),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/decisions",
			"Add a decision with its rationale to the decision log (investigator, supervisor or "+
				"manager in the case's chain of command)",
			http.StatusCreated, svc.RecordDecision),

		// Transfers.
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/transfer",
			"Propose transferring the case to another team, with a reason (investigator, supervisor "+
				"or manager in the case's chain of command)",
			http.StatusCreated, svc.ProposeTransfer),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/transfer/accept",
			"Accept a proposed transfer and name the new owner (supervisor or manager in the "+
				"receiving team's chain of command)",
			http.StatusOK, svc.AcceptTransfer),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/transfer/reject",
			"Reject a proposed transfer with a reason (supervisor or manager in the receiving team's "+
				"chain of command)",
			http.StatusOK, svc.RejectTransfer),

		// Closure.
		op(
			"GET",
			"/api/v1/cases/{ref}/closure/check",
			"Every reason the case could not close now (query: outcome, lines_considered, why_none_remain, "+
				"suspects_status, victim_view); writes nothing but the read (anyone who may see the case)",
			http.StatusOK,
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
			},
		),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/closure",
			"Propose closing the case with an outcome code and rationale; refused with every reason "+
				"the gate finds (investigator, supervisor or manager in the case's chain of command)",
			http.StatusCreated, svc.ProposeClosure),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/closure/approve",
			"Approve the proposed closure and close the case (a supervisor or manager in the case's "+
				"chain of command, of the rank policy requires, other than the proposer and the owner)",
			http.StatusOK, svc.ApproveClosure),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/closure/reject",
			"Send a proposed closure back with what must be done first (supervisor or manager in the "+
				"case's chain of command)",
			http.StatusOK, svc.RejectClosure),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/reopen",
			"Reopen a closed case with a reason (supervisor or manager in the case's chain of "+
				"command, or an auditor)",
			http.StatusOK, svc.Reopen),

		// Victims' Right to Review.
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/vrr",
			"Record a victim's request for a review of the closure (investigator, supervisor, manager "+
				"or victim liaison in the case's chain of command)",
			http.StatusCreated, svc.RequestVRR),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/vrr/acknowledge",
			"Acknowledge a review request and name the reviewer, senior to the decision-maker and not "+
				"involved (supervisor or manager in the case's chain of command)",
			http.StatusOK, svc.AcknowledgeVRR),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/vrr/decide",
			"Decide a review request, upheld or not; upheld reopens the case (the named reviewer)",
			http.StatusOK, svc.DecideVRR),
	}
}
