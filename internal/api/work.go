package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/holdfast/holdfast/internal/service"
)

type sweepIn struct {
	AsOf   *time.Time `json:"as_of,omitempty"` // default: now
	DryRun bool       `json:"dry_run,omitempty"`
}

// teamBoard is one page of the team board and the board's totals.
type teamBoard struct {
	service.BoardPage
	Open    int `json:"open"`    // open duties on the whole board
	Overdue int `json:"overdue"` // of them, past their due time
}

// workRoutes are the work lists, the inbox and the watchdog.
func (s *Server) workRoutes() []route {
	svc := s.svc
	return []route{
		op("GET", "/api/v1/me/work", "My work: every open duty of the signed-in user, overdue first", http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) ([]service.WorkItem, error) {
				return svc.MyWork(ctx, a)
			}),
		op("GET", "/api/v1/me/inbox", "Alerts for the signed-in user: escalations and findings", http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) ([]service.InboxAlert, error) {
				return svc.Inbox(ctx, a)
			}),
		// Paged as the web's team board is (the due-time index, migration
		// 00017): the whole board at once read up to 5,000 duties a call.
		withQuery(op(
			"GET",
			"/api/v1/team/board",
			fmt.Sprintf("The team board: open duties of the teams the user supervises, soonest due first, %d a "+
				"page, with how many are open and overdue in all", service.BoardPageSize),
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*teamBoard, error) {
				q := r.URL.Query()
				pg, err := svc.TeamBoardPage(ctx, a, service.BoardPageIn{After: q.Get("after"), Before: q.Get("before")})
				if err != nil {
					return nil, err
				}
				out := &teamBoard{BoardPage: *pg}
				if pg.Items == nil {
					out.Items = []service.WorkItem{}
				}
				out.Open, out.Overdue, err = svc.TeamBoardCounts(ctx, a)
				return out, err
			}), "after", "the next page: the cursor a page gave as next", "before", "the previous page: the "+
			"cursor a page gave as prev"),
		op(
			"POST",
			"/api/v1/sweep",
			"Run the watchdog now (administrators); output as `holdfast sweep --format json`",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, in *sweepIn) (*service.SweepReport, error) {
				at := svc.Now()
				if in.AsOf != nil {
					at = *in.AsOf
				}
				return svc.Sweep(ctx, a, service.SweepOptions{AsOf: at, DryRun: in.DryRun})
			},
		),
	}
}
