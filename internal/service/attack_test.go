package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An attack (issue 16, item 2) sent "version": -1, the value that lets the
// watchdog act on whatever version is current, and so skipped the
// lost-update check. A person's command naming no version a case can have
// (-1, 0 or below) is refused with a problem on "version", and nothing is
// written; the system actors keep AnyVersion.
func TestAttackVersionMinusOneIsRefusedForPeople(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		act := ok(t)(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Visit the school"}))
		before, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		commands := map[string]func(v int64) (*domain.Case, error){
			"add note": func(v int64) (*domain.Case, error) {
				return f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: v, Text: "written blind"})
			},
			"allocate action": func(v int64) (*domain.Case, error) {
				return f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: v,
					Action: act.Actions[0].ID, To: f.Investigator2.ID()})
			},
			"assign owner": func(v int64) (*domain.Case, error) {
				return f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: v, OwnerID: f.Investigator2.ID()})
			},
			"update case": func(v int64) (*domain.Case, error) {
				summary := "rewritten without reading"
				return f.Svc.UpdateCase(ctx, f.Investigator, c.ID, service.CaseUpdate{Version: v, Summary: &summary})
			},
		}
		for name, run := range commands {
			for _, v := range []int64{service.AnyVersion, 0, -7} {
				_, err := run(v)
				ps, isProblem := domain.AsProblems(err)
				if !isProblem || len(ps) != 1 || ps[0].Field != "version" || ps[0].Rule != "required" {
					t.Errorf("%s with version %d by a person: got %v, want one problem on version, rule required", name, v, err)
				}
			}
		}
		after, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("refused commands appended %d events", after-before)
		}
		now, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version != act.Version {
			t.Errorf("case at version %d after refused commands, want %d", now.Version, act.Version)
		}
		// The system actors still act on whatever version is current.
		sys := service.SystemActor("importer")
		if _, err := f.Svc.AddNote(ctx, sys, c.ID, service.NewNote{Version: service.AnyVersion, Text: "imported note"}); err != nil {
			t.Errorf("a system actor with AnyVersion was refused: %v", err)
		}
	})
}

// An administrator's real sweep dated in the future is refused and writes
// nothing (issue 16 item 7: POST /sweep with as_of in 2035 would have
// written 1,198 escalations for the future, permanently); a dry run may look
// ahead, and the watchdog itself sweeps at the time it is given.
func TestAttackSweepDatedInTheFuture(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		f.Allocated(t)
		before, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		future := f.Clock.Now().AddDate(9, 0, 0)
		_, err = f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: future})
		if p, ok := domain.AsProblems(err); !ok || len(p) != 1 || p[0].Field != "as_of" || p[0].Rule != "date_in_future" {
			t.Fatalf("a real sweep dated %s: %v, want a refusal naming as_of", future.Format("2006"), err)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("the refused sweep wrote %d events", after-before)
		}
		rep, err := f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: future, DryRun: true})
		if err != nil || len(rep.Escalations) == 0 {
			t.Fatalf("a dry run may look ahead: %v, %d escalations", err, len(rep.Escalations))
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("the dry run wrote %d events", after-before)
		}
		if _, err := f.Svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: f.Clock.Now().Add(time.Minute)}); err != nil {
			t.Fatalf("a sweep a minute ahead (clock skew) refused: %v", err)
		}
	})
}
