package service_test

import (
	"context"
	"testing"

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
