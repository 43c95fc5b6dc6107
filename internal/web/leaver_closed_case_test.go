package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLeaversDutyOnAClosedCaseIsHandedOn: the walk of 2026-12-07 found the
// team board sending the supervisor to a closed case whose officer in
// charge had left, to hand on the victim's decision notice still owed by
// them, and the case offering no way to. The case page now offers the
// change of officer in charge (the service's assign-owner, asked through
// Permissions); done, the duty is the new officer's and the board lists
// nothing owed by a leaver. A closed case whose owner serves is not
// offered it.
func TestLeaversDutyOnAClosedCaseIsHandedOn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s := f.Svc
		c := closedWithVictim(t, f)
		owner := c.OwnerID
		notice := func(c *domain.Case) *domain.Duty {
			for i := range c.Duties {
				if d := &c.Duties[i]; d.Kind == duty.DecisionNotice && d.Status == domain.DutyOpen {
					return d
				}
			}
			return nil
		}
		if c.Status != domain.StatusClosed || notice(c) == nil || notice(c).Accountable != owner {
			t.Fatalf("the closed case owes no decision notice by its owner: %s %+v", c.Status, c.Duties)
		}
		sam := newClient(t, base, "sam")
		path := "/cases/" + request.PathRef(c.Ref)
		change := `href="` + path + `/do/assign-owner"`
		if _, page := sam.get(path); strings.Contains(page, change) {
			t.Fatal("a closed case whose officer in charge serves is offered a new one")
		}

		if err := s.UserLeaves(ctx, f.Admin, service.UserLeaves{User: owner, Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		// The victim is never owed word by a leaver: the notice is the
		// supervisor's as the owner leaves, until a new officer takes it.
		c, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if notice(c) == nil || notice(c).Accountable != f.Supervisor.ID() {
			t.Fatalf("once the owner has left the notice is %+v, want the supervisor's", notice(c))
		}
		_, board := sam.get("/team")
		if !strings.Contains(board, `href="`+path+`"`) {
			t.Fatalf("the board does not send the supervisor to the leaver's closed case:\n%s", board)
		}
		_, page := sam.get(path)
		if !strings.Contains(page, change) {
			t.Fatalf("the leaver's closed case offers no change of officer in charge:\n%s", page)
		}
		next := f.Investigator2.ID()
		if next == owner {
			next = f.Investigator.ID()
		}
		_, form := sam.get(path + "/do/assign-owner")
		status, body := sam.post(path+"/do/assign-owner", url.Values{"csrf": {sam.csrf(form)},
			"version": {itoa(c.Version)}, "owner_id": {next}, "reason": {"the officer in charge retired"}})
		if status != 200 || !strings.Contains(body, "Owner assigned") {
			t.Fatalf("change the officer in charge of the closed case: %d %s", status, errorSummary(body))
		}
		after, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != domain.StatusClosed || notice(after) == nil || notice(after).Accountable != next {
			t.Fatalf("after the change: %s, the notice %+v, want it owed by %s", after.Status, notice(after), next)
		}
		if _, board = sam.get("/team"); !strings.Contains(board, "Duties owed by people who have left (0)") {
			t.Fatalf("the board still lists duties owed by a leaver:\n%s", board)
		}
	})
}

// closedWithVictim is a case of team A owned by an investigator, closed
// by the inspector's approval with one victim, whom its owner must tell
// of the decision.
func closedWithVictim(t *testing.T, f *fixture.Force) *domain.Case {
	ctx, s := context.Background(), f.Svc
	c := f.Allocated(t)
	c = must(s.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
		DateOfBirth: "2011-01-01"}))
	v := c.Victims[0].ID
	c = must(s.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v,
		Kind: domain.ContactAccount, Method: "visit"}))
	c = must(s.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: v,
		View: "Does not want to go to court"}))
	c = must(s.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
		Summary: "Reviewed: nothing more can be done"}))
	c = must(s.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "15", Rationale: domain.Rationale{LinesConsidered: "Every line raised was considered and filed",
			WhyNoneRemain: "No other line of enquiry remains to follow", SuspectsStatus: "No suspect was identified",
			VictimView: "The victim does not support a prosecution"}}))
	return must(s.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
}
