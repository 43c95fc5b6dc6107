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
		op(
			"GET",
			"/api/v1/team/board",
			fmt.Sprintf(
				"The team board: open duties of the teams the user supervises, overdue first (at most %d, the soonest due)",
				service.BoardLimit,
			),
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) ([]service.WorkItem, error) {
				return svc.TeamBoard(ctx, a)
			},
		),
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
