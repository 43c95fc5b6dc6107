package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// ledgerRoutes are the ledger's figures and proofs under /api/v1/ledger.
func (s *Server) ledgerRoutes() []route {
	svc := s.svc
	return []route{
		op(
			"GET",
			"/api/v1/ledger",
			"The ledger page: tree size, latest checkpoint, last verification (administrators, inspectors, auditors)",
			http.StatusOK,
			onLedger(svc, func(ctx context.Context, l *service.Ledger, a *service.Actor, _ *http.Request) (
				*ledger.Status, error) {
				return l.Status(ctx, a)
			}),
		),
		op(
			"GET",
			"/api/v1/ledger/checkpoint",
			"The latest signed checkpoint (C2SP tlog-checkpoint as a signed note, in the note field)",
			http.StatusOK,
			onLedger(svc, func(ctx context.Context, l *service.Ledger, a *service.Actor, _ *http.Request) (
				*checkpointOut, error) {
				return checkpointJSON(l.Latest(ctx, a))
			}),
		),
		op(
			"POST",
			"/api/v1/ledger/checkpoint",
			"Cut and sign a checkpoint now (administrators)",
			http.StatusCreated,
			onLedger(svc, func(ctx context.Context, l *service.Ledger, a *service.Actor, _ *http.Request) (
				*checkpointOut, error) {
				return checkpointJSON(l.Cut(ctx, a))
			}),
		),
		op(
			"GET",
			"/api/v1/ledger/inclusion",
			"Inclusion proof of event seq in the tree of size events (query: seq, size; size 0 or absent: the whole log)",
			http.StatusOK,
			onLedger(svc, func(ctx context.Context, l *service.Ledger, a *service.Actor, r *http.Request) (
				*ledger.Inclusion, error) {
				seq, err1 := queryInt(r, "seq", true)
				size, err2 := queryInt(r, "size", false)
				if err := joinProblems(err1, err2); err != nil {
					return nil, err
				}
				return l.Inclusion(ctx, a, seq, uint64(size))
			}),
		),
		op(
			"GET",
			"/api/v1/ledger/consistency",
			"Consistency proof that the tree of `from` events is a prefix of the tree of `to` (to 0 or absent: the whole log)",
			http.StatusOK,
			onLedger(svc, func(ctx context.Context, l *service.Ledger, a *service.Actor, r *http.Request) (
				*ledger.Consistency, error) {
				from, err1 := queryInt(r, "from", true)
				to, err2 := queryInt(r, "to", false)
				if err := joinProblems(err1, err2); err != nil {
					return nil, err
				}
				return l.Consistency(ctx, a, uint64(from), uint64(to))
			}),
		),
		op(
			"POST",
			"/api/v1/ledger/verify",
			"Re-check the whole record against every checkpoint now and record the result (administrators, inspectors)",
			http.StatusOK,
			onLedger(svc, func(ctx context.Context, l *service.Ledger, a *service.Actor, _ *http.Request) (
				*ledger.Report, error) {
				return l.Verify(ctx, a)
			}),
		),
	}
}

// onLedger runs fn on the instance's ledger, or refuses when it has none.
func onLedger[Out any](
	svc *service.Service,
	fn func(ctx context.Context, l *service.Ledger, a *service.Actor, r *http.Request) (Out, error),
) func(context.Context, *service.Actor, *http.Request, *struct{}) (Out, error) {
	return func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (Out, error) {
		l := svc.Ledger()
		if l == nil {
			var zero Out
			return zero, service.ErrNoLedger
		}
		return fn(ctx, l, a, r)
	}
}

func checkpointJSON(c *store.Checkpoint, err error) (*checkpointOut, error) {
	if err != nil {
		return nil, err
	}
	out := &checkpointOut{Size: c.Size, Note: string(c.Note)}
	if !c.Created.IsZero() { // a time the checkpoint signed, none otherwise
		out.Created = c.Created.UTC().Format(time.RFC3339)
	}
	return out, nil
}

type checkpointOut struct {
	Size    int64  `json:"tree_size"`
	Note    string `json:"note"`
	Created string `json:"created,omitempty"`
}

// queryInt reads a non-negative integer query parameter.
func queryInt(r *http.Request, name string, required bool) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		if required {
			return 0, domain.Problems{
				{
					Field:   name,
					Rule:    "required",
					Message: "give " + name + " as a query parameter, a whole number from 1",
				},
			}
		}
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Problems{
			{
				Field:   name,
				Rule:    "whole_number",
				Message: name + " must be a whole number from 0, not " + strconv.Quote(v),
			},
		}
	}
	return n, nil
}

func joinProblems(errs ...error) error {
	var out domain.Problems
	for _, err := range errs {
		if ps, ok := domain.AsProblems(err); ok {
			out = append(out, ps...)
		}
	}
	if len(out) > 0 {
		return out
	}
	return nil
}
