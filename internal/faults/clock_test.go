package faults_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestClockStepsBackAndForward: the wall clock under Holdfast (the record's
// clock.Monotonic over a manual clock) steps back an hour, forward a day,
// and back a day again (the NTP correction of the forward step), with
// writers busy and the watchdog sweeping after each step; then an
// instance restarted with its wall clock still an hour behind writes
// more. The log's times never go back; no duty is escalated twice to a
// level, none skips a level; a final sweep leaves nothing due unescalated.
func TestClockStepsBackAndForward(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		wall := clock.NewManual(fixture.Start)
		var stepsBack int
		rec := clock.NewMonotonic(wall, time.Time{}, func(time.Duration) { stepsBack++ })
		f := fixture.New(t, db, func(c *app.Config) { c.Clock = rec })
		for i := 0; i < 6; i++ {
			f.Allocated(t)
		}
		sys := service.SystemActor("watchdog")
		sweep := func(svc *service.Service) {
			t.Helper()
			if _, err := svc.Sweep(ctx, sys, service.SweepOptions{Overdue: service.OverdueNone}); err != nil {
				t.Fatal(err)
			}
		}
		wall.Advance(3 * 24 * time.Hour) // duties fall due
		sweep(f.Svc)
		for _, step := range []time.Duration{-time.Hour, 24 * time.Hour, -24 * time.Hour} {
			load := faults.Start(f.Svc, f.Investigator, f.TeamA, 4)
			faults.WaitFor(5*time.Second, func() bool { return load.Acked() > 10 })
			wall.Advance(step)
			sweep(f.Svc)
			faults.WaitFor(5*time.Second, func() bool { return load.Acked() > 30 })
			acked, other := load.Stop()
			if other != nil {
				t.Fatalf("a write after a %v step failed: %v", step, other)
			}
			if _, err := faults.Chain(ctx, db); err != nil {
				t.Fatalf("after the wall clock stepped %v (%d writes): %v", step, len(acked), err)
			}
		}
		if stepsBack != 2 {
			t.Fatalf("%d steps back reported, want 2", stepsBack)
		}
		// A restart while the wall clock is still behind the log.
		restarted, err := app.New(db, app.Config{Clock: clock.NewMonotonic(clock.NewManual(wall.Now().Add(-time.Hour)), time.Time{}, nil)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := restarted.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA,
			Summary: "after a restart behind the log", OffenceTypes: []string{"child_sexual_exploitation"}}); err != nil {
			t.Fatal(err)
		}
		wall.Advance(40 * 24 * time.Hour)
		sweep(f.Svc)
		if left, err := db.ActionableDuties(ctx, rec.Now(), 1000); err != nil || len(left) != 0 {
			t.Fatalf("after the last sweep %d duties are still due a step: %v", len(left), err)
		}
		levels := map[string][]int{}
		err = db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
			if e.Type != domain.EvDutyEscalated {
				return nil
			}
			var p domain.DutyEscalated
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return err
			}
			levels[p.ID] = append(levels[p.ID], p.Level)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(levels) == 0 {
			t.Fatal("nothing was escalated: the test proves nothing")
		}
		for id, ls := range levels {
			for i, l := range ls {
				if l != i+1 {
					t.Fatalf("duty %s escalated to levels %v: want each level once, in order", id, ls)
				}
			}
		}
		faults.Intact(t, f.Svc, f.Admin, db, nil)
		t.Logf("%d duties escalated, each level once, in order", len(levels))
	})
}
