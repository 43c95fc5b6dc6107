package service_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// febrlCases puts FEBRL's dataset4a's first n people and their records in
// 4b (the same people recorded again, with errors) on cases of team, ten
// to a case, written straight through the store as an import would.
func febrlCases(t *testing.T, f *fixture.Force, team string, n int) []domain.Suspect {
	t.Helper()
	var people []persons.Record
	for _, name := range []string{"dataset4a.csv", "dataset4b.csv"} {
		fh, err := os.Open("../../../shared/data/febrl/" + name)
		if err != nil {
			t.Fatalf("the FEBRL data must be at ../shared/data/febrl beside the checkout: %v", err)
		}
		recs, err := persons.ReadPersons(fh, persons.Columns{Truth: "rec_id", Given: "given_name",
			Family: "surname", DOB: "date_of_birth", Postcode: "postcode",
			Address: []string{"street_number", "address_1", "suburb"}})
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		if name == "dataset4a.csv" {
			people = append(people, recs[:n]...)
			continue
		}
		ents := map[string]bool{}
		for _, r := range people {
			ents[r.Entity] = true
		}
		for _, r := range recs {
			if ents[r.Entity] {
				people = append(people, r) // the same person, recorded again with errors
			}
		}
	}
	var cs []*domain.Case
	at := f.Clock.Now().UTC()
	for i, r := range people {
		if i%10 == 0 {
			k := len(cs)
			cs = append(cs, &domain.Case{ID: "febrl-" + strconv.Itoa(k), Ref: fmt.Sprintf("CSE/2020/%05d", k+1),
				TeamID: team, Status: domain.StatusClosed, Version: 1, OpenedAt: at, UpdatedAt: at})
		}
		c := cs[len(cs)-1]
		dob := r.DOB
		if len(dob) == 8 {
			dob = dob[:4] + "-" + dob[4:6] + "-" + dob[6:]
		}
		c.Suspects = append(c.Suspects, domain.Suspect{ID: "s" + strconv.Itoa(i),
			Name: strings.TrimSpace(r.Given + " " + r.Family), DateOfBirth: dob,
			Address: strings.Join(r.Address, " ") + " " + r.Postcode, Status: domain.SuspectIdentified})
	}
	if err := f.Store.Write(ctx, func(tx store.Tx) error { return tx.PutNewCases(cs) }); err != nil {
		t.Fatal(err)
	}
	return cs[0].Suspects
}

// tfWeights sums the term-frequency part of every term of every match.
func tfWeights(pm *service.PersonMatches) (tf float64, n int) {
	for _, m := range pm.Matches {
		for _, term := range m.Terms {
			tf += term.TF
		}
		n++
	}
	return tf, n
}

// TestTrainMatchModel: the model retrained on the force's own index is
// stored as the next version and used by matching from then on (its
// terms carry the index's own name frequencies, which the shipped model
// has none of); a bad size is refused with the reason, and only the
// system or an administrator may train.
func TestTrainMatchModel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		first := febrlCases(t, f, f.TeamC, 600)[0]
		sys := service.SystemActor("persons-train")
		if _, err := f.Svc.TrainMatchModel(ctx, sys, service.TrainModel{Most: -1}); strings.Join(problemRules(t, err),
			" ") != "range" {
			t.Errorf("a size of -1: %v", err)
		}
		if _, err := f.Svc.TrainMatchModel(ctx, f.Investigator, service.TrainModel{}); err == nil {
			t.Error("an investigator trained the matching model")
		}
		// One of FEBRL's people recorded again on a case of team A.
		a := f.Allocated(t)
		a, err := f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: first.Name, DateOfBirth: first.DateOfBirth, Address: first.Address})
		if err != nil {
			t.Fatal(err)
		}
		q := service.MatchesQuery{Case: a.Ref, Person: a.Suspects[0].ID}
		before, err := f.Svc.PersonMatches(ctx, f.Analyst, q)
		if err != nil {
			t.Fatal(err)
		}
		if tf, n := tfWeights(before); n == 0 || tf != 0 {
			t.Fatalf("with the shipped model: %d matches, term-frequency weight %v (want some, and none)", n, tf)
		}
		m, err := f.Svc.TrainMatchModel(ctx, sys, service.TrainModel{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Version != 1 || m.People != 1201 || m.Likely < 500 {
			t.Fatalf("trained %+v: want version 1 on 1,201 people, 500 or more likely pairs", m)
		}
		if v, params, err := db.MatchModel(ctx); err != nil || v != 1 || len(params) == 0 {
			t.Fatalf("stored model: version %d, %d bytes, %v", v, len(params), err)
		}
		// Matching now scores with the index's own name frequencies.
		after, err := f.Svc.PersonMatches(ctx, f.Analyst, q)
		if err != nil {
			t.Fatal(err)
		}
		if tf, n := tfWeights(after); n == 0 || tf == 0 {
			t.Fatalf("with the retrained model: %d matches, term-frequency weight %v (want some, and some)", n, tf)
		}
		m2, err := f.Svc.TrainMatchModel(ctx, sys, service.TrainModel{Most: 400})
		if err != nil {
			t.Fatal(err)
		}
		if m2.Version != 2 || m2.People != 400 {
			t.Fatalf("retrained %+v: want version 2 on 400 people", m2)
		}
	})
}
