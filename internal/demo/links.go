package demo

import (
	"context"

	"github.com/holdfast/holdfast/internal/service"
)

// raiseLinks matches every suspect and victim of every case against the
// index, as the service does when a person is recorded, once the history
// is written: the networks (members recorded on many teams' cases over the
// years, under spelling variants and with transposed dates of birth)
// surface as links between cases, alerted to both sides today, with their
// reviews owed in the days ahead. Raising them while the history was
// written (the generator defers them: service.DeferLinks) would leave
// reviews owed in the past that the simulated officers never learnt of.
// Cases in the order they were opened, so that a seed's demo repeats; the
// service matches ahead on every core and raises them in that order.
func (g *gen) raiseLinks() error {
	var ps []service.PersonOn
	for _, sc := range g.cases {
		if sc.c == nil {
			continue
		}
		c, err := g.rec.Case(g.ctx, sc.c.ID)
		if err != nil {
			return err
		}
		for _, s := range c.Suspects {
			ps = append(ps, service.PersonOn{Case: c.ID, Person: s.ID})
		}
		for _, v := range c.Victims {
			ps = append(ps, service.PersonOn{Case: c.ID, Person: v.ID})
		}
	}
	// Nothing but the links is written meanwhile, and a link is no row
	// of the index: a store that can answers the matching from memory
	// (sqlstore.DB.HoldPoleIndex), the same as from its tables.
	if h, ok := g.rec.(poleHolder); ok {
		release, err := h.HoldPoleIndex(g.ctx)
		if err != nil {
			return err
		}
		defer release()
	}
	_, err := g.svc.RaiseLinksAll(g.ctx, ps)
	return err
}

// poleHolder is a store that can hold its POLE index in memory while a
// whole record is matched (sqlstore.DB.HoldPoleIndex).
type poleHolder interface {
	HoldPoleIndex(ctx context.Context) (release func(), err error)
}
