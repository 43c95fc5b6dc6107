package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLeaverInTheSameBatchAsAnAllocation: writes are committed in groups,
// so a case allocated to an officer and the officer's leaving can be one
// transaction. The leaver's cases were found by a read of the duty index
// outside it, which missed the victim duties the allocation had just
// handed them, so the victim stayed owed contact by someone who had left.
func TestLeaverInTheSameBatchAsAnAllocation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Referral(t)
		c, err := f.Svc.AddVictim(ctx, f.Liaison, c.ID, service.NewVictim{Version: c.Version, Name: "Vicky",
			DateOfBirth: "2011-04-02"})
		if err != nil {
			t.Fatal(err)
		}
		v := c.Victims[0].ID
		// Hold the committer while the allocation and then the leaving
		// queue behind it, so that both go in its next batch, in order.
		holding, release := make(chan struct{}), make(chan struct{})
		held := make(chan error, 1)
		go func() {
			held <- db.Write(ctx, func(store.Tx) error { close(holding); <-release; return nil })
		}()
		<-holding
		allocated, left := make(chan error, 1), make(chan error, 1)
		go func() {
			_, err := f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
				OwnerID: f.Investigator2.ID(), Reason: "allocation"})
			allocated <- err
		}()
		time.Sleep(300 * time.Millisecond)
		go func() {
			left <- f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator2.ID(), Reason: "retired"})
		}()
		time.Sleep(300 * time.Millisecond)
		close(release)
		for _, ch := range []chan error{held, allocated, left} {
			if err := <-ch; err != nil {
				t.Fatal(err)
			}
		}
		c, err = db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := victimDuty(c, duty.FirstVictimContact, v)
		if d == nil || d.Accountable != f.Supervisor.ID() {
			t.Fatalf("after the officer given the case left, first contact is owed by %+v, want the supervisor", d)
		}
	})
}
