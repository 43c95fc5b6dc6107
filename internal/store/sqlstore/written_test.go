package sqlstore_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// roundTrip is what decoding c's document gives, as a write reads it.
func roundTrip(t *testing.T, c *domain.Case) *domain.Case {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out domain.Case
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestAsDecoded: the copy a write keeps for the next prefetch is the case
// its document decodes to: what the document leaves out (notes, reviews,
// closed duties, contacts; empty lists under omitempty; zero times under
// omitzero) is left out, nil and empty lists stay apart where the
// document keeps them apart, times come back as parsed, and nothing is
// shared with the case written. What it cannot mirror is refused.
func TestAsDecoded(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 7, 1, 9, 30, 15, 123456789, time.UTC)
	c := &domain.Case{
		ID: "c1", Ref: "CSE/2024/000001", TeamID: "t1", Status: domain.StatusOpen, Version: 7,
		Summary: "Grooming ‘online’ <b>&</b>", OpenedAt: at, NoteCount: 3,
		Duties: []domain.Duty{{ID: "d1", Kind: "first_contact", Due: at, Opened: at}},
		Victims: []domain.Victim{{ID: "v1", Name: "Amy", AddedAt: at, ContactCount: 2,
			Contacts: []domain.Contact{{ID: "k1", Kind: "update", By: "u1", At: at}}}},
		Transfer: &domain.Transfer{ID: "tr1", ProposedAt: at},
	}
	c.OffenceTypes = []string{}                // "[]", not null
	c.Reviewers = []string{}                   // omitempty: left out, read back nil
	c.UpdatedAt = time.Now()                   // a monotonic reading
	c.ReportedAt = at.In(london)               // an offset, not "Z"
	c.Notes = []domain.Note{{}}                // json:"-"
	c.ClosedDuties = []domain.Duty{{ID: "d0"}} // json:"-"
	c.Reviews = []domain.Review{{}}            // json:"-"
	got, ok := sqlstore.AsDecoded(c)
	if !ok {
		t.Fatal("refused a plain case")
	}
	if want := roundTrip(t, c); !reflect.DeepEqual(got, want) {
		b1, _ := json.Marshal(got)
		b2, _ := json.Marshal(want)
		t.Fatalf("differs from the decoded document:\n got %+v\nwant %+v\n%s\n%s", got, want, b1, b2)
	}
	if got.Transfer == c.Transfer || &got.Duties[0] == &c.Duties[0] || &got.Victims[0] == &c.Victims[0] {
		t.Error("the copy shares values with the case written")
	}
	if got.OffenceTypes == nil || got.Reviewers != nil || got.Notes != nil || got.Victims[0].Contacts != nil {
		t.Errorf("lists: offences %#v, reviewers %#v, notes %#v, contacts %#v",
			got.OffenceTypes, got.Reviewers, got.Notes, got.Victims[0].Contacts)
	}
	bad := *c
	bad.Summary = "\xff"
	if _, ok := sqlstore.AsDecoded(&bad); ok {
		t.Error("invalid UTF-8 (the encoder replaces it) was copied")
	}
}

// TestGeneratedCasesKeptAsWritten generates a small demo force on a
// .partial file: every case a write kept for the next prefetch is the
// case its document decodes to, and prefetches took them (instead of
// reading and decoding the document).
func TestGeneratedCasesKeptAsWritten(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	kept, differ := 0, 0
	defer sqlstore.CheckWritten(func(c *domain.Case, doc string) {
		var want domain.Case
		err := json.Unmarshal([]byte(doc), &want)
		mu.Lock()
		defer mu.Unlock()
		kept++
		if err != nil || !reflect.DeepEqual(c, &want) {
			differ++
			if differ <= 3 {
				t.Errorf("case %s kept as %+v\nits document decodes to %+v (%v)", c.Ref, c, &want, err)
			}
		}
	})()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "demo.db.partial"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := demo.FastWrites(ctx, db.Raw()); err != nil {
		t.Fatal(err)
	}
	if err := db.DeferDerived(ctx); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(demo.DefaultStart)
	hf, err := app.New(db, app.Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 4, 11, 30, 0, 0, time.UTC)
	if _, err := demo.Generate(ctx, hf.Svc, hf.Store, clk, demo.Options{Seed: 3, Cases: 20, Now: now, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	taken := db.WrittenTaken()
	t.Logf("%d cases kept, %d prefetches answered from them", kept, taken)
	if kept == 0 || taken == 0 || differ > 0 {
		t.Errorf("%d cases kept, %d differ from their documents; %d prefetches took one", kept, differ, taken)
	}
}
