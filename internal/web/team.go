package web

import (
	"context"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// boardDecisions are the team board's three lists of decisions waiting —
// transfers to accept, closures to approve, referrals to allocate — each
// row in words a detective sergeant deciding what to do first reads
// without opening the case: people by rank and name, never an id.
type boardDecisions struct {
	Transfers, Closures, Referrals []decisionRow
	// Cut names the lists the service cut short, to say only the
	// oldest are listed.
	Cut map[string]bool
	// Limit is how many of each the board lists at most.
	Limit int
}

// decisionRow is one decision waiting, as the board shows it.
type decisionRow struct {
	Ref      string
	CasePath string // the case's page
	// Do are the decisions the viewer may make here, each with the page
	// where it is made (none: the Decides column says whose it is).
	Do       []decisionLink
	Summary  string
	By       string // who sent the transfer or asked for the closure
	FromTeam string // the team sending a transfer
	Outcome  string // the outcome a closure asks for, in words
	Flags    []string
	Since    string // when the wait began, as a date
	Waited   string // how long it has waited: "3 days"
	Due      string // the deadline in words: "2 days overdue (due …)"
	Overdue  bool
	Decider  string // whose duty the decision is
}

// decisionLink is one decision the viewer may make, and where.
type decisionLink struct{ Text, Path string }

// boardDecisionRows reads the decisions waiting on the actor's teams
// (service.BoardDecisions, which authorises and records the read) and puts
// them in words.
func (h *Handler) boardDecisionRows(ctx context.Context, q *visit) (*boardDecisions, error) {
	ds, err := h.svc.BoardDecisions(ctx, q.a)
	if err != nil {
		return nil, err
	}
	now := h.svc.Now()
	rows := func(in []service.BoardDecision) []decisionRow {
		out := make([]decisionRow, 0, len(in))
		for _, d := range in {
			path := "/cases/" + request.PathRef(d.CaseRef)
			r := decisionRow{Ref: d.CaseRef, CasePath: path,
				Summary: clip(d.Summary, 160), Outcome: d.Outcome, Flags: d.Flags, Since: clock.GovUK(d.Since),
				Waited: waited(d.Since, now), Due: dueWhen(d.Due, now), Overdue: d.Overdue,
				Decider: "No one: the team has no supervisor"}
			for _, cmd := range d.May {
				r.Do = append(r.Do, decisionLink{Text: cmd.Label, Path: path + "/do/" + cmd.Name})
			}
			if d.By != "" {
				r.By = findPerson(q.org, d.By)
			}
			if d.FromTeam != "" {
				r.FromTeam = unitName(q.org, d.FromTeam)
			}
			if d.Decider != "" {
				r.Decider = findPerson(q.org, d.Decider)
			}
			out = append(out, r)
		}
		return out
	}
	out := &boardDecisions{Transfers: rows(ds.Transfers), Closures: rows(ds.Closures),
		Referrals: rows(ds.Referrals), Cut: map[string]bool{}, Limit: service.EscalationsLimit}
	for _, k := range ds.Cut {
		out.Cut[k] = true
	}
	return out, nil
}

// waited says how long something has waited, to the hour for a day, to
// the day for eight weeks, then as dueWhen counts long waits: "less than
// an hour", "5 hours", "12 days", "over 3 years" (an imported referral
// never allocated has waited since its import's first day).
func waited(since, now time.Time) string {
	d := now.Sub(since)
	switch {
	case d < time.Hour:
		return "less than an hour"
	case d < 24*time.Hour:
		return domain.Plural(int(d/time.Hour), "hour", "hours")
	case d >= 56*24*time.Hour:
		return "over " + longAgo(since.In(clock.London), now.In(clock.London))
	}
	return domain.Plural(int(d/(24*time.Hour)), "day", "days")
}
