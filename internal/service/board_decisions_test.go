package service_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestBoardDecisionsAuthoriseAndRecord: the decisions waiting on a team —
// a referral to allocate, a transfer offered to it — are a supervisor's or
// manager's to read, never an investigator's; they come oldest first with
// who sent the transfer, from which team, and whose decision each is; and
// the read names every case shown, as the board's other lists do.
func TestBoardDecisionsAuthoriseAndRecord(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		if _, err := f.Svc.BoardDecisions(ctx, f.Investigator); !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("an investigator reads the board's decisions: %v", err)
		}
		moving, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "Op Lantern",
			OffenceTypes: []string{"child_sexual_exploitation"}, Source: "MASH"})
		if err != nil {
			t.Fatal(err)
		}
		if moving, err = f.Svc.ProposeTransfer(ctx, f.OtherTeam, moving.ID, service.ProposeTransfer{
			Version: moving.Version, ToTeam: f.TeamA, Reason: "The girl lives in the north"}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Hour)
		r := f.Referral(t)
		seq, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}

		ds, err := f.Svc.BoardDecisions(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds.Transfers) != 1 {
			t.Fatalf("transfers: %+v", ds.Transfers)
		}
		tr := ds.Transfers[0]
		if tr.CaseRef != moving.Ref || tr.Kind != duty.TransferAccept || tr.By != f.OtherTeam.ID() ||
			tr.FromTeam != f.TeamC || tr.Decider != f.Supervisor.ID() || tr.Summary != "Op Lantern" ||
			!tr.Since.Equal(moving.Transfer.ProposedAt) {
			t.Errorf("the transfer: %+v", tr)
		}
		if len(ds.Referrals) != 1 || ds.Referrals[0].CaseRef != r.Ref || ds.Referrals[0].Decider != f.Supervisor.ID() ||
			!ds.Referrals[0].Since.Equal(r.OpenedAt) || ds.Referrals[0].Due.IsZero() {
			t.Errorf("the referrals: %+v", ds.Referrals)
		}
		reads := readsSince(t, db, seq)
		if len(reads) != 1 || reads[0].View != service.ReadTeam || !slices.Contains(reads[0].Cases, moving.ID) ||
			!slices.Contains(reads[0].Cases, r.ID) {
			t.Errorf("the read of the decisions is not recorded with their cases: %+v", reads)
		}
	})
}
