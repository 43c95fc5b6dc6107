package service_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A tester refusing a transfer with no reason, on the page headed "Refuse
// the transfer", was told to "say why the transfer is rejected": the page
// and its error now use one word, and the error says how much is wanted.
func TestRefusingATransferIsCalledRefusing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.ProposeTransfer(ctx, f.Investigator, c.ID, service.ProposeTransfer{Version: c.Version,
			ToTeam: f.TeamB, Reason: "suspect lives in the south"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Svc.RejectTransfer(ctx, f.Inspector, c.ID, service.RejectTransfer{Version: c.Version, Reason: "no"})
		ps, ok := domain.AsProblems(err)
		if !ok || len(ps) != 1 || ps[0].Field != "reason" || !strings.Contains(ps[0].Message, "refused") ||
			strings.Contains(ps[0].Message, "reject") || !strings.Contains(ps[0].Message, "5 characters") {
			t.Fatalf("refusing with no reason: %v, want one problem saying why the transfer is refused", err)
		}
		if got := domain.DutyKindLabel("transfer_accept"); strings.Contains(got, "reject") {
			t.Errorf("the transfer's duty reads %q: the page says refuse", got)
		}
	})
}
