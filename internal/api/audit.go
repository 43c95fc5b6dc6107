package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

type auditList struct {
	Audits []service.AuditSummary `json:"audits"`
}

// assignedList is the cases a bulk assignment assigned.
type assignedList struct {
	Assigned []domain.AuditCase `json:"assigned"`
}

type reviewerList struct {
	Reviewers []service.ReviewerOption `json:"reviewers"`
}

type findingList struct {
	Findings []service.OwedFinding `json:"findings"`
}

// AuditCSVPath is the CSV export of an audit (docs/audits.md).
const AuditCSVPath = "/api/v1/audits/{id}/export.csv"

// auditRoutes are the audits of closed cases: triage, plans and samples,
// assignment, reviews, sign-off, reports, and answering a finding on the
// case.
func (s *Server) auditRoutes() []route {
	svc := s.svc
	// onCase resolves an audit route's case reference within the actor's
	// need to know.
	onCase := func(ctx context.Context, a *service.Actor, r *http.Request) (string, error) {
		return svc.CaseID(ctx, a, request.RefOf(r))
	}
	return []route{
		op(
			"POST",
			"/api/v1/audits/triage",
			"Rank the closed cases that meet the criteria (a preset — beaconport, routine — or your own) by risk, each with its reasons; writes nothing (auditor, manager, inspector)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, in *service.TriageRequest) (*service.TriageResult, error) {
				return svc.Triage(ctx, a, *in)
			},
		),
		op("GET", "/api/v1/audits", "Audits of your force, newest first (auditor, manager, inspector)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) (auditList, error) {
				l, err := svc.Audits(ctx, a)
				return auditList{Audits: l}, err
			}),
		op(
			"POST",
			"/api/v1/audits",
			"Plan an audit: the random sample for the margin of error, drawn with a recorded seed, plus the riskiest cases, recorded in the ledger (auditor)",
			http.StatusCreated,
			func(ctx context.Context, a *service.Actor, _ *http.Request, in *service.NewAudit) (*domain.Audit, error) {
				return svc.CreateAudit(ctx, a, *in)
			},
		),
		op(
			"GET",
			"/api/v1/audits/{id}",
			"An audit with its sample and where each review stands (auditor, manager, inspector)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*domain.Audit, error) {
				return svc.Audit(ctx, a, r.PathValue("id"))
			},
		),
		op(
			"GET",
			"/api/v1/audits/{id}/report",
			"An audit's report: progress, findings by kind, actions and their deadlines, reopened cases, error rate with its Wilson 95% interval by team and outcome code; CSV at "+AuditCSVPath+" (auditor, manager, inspector)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.AuditReport, error) {
				return svc.AuditReport(ctx, a, r.PathValue("id"))
			},
		),
		op(
			"POST",
			"/api/v1/audits/{id}/cases/{ref}/assign",
			"Assign a sampled case to a reviewer: an auditor who never owned, supervised, proposed or approved closing it (auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.AssignReview) (*domain.AuditCase, error) {
				id, err := onCase(ctx, a, r)
				if err != nil {
					return nil, err
				}
				in.Audit, in.Case = r.PathValue("id"), id
				return svc.AssignReview(ctx, a, *in)
			},
		),
		op(
			"POST",
			"/api/v1/audits/{id}/assign",
			"Assign several sampled cases (by reference) to one reviewer in one transaction, by the gate of a single assignment: if any case is refused, every refused case is listed with its reasons and nothing is assigned (auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.AssignReviews) (assignedList, error) {
				in.Audit = r.PathValue("id")
				acs, err := svc.AssignReviews(ctx, a, *in)
				return assignedList{Assigned: acs}, err
			},
		),
		op(
			"POST",
			"/api/v1/audits/{id}/cases/{ref}/review",
			"Submit the review form with its findings; a finding may reopen the case, refer it to professional standards or recommend victim contact, each a duty with a deadline (the assigned reviewer)",
			http.StatusCreated,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.ReviewSubmission) (*domain.AuditCase, error) {
				id, err := onCase(ctx, a, r)
				if err != nil {
					return nil, err
				}
				in.Audit, in.Case = r.PathValue("id"), id
				return svc.SubmitReview(ctx, a, *in)
			},
		),
		op(
			"POST",
			"/api/v1/audits/{id}/cases/{ref}/sign-off",
			"Sign off a \"no concerns\" review of a high-risk case, or send it back with a note (an auditor other than its reviewer, with no hand in the case)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.SignOff) (*domain.AuditCase, error) {
				id, err := onCase(ctx, a, r)
				if err != nil {
					return nil, err
				}
				in.Audit, in.Case = r.PathValue("id"), id
				return svc.SignOff(ctx, a, *in)
			},
		),
		op(
			"GET",
			AuditCSVPath,
			"An audit's report as CSV in words, a row per case: reviewer by rank and name, state, findings, signed off; the file named after the audit and the day (auditor, manager, inspector)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (csvFile, error) {
				ex, err := svc.ExportAudit(ctx, a, r.PathValue("id"))
				if err != nil {
					return csvFile{}, err
				}
				return csvFile{name: ex.Name, rows: ex.Rows}, nil
			},
		),
		op("POST", "/api/v1/audits/preview",
			"What an audit plan would sample — the population meeting the criteria, the sample size for the "+
				"margin of error — recording nothing but the read (auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, in *service.NewAudit) (*service.AuditPreview, error) {
				return svc.PreviewAudit(ctx, a, *in)
			}),
		op("GET", "/api/v1/audits/{id}/cases/{ref}/reviewers",
			"The force's auditors for a sampled case, each with the conflicts of interest that would refuse "+
				"assigning it to them (auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (reviewerList, error) {
				id, err := onCase(ctx, a, r)
				if err != nil {
					return reviewerList{}, err
				}
				os, err := svc.ReviewerOptions(ctx, a, r.PathValue("id"), id)
				return reviewerList{Reviewers: os}, err
			}),
		op("GET", "/api/v1/me/reviews",
			"Your audit reviews, due first, and \"no concerns\" reviews by others awaiting a second reviewer (auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) (*service.MyReviews, error) {
				return svc.MyReviews(ctx, a)
			}),
		op("GET", "/api/v1/me/audit-findings", "The audit findings you are to answer, due first", http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) (findingList, error) {
				fs, err := svc.OwedFindings(ctx, a)
				return findingList{Findings: fs}, err
			}),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/audit-findings/{finding}/answer",
			"Answer an audit finding, meeting the duty it made; also on a closed case (the person the finding "+
				"names, or a supervisor or manager in the case's chain of command)",
			http.StatusOK, svc.AnswerFinding),
	}
}
