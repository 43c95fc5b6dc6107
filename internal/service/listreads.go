package service

import (
	"context"

	"github.com/holdfast/holdfast/internal/store"
)

// ListReadsLimit is the most reads in lists CaseListReads returns: a case
// on a busy queue is shown often, and the history collapses them anyway.
const ListReadsLimit = 500

// CaseListReads lists, newest first, who saw the case in a list, queue or
// report (records.read events naming it among others), as opposed to
// opening it: so "who looked at this victim" is answered on the case's own
// history, not only in the force-wide access report. Anyone who may see
// the case may see who read it; reading this records nothing more (the
// history page that shows it recorded its read).
func (s *Service) CaseListReads(ctx context.Context, a *Actor, ref string) ([]store.ReadRow, error) {
	id, err := s.CaseID(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	filter := store.ReadFilter{CaseID: id, Limit: ListReadsLimit}
	out := []store.ReadRow{}
	for len(out) < ListReadsLimit {
		rows, err := f.Reads(ctx, filter)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.How != "case" && len(out) < ListReadsLimit {
				out = append(out, r)
			}
		}
		if len(rows) < filter.Limit {
			break
		}
		filter.BeforeSeq = rows[len(rows)-1].Seq
	}
	return out, nil
}
