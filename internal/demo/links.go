package demo

// raiseLinks matches every suspect and victim of every case against the
// index, as the service does when a person is recorded, once the history
// is written: the networks (members recorded on many teams' cases over the
// years, under spelling variants and with transposed dates of birth)
// surface as links between cases, alerted to both sides today, with their
// reviews owed in the days ahead. Raising them while the history was
// written (the generator defers them: service.DeferLinks) would leave
// reviews owed in the past that the simulated officers never learnt of.
// Cases in the order they were opened, so that a seed's demo repeats.
func (g *gen) raiseLinks() error {
	for _, sc := range g.cases {
		if sc.c == nil {
			continue
		}
		c, err := g.rec.Case(g.ctx, sc.c.ID)
		if err != nil {
			return err
		}
		var ids []string
		for _, s := range c.Suspects {
			ids = append(ids, s.ID)
		}
		for _, v := range c.Victims {
			ids = append(ids, v.ID)
		}
		for _, id := range ids {
			if _, err := g.svc.RaiseLinks(g.ctx, c.ID, id); err != nil {
				return err
			}
		}
	}
	return nil
}
