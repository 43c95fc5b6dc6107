package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// rerunStore is a SQL store whose every write, while rerun is set, runs
// twice: its first run is rolled back whole and it runs again, as a write
// whose prefetched case went stale does on PostgreSQL (staleStore). Unlike
// staleStore it needs no case, so it reaches writes of anything, on
// either engine.
type rerunStore struct {
	*sqlstore.DB
	rerun bool
	// between, if set, runs once between a write's two runs.
	between func()
}

var errRollBack = errors.New("the first run, rolled back")

func (s *rerunStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	if s.rerun {
		if err := s.DB.Write(ctx, func(tx store.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errRollBack
		}); !errors.Is(err, errRollBack) {
			return err
		}
		if h := s.between; h != nil {
			s.between = nil
			h()
		}
	}
	return s.DB.Write(ctx, fn)
}

// TestPasswordChangeRunTwiceAsOnce: a password change whose write runs
// twice logs what ended once, not a note for each run.
func TestPasswordChangeRunTwiceAsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		st := &rerunStore{DB: db}
		f := fixture.New(t, st)
		ctx := from("192.0.2.31")
		s1, err := f.Svc.SignIn(ctx, "ivy", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.SignIn(ctx, "ivy", fixture.Password); err != nil {
			t.Fatal(err)
		}
		st.rerun = true
		if err := f.Svc.ChangePassword(ctx, s1.Actor, s1.Token, service.PasswordChange{Current: fixture.Password,
			New: "purple tractor umbrella"}); err != nil {
			t.Fatal(err)
		}
		st.rerun = false
		rows, err := f.Svc.SecurityLog(ctx, f.Admin, service.SecurityQuery{Kind: service.EvPasswordChanged})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || strings.Count(rows[0].Detail, "session(s) ended") != 1 {
			t.Fatalf("password change run twice logged %+v, want one row saying once what ended", rows)
		}
	})
}

// TestImportRunTwiceAsOnce: an import whose write runs twice reports
// what it did once, not the sum of both runs.
func TestImportRunTwiceAsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		st := &rerunStore{DB: db, rerun: true}
		f := fixture.New(t, st)
		file := readFile(t, "../casefile/testdata/example.jsonl")
		imp := service.SystemActor("import")
		for _, dry := range []bool{true, false} {
			rep, err := f.Svc.Import(context.Background(), imp, "legacy.jsonl", file, dry)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Cases != 2 || rep.Units != 1 || rep.Officers != 2 || rep.Skipped != 0 || len(rep.Refs) != 2 {
				t.Fatalf("import (dry run %v) run twice reported %+v: want 2 cases, 1 unit, 2 officers, 2 refs",
					dry, rep)
			}
		}
	})
}

// TestSecondStepRunTwiceAsOnce: a code the first run of a second step's
// write accepted, but another sign-in used before the run that counts, is
// refused: the first run's verdict does not stay.
func TestSecondStepRunTwiceAsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		st := &rerunStore{DB: db}
		f := fixture.New(t, st)
		if err := f.Svc.SetPolicy(policy.Default()); err != nil { // mfa_required: all
			t.Fatal(err)
		}
		ctx := from("192.0.2.41")
		p, err := f.Svc.SignIn(ctx, "ivy", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		offer, err := f.Svc.OfferTOTP(ctx, nil, p.Token)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.Svc.EnrolTOTP(ctx, nil, p.Token, codeAt(t, offer.Secret, f.Clock.Now())); err != nil {
			t.Fatal(err)
		}
		s1, err := f.Svc.SignIn(ctx, "ivy", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := f.Svc.SignIn(ctx, "ivy", fixture.Password)
		if err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(30 * time.Second)
		code := codeAt(t, offer.Secret, f.Clock.Now())
		st.rerun = true
		st.between = func() {
			st.rerun = false
			if _, err := f.Svc.SecondStep(ctx, s2.Token, code); err != nil {
				t.Errorf("the other sign-in's second step: %v", err)
			}
		}
		if _, err := f.Svc.SecondStep(ctx, s1.Token, code); !errors.Is(err, service.ErrUnauthenticated) {
			t.Fatalf("a code used by another sign-in between the runs of the write: %v, want refused", err)
		}
	})
}
