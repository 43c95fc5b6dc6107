package service_test

// The conformance suite: every test here runs on SQLite and on PostgreSQL.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var ctx = context.Background()

func checkChain(t *testing.T, st store.Store) int64 {
	t.Helper()
	var prev []byte
	var n int64
	err := st.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
		n++
		if e.Seq != n {
			return fmt.Errorf("sequence gap: want %d, got %d", n, e.Seq)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			return fmt.Errorf("event %d: prev hash does not match event %d", e.Seq, e.Seq-1)
		}
		l, err := e.Leaf()
		if err != nil {
			return err
		}
		if !bytes.Equal(e.Hash, event.ChainHash(prev, event.LeafHash(l))) {
			return fmt.Errorf("event %d: hash does not match contents", e.Seq)
		}
		prev = e.Hash
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func noDifference(t *testing.T, st store.Store) {
	t.Helper()
	_, d, err := replay.Compare(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if d != nil {
		t.Fatalf("rebuild differs: %s", d)
	}
}

// TestRandomWorkloadRebuildsExactly runs a seeded random mix of every
// command, then replays the log and requires identical projections.
func TestRandomWorkloadRebuildsExactly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		r := rand.New(rand.NewPCG(42, 7))
		var cases []*domain.Case
		writers := []*service.Actor{f.Investigator, f.Investigator2, f.Supervisor, f.Inspector}
		for i := 0; i < 150; i++ {
			f.Clock.Advance(time.Duration(r.IntN(7200)) * time.Second)
			if len(cases) == 0 || r.IntN(6) == 0 {
				cases = append(cases, f.Referral(t))
				continue
			}
			k := r.IntN(len(cases))
			c, err := db.Case(ctx, cases[k].ID)
			if err != nil {
				t.Fatal(err)
			}
			a := writers[r.IntN(len(writers))]
			switch r.IntN(8) {
			case 0:
				_, err = f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
					OwnerID: []string{f.Investigator.ID(), f.Investigator2.ID()}[r.IntN(2)], Reason: "allocation"})
			case 1:
				_, err = f.Svc.AddVictim(
					ctx,
					a,
					c.ID,
					service.NewVictim{Version: c.Version, Name: fmt.Sprintf("Child %d", i),
						DateOfBirth: "2012-05-01"},
				)
			case 2:
				_, err = f.Svc.AddSuspect(
					ctx,
					a,
					c.ID,
					service.NewSuspect{Version: c.Version, Name: fmt.Sprintf("Suspect %d", i)},
				)
			case 3:
				_, err = f.Svc.RaiseAction(
					ctx,
					a,
					c.ID,
					service.NewAction{Version: c.Version, Title: fmt.Sprintf("Action %d", i),
						Priority: "high"},
				)
			case 4:
				_, err = f.Svc.AddNote(
					ctx,
					a,
					c.ID,
					service.NewNote{Version: c.Version, Text: fmt.Sprintf("note %d", i)},
				)
			case 5:
				s := fmt.Sprintf("updated summary %d", i)
				_, err = f.Svc.UpdateCase(ctx, a, c.ID, service.CaseUpdate{Version: c.Version, Summary: &s})
			case 6:
				_, err = f.Svc.ViewCase(ctx, f.Auditor, c.Ref, "audit")
			case 7:
				_, err = f.Svc.AddPerson(
					ctx,
					a,
					c.ID,
					service.NewPerson{Version: c.Version, Name: "A Witness", Role: "witness"},
				)
			}
			var p domain.Problems
			if err != nil && !errors.As(err, &p) {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		if n := checkChain(t, db); n < 150 {
			t.Fatalf("only %d events", n)
		}
		noDifference(t, db)
	})
}

func TestStaleVersionIsRefusedAndWritesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		if _, err := f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "first"}); err != nil {
			t.Fatal(err)
		}
		before, _ := db.LatestSeq(ctx)
		_, err := f.Svc.AddNote(ctx, f.Investigator2, c.ID, service.NewNote{Version: c.Version,
			Text: "based on an old version"})
		if !errors.Is(err, service.ErrConflict) {
			t.Fatalf("stale write: want conflict, got %v", err)
		}
		after, _ := db.LatestSeq(ctx)
		if after != before {
			t.Fatalf("a refused write appended %d events", after-before)
		}
		got, _ := db.Case(ctx, c.ID)
		if got.NoteCount != 1 {
			t.Fatalf("notes = %d, want 1", got.NoteCount)
		}
	})
}

// TestConcurrentWritersLoseNothing: 16 writers on two instances sharing one
// database race on one case version; exactly one wins; then each retries
// until its note is in, none is lost, and the log keeps one order.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		db := testdb.OpenDSN(t, dsn)
		f := fixture.New(t, db)
		second := service.New(testdb.OpenDSN(t, dsn), service.Options{Clock: f.Clock})
		instances := []*service.Service{f.Svc, second}
		c := f.Allocated(t)
		const writers = 16
		var wins, conflicts int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := 0; i < writers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := instances[i%2].AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
					Text: fmt.Sprintf("racer %d", i)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, service.ErrConflict):
					conflicts++
				default:
					t.Errorf("writer %d: %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		if wins != 1 || conflicts != writers-1 {
			t.Fatalf("wins=%d conflicts=%d, want 1 and %d", wins, conflicts, writers-1)
		}
		for i := 0; i < writers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for {
					cur, err := db.Case(ctx, c.ID)
					if err != nil {
						t.Error(err)
						return
					}
					_, err = instances[i%2].AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: cur.Version,
						Text: fmt.Sprintf("retrier %d", i)})
					if err == nil {
						return
					}
					if !errors.Is(err, service.ErrConflict) {
						t.Error(err)
						return
					}
				}
			}(i)
		}
		wg.Wait()
		got, _ := db.Case(ctx, c.ID)
		if got.NoteCount != 1+writers {
			t.Fatalf("notes = %d, want %d", got.NoteCount, 1+writers)
		}
		checkChain(t, db)
		noDifference(t, db)
	})
}

// TestRefusedCommandsSayWhyAndWriteNothing sends bad input to each command
// and requires every problem named and the record untouched.
func TestRefusedCommandsSayWhyAndWriteNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		cases := []struct {
			name   string
			run    func() error
			fields []string
		}{
			{"referral without anything", func() error {
				_, err := f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA, Marking: "TOP"})
				return err
			}, []string{"summary", "offence_types", "marking"}},
			{"referral to a department", func() error {
				_, err := f.Svc.OpenReferral(
					ctx,
					f.Investigator,
					service.NewReferral{TeamID: "nope", Summary: "x", OffenceTypes: []string{"x"}},
				)
				return err
			}, []string{"team_id"}},
			{"victim with bad date", func() error {
				_, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version,
					DateOfBirth: "31/02/2010"})
				return err
			}, []string{"name", "dob"}},
			{"owner who is not in the team", func() error {
				_, err := f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
					OwnerID: f.OtherTeam.ID()})
				return err
			}, []string{"owner_id"}},
			{"action with bad priority", func() error {
				_, err := f.Svc.RaiseAction(
					ctx,
					f.Investigator,
					c.ID,
					service.NewAction{Version: c.Version, Priority: "urgent!"},
				)
				return err
			}, []string{"title", "priority"}},
			{"user with everything wrong", func() error {
				_, err := f.Svc.CreateUser(
					ctx,
					f.Admin,
					service.NewUser{
						Username: "A B",
						Rank:     "general",
						UnitID:   "nowhere",
						Roles:    []domain.Role{"wizard"},
						Password: "short",
					},
				)
				return err
			}, []string{"username", "name", "collar", "rank", "unit_id", "roles[0]", "password"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := db.LatestSeq(ctx)
				err := tc.run()
				p, ok := domain.AsProblems(err)
				if !ok {
					t.Fatalf("want problems, got %v", err)
				}
				have := map[string]bool{}
				for _, pr := range p {
					have[pr.Field] = true
					if pr.Message == "" || pr.Rule == "" {
						t.Errorf("problem without message or rule: %+v", pr)
					}
				}
				for _, want := range tc.fields {
					if !have[want] {
						t.Errorf("no problem named field %q; got %v", want, p)
					}
				}
				if after, _ := db.LatestSeq(ctx); after != before {
					t.Fatalf("refused command appended %d events", after-before)
				}
			})
		}
		noDifference(t, db)
	})
}

func TestReadsAreLoggedWithoutChangingTheCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		got, err := f.Svc.ViewCase(ctx, f.Auditor, c.Ref, "routine audit")
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != c.Version {
			t.Fatalf("a read moved the version from %d to %d", c.Version, got.Version)
		}
		evs, _ := db.CaseEvents(ctx, c.ID)
		last := evs[len(evs)-1]
		if last.Type != domain.EvCaseViewed || last.Actor != f.Auditor.ID() {
			t.Fatalf("last event = %s by %s, want case.viewed by the auditor", last.Type, last.Actor)
		}
		if _, err := f.Svc.ViewCase(ctx, f.OtherTeam, c.Ref, ""); !errors.Is(err, service.ErrNotFound) {
			t.Fatalf("a user outside the chain read the case: %v", err)
		}
		if n, _ := db.CaseEvents(ctx, c.ID); len(n) != len(evs) {
			t.Fatal("a refused read was logged as a read")
		}
	})
}

// TestNeedToKnow: who can see and who can change a TeamA case.
func TestNeedToKnow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		see := map[string]bool{
			"investigator":   true,
			"supervisor":     true,
			"manager":        true,
			"auditor":        true,
			"analyst":        true,
			"victim_liaison": true,
			"inspector":      true,
			"administrator":  false,
			"other_team":     false,
		}
		write := map[string]bool{"investigator": true, "supervisor": true, "manager": true}
		for name, a := range f.Actors() {
			_, err := f.Svc.ViewCase(ctx, a, c.Ref, "")
			if got := err == nil; got != see[name] {
				t.Errorf("%s sees case: %v, want %v (%v)", name, got, see[name], err)
			}
			cur, _ := db.Case(ctx, c.ID)
			_, err = f.Svc.RaiseAction(ctx, a, c.ID, service.NewAction{Version: cur.Version, Title: "check " + name})
			if got := err == nil; got != write[name] {
				t.Errorf("%s raises action: %v, want %v (%v)", name, got, write[name], err)
			}
			rows, err := f.Svc.ListCases(ctx, a, store.CaseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(rows) == 1; got != see[name] {
				t.Errorf("%s lists %d cases, want visible=%v", name, len(rows), see[name])
			}
		}
	})
}

func TestTamperedProjectionIsNamed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		f.Allocated(t)
		c := f.Allocated(t)
		noDifference(t, db)
		doc := `{"id":"` + c.ID + `","ref":"` + c.Ref + `","status":"closed"}`
		q := "UPDATE cases SET doc = ? WHERE id = ?"
		if db.Engine() == "postgres" {
			q = "UPDATE cases SET doc = $1 WHERE id = $2"
		}
		if _, err := db.Raw().Exec(q, doc, c.ID); err != nil {
			t.Fatal(err)
		}
		_, d, err := replay.Compare(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil || d.Ref != c.Ref {
			t.Fatalf("difference = %v, want one naming %s", d, c.Ref)
		}
	})
}
