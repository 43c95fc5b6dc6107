package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/holdfast/holdfast/internal/service"
)

// findRoutes are search, the paged case list, the inbox's acknowledge and
// done, the work lists of victims and escalations, and the access report.
func (s *Server) findRoutes() []route {
	svc := s.svc
	return []route{
		withQuery(op("GET", "/api/v1/search",
			"Find cases you may see by reference (any spelling: CSE/2025/000507, CSE-2025-000507, 2025/507), "+
				"victim's or suspect's name, phone, vehicle or postcode; recorded as a read of the cases found",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.SearchResult, error) {
				return svc.Search(ctx, a, service.SearchQuery{Q: r.URL.Query().Get("q")})
			}), "q", "what to look for"),
		withQuery(op("GET", "/api/v1/case-list",
			"Cases you may see, newest first, one page at a time (filters: status, team_id, owner_id, overdue=yes; "+
				"cursors: before, after)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.CaseList, error) {
				q := r.URL.Query()
				return svc.CaseList(ctx, a, service.CaseListQuery{Status: q.Get("status"), TeamID: q.Get("team_id"),
					OwnerID: q.Get("owner_id"), Overdue: q.Get("overdue") == "yes", Before: q.Get("before"),
					After: q.Get("after")})
			}), "status", "referral, open, closure_proposed or closed", "team_id", "a team (or unit) id",
			"owner_id", "an owner's user id", "overdue", "yes: only cases with an overdue duty",
			"before", "the next page: cases older than this reference", "after", "the previous page"),
		op("GET", "/api/v1/me/inbox/done", "Alerts you marked as done", http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) ([]service.InboxAlert, error) {
				return svc.InboxDone(ctx, a)
			}),
		cmd("POST", "/api/v1/me/inbox/{seq}/acknowledge",
			"Acknowledge an alert of your inbox (and those collapsed with it)", http.StatusOK, svc.AcknowledgeAlert),
		cmd("POST", "/api/v1/me/inbox/{seq}/done",
			"Mark an alert of your inbox (and those collapsed with it) as done", http.StatusOK, svc.AlertDone),
		op("GET", "/api/v1/me/victims",
			"Victims of the cases you support overdue contact or due it this week, with contact plan and last contact",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) ([]service.VictimDue, error) {
				return svc.VictimsDue(ctx, a)
			}),
		op("GET", "/api/v1/team/escalations",
			"Escalated open duties of the teams you supervise or manage: those overdue by up to a year first, "+
				"then the long-dormant (overdue by more), each soonest due first",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) ([]service.WorkItem, error) {
				return svc.Escalations(ctx, a)
			}),
		withQuery(op("GET", "/api/v1/access",
			"Who read which case of your force, newest first (auditors, inspectors); recorded as a read itself",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.AccessReport, error) {
				q := r.URL.Query()
				in := service.AccessQuery{UserID: q.Get("user_id"), Case: q.Get("case")}
				in.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
				in.From, _ = time.Parse(time.RFC3339, q.Get("from"))
				in.To, _ = time.Parse(time.RFC3339, q.Get("to"))
				return svc.AccessReport(ctx, a, in)
			}), "user_id", "one reader", "case", "one case, by reference", "from", "RFC 3339 time",
			"to", "RFC 3339 time", "before", "cursor: the next page"),
	}
}
