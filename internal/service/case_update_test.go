package service_test

import (
	"encoding/json"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestUpdateCaseRefusesNoChange: correcting the case details with a blank
// summary, or with every value as the case already holds it, is refused
// with a problem saying so and appends nothing; a real correction records
// only what changed.
func TestUpdateCaseRefusesNoChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		same, blank, marking := c.Summary, "  ", c.Marking
		for name, tc := range map[string]struct {
			in   service.CaseUpdate
			rule string
		}{
			"blank summary": {service.CaseUpdate{Summary: &blank}, "required"},
			"same summary":  {service.CaseUpdate{Summary: &same}, "nothing_to_change"},
			"all as they are": {service.CaseUpdate{Summary: &same, Marking: &marking,
				OffenceTypes: append([]string(nil), c.OffenceTypes...)}, "nothing_to_change"},
			"nothing sent": {service.CaseUpdate{}, "nothing_to_change"},
		} {
			before, _ := db.LatestSeq(ctx)
			tc.in.Version = c.Version
			_, err := f.Svc.UpdateCase(ctx, f.Investigator, c.ID, tc.in)
			ps, isProblems := domain.AsProblems(err)
			if !isProblems || len(ps) != 1 || ps[0].Rule != tc.rule || ps[0].Message == "" {
				t.Errorf("%s: got %v, want one problem by rule %s", name, err, tc.rule)
			}
			if after, _ := db.LatestSeq(ctx); after != before {
				t.Errorf("%s: a refused correction wrote %d events", name, after-before)
			}
		}

		// A change of the summary alone, sent with the marking as it was,
		// records the summary and nothing else.
		changed := "A corrected summary of the referral"
		got, err := f.Svc.UpdateCase(ctx, f.Investigator, c.ID,
			service.CaseUpdate{Version: c.Version, Summary: &changed, Marking: &marking})
		if err != nil || got.Summary != changed || got.Marking != marking {
			t.Fatalf("a real correction: %v %+v", err, got)
		}
		evs, err := db.CaseEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var p domain.CaseUpdated
		last := evs[len(evs)-1]
		if err := json.Unmarshal(last.Payload, &p); err != nil || last.Type != domain.EvCaseUpdated ||
			p.Marking != nil || p.Summary == nil {
			t.Errorf("the correction recorded %+v (%v), want the summary alone", p, err)
		}
	})
}
