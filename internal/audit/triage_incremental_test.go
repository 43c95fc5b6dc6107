package audit_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
)

// randomCase is a case drawn from a small world, so that suspects are
// shared across cases, some cases are open, some out of the criteria, and
// some victims wait for a notice that falls due around the time judged at.
func randomCase(r *rand.Rand, id, ref string, asOf time.Time) *domain.Case {
	c := beaconportCase(ref)
	c.ID = id
	c.Outcome = []string{"12", "14", "15", "16", "18", "21"}[r.IntN(6)]
	c.Closure.Outcome = c.Outcome
	c.Closure.ApprovedBy = []string{"pc", "ds", "di"}[r.IntN(3)]
	if r.IntN(5) == 0 {
		c.Status = domain.StatusOpen
	}
	if r.IntN(3) == 0 {
		c.OffenceTypes = []string{"sexual_activity_with_a_child"}
	}
	people := []domain.Suspect{
		{Name: "Adam Smith", DateOfBirth: "1980-01-02"},
		{Name: "Bob Jones", DateOfBirth: "1979-03-04", Phone: "07700 900123"},
		{Name: "Carl Webb", DateOfBirth: "1985-05-06", Vehicle: "FV69 LMK"},
		{Description: "tall man, red coat", Address: "96 Canal Walk, Eastbridge NS8 1QW"},
		{Name: "Dan Hale", DateOfBirth: "1990-07-08", Phone: "07700 900456"},
	}
	c.Suspects = nil
	for i, p := range people {
		if r.IntN(3) == 0 {
			p.ID = fmt.Sprintf("s%d", i)
			p.Status = []domain.SuspectStatus{domain.SuspectIdentified, domain.SuspectInterviewed}[r.IntN(2)]
			c.Suspects = append(c.Suspects, p)
		}
	}
	c.Victims[1].NoticeDue = nil
	if r.IntN(2) == 0 {
		// closed within a few days of the time judged at: the notice's
		// deadline may be before it or after.
		c.ClosedAt = asOf.Add(-time.Duration(r.IntN(96)) * time.Hour)
		c.Victims[1].NoticeDue = &domain.Notice{Decision: "investigation closed", At: c.ClosedAt}
	}
	return c
}

// TestIncrementalTriageEqualsFull: a kept triage brought up to date by
// adding the changed cases again and removing the ones gone ranks exactly
// as a triage built afresh from every case as it now is — the same queue,
// reasons, summary and deadline — through random runs of changes, with
// the time judged at moving on (but not past the kept queue's deadline).
func TestIncrementalTriageEqualsFull(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 7))
		cr := []audit.Criteria{audit.Beaconport(), audit.Routine()}[seed%2]
		asOf := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		env := audit.Env{Policy: pol, Org: org(), Calendar: cal, AsOf: asOf}
		reviewed := map[string]bool{"id-03": true}
		cases := map[string]*domain.Case{}
		next := 0
		newCase := func() *domain.Case {
			next++
			return randomCase(r, fmt.Sprintf("id-%02d", next), fmt.Sprintf("CSE/2014/%06d", next), asOf)
		}
		kept := audit.NewTriage(cr, audit.DefaultModel(), env, reviewed)
		for range 20 {
			c := newCase()
			cases[c.ID] = c
			kept.Add(c)
		}
		for step := range 30 {
			// The clock moves on, never past what the kept queue waits for.
			at := asOf.Add(time.Duration(r.IntN(12)) * time.Hour)
			if u := kept.Until(); !u.IsZero() && !at.Before(u) {
				at = u.Add(-time.Second)
			}
			if at.After(asOf) {
				asOf = at
			}
			kept.SetAsOf(asOf)
			for range 1 + r.IntN(4) {
				ids := make([]string, 0, len(cases))
				for id := range cases {
					ids = append(ids, id)
				}
				slices.Sort(ids)
				switch k := r.IntN(10); {
				case k < 5 && len(ids) > 0: // a case changes
					old := cases[ids[r.IntN(len(ids))]]
					c := randomCase(r, old.ID, old.Ref, asOf)
					cases[c.ID] = c
					kept.Add(c)
				case k < 8: // a new case
					c := newCase()
					cases[c.ID] = c
					kept.Add(c)
				case len(ids) > 0: // a case goes from sight
					id := ids[r.IntN(len(ids))]
					delete(cases, id)
					kept.Remove(id)
				}
			}
			full := audit.NewTriage(cr, audit.DefaultModel(), audit.Env{Policy: pol, Org: org(), Calendar: cal, AsOf: asOf}, reviewed)
			ids := make([]string, 0, len(cases))
			for id := range cases {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			for _, id := range ids {
				full.Add(cases[id])
			}
			gq, gs := kept.Queue()
			wq, ws := full.Queue()
			if !reflect.DeepEqual(gq, wq) || !reflect.DeepEqual(gs, ws) || !kept.Until().Equal(full.Until()) {
				t.Fatalf("seed %d step %d: the kept triage differs from a fresh one\nkept %+v %+v %v\nfull %+v %+v %v",
					seed, step, gq, gs, kept.Until(), wq, ws, full.Until())
			}
		}
	}
}
