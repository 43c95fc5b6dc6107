package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// TestPersonsTrain: `holdfast persons train --db` trains on the index of
// the database and stores each training as the next version.
func TestPersonsTrain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "holdfast.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	// FEBRL's first 300 people of dataset4a and their records in 4b.
	var people []persons.Record
	for _, name := range []string{"dataset4a.csv", "dataset4b.csv"} {
		f, err := os.Open("../../../shared/data/febrl/" + name)
		if err != nil {
			t.Fatalf("the FEBRL data must be at ../shared/data/febrl beside the checkout: %v", err)
		}
		recs, err := persons.ReadPersons(f, persons.Columns{Truth: "rec_id", Given: "given_name", Family: "surname",
			DOB: "date_of_birth", Address: []string{"street_number", "address_1", "suburb"}})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if people == nil {
			people = recs[:300]
			continue
		}
		ents := map[string]bool{}
		for _, r := range people {
			ents[r.Entity] = true
		}
		for _, r := range recs {
			if ents[r.Entity] {
				people = append(people, r)
			}
		}
	}
	var cs []*domain.Case
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i, r := range people {
		if i%10 == 0 {
			cs = append(cs, &domain.Case{ID: "c" + strconv.Itoa(len(cs)), Ref: fmt.Sprintf("CSE/2020/%05d", len(cs)+1),
				TeamID: "t", Status: domain.StatusClosed, Version: 1, OpenedAt: at, UpdatedAt: at})
		}
		c := cs[len(cs)-1]
		c.Suspects = append(c.Suspects, domain.Suspect{ID: "s" + strconv.Itoa(i), Name: r.Given + " " + r.Family,
			DateOfBirth: r.DOB, Address: strings.Join(r.Address, " ")})
	}
	if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutNewCases(cs) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for v := 1; v <= 2; v++ {
		code, stdout, stderr := runCLI(t, "persons", "train", "--db", path)
		if code != 0 {
			t.Fatalf("train: code %d, %s", code, stderr)
		}
		want := fmt.Sprintf("Matching model version %d: trained on 600 people", v)
		if !strings.Contains(stdout, want) || !strings.Contains(stdout, "comparisons: given name, family name") {
			t.Errorf("train output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := runCLI(t, "persons", "train", "--db", path, "--most", "-3"); code == 0 ||
		!strings.Contains(stderr, "Train on between 1 and") {
		t.Errorf("--most -3: code %d, %s", code, stderr)
	}
}
