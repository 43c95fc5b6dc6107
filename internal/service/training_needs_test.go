package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// RequireTraining puts in force the shipped policy with one requirement:
// the owner of a child sexual exploitation case holds PIP2.
func requireTraining(t testing.TB, f *fixture.Force) {
	t.Helper()
	src := strings.Replace(string(policy.DefaultYAML()), "  override_max: 7 days",
		"  override_max: 7 days\n  requirements:\n    owner:\n"+
			"      - {id: cse_owner_pip2, needs: pip2, offences: [CSE], why: \"serious and complex\"}", 1)
	p, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Training.Requirements[policy.NeedOwner]) != 1 {
		t.Fatal("the requirement did not reach the policy")
	}
	if err := f.Svc.SetPolicy(p); err != nil {
		t.Fatal(err)
	}
}

func awardFor(t *testing.T, f *fixture.Force, u *service.Actor, kind string, from, to time.Time) {
	t.Helper()
	in := service.AwardAccreditation{User: u.ID(), Kind: kind, AwardedOn: from.Format(time.DateOnly)}
	if !to.IsZero() {
		in.Expires = to.Format(time.DateOnly)
	}
	if _, err := f.Svc.AwardAccreditation(context.Background(), f.Admin, in); err != nil {
		t.Fatal(err)
	}
}

// TestTrainingNeeds: a manager sees who holds work the policy says needs
// an accreditation they lack, with the cases; accreditations lapsing in
// the next 90 days; and the share of such work done by accredited
// officers this month — which moves when the accreditation is recorded.
// Only those who answer for a team see it, and the cases shown are a
// recorded read.
func TestTrainingNeeds(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t) // ivy owns a CSE case
		requireTraining(t, f)
		today := f.Clock.Now()
		awardFor(t, f, f.Investigator, "abe", today.AddDate(-2, 0, 0), today.AddDate(0, 0, 30))
		awardFor(t, f, f.Investigator2, "pip2", today.AddDate(-1, 0, 0), today.AddDate(0, 0, 200))
		awardFor(t, f, f.Supervisor, "cse_course", today.AddDate(-1, 0, 0), today.AddDate(0, 0, 89))

		before, _ := db.LatestSeq(ctx)
		n, err := f.Svc.TrainingNeeds(ctx, f.Manager, service.TrainingNeedsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if !n.Requirements || len(n.Gaps) != 1 {
			t.Fatalf("gaps %+v, want ivy lacking pip2", n.Gaps)
		}
		g := n.Gaps[0]
		if g.UserID != f.Investigator.ID() || g.Person != "DC Ivy Investigator" || g.Kind != "pip2" ||
			g.As != policy.NeedOwner || !slices.Equal(g.Cases, []string{c.Ref}) || !strings.Contains(g.KindLabel, "PIP level 2") {
			t.Fatalf("gap %+v", g)
		}
		// Expiries: soonest first; ian's PIP2 in 200 days is not listed.
		var exp []string
		for _, e := range n.Expiring {
			exp = append(exp, e.Person+" "+e.Kind)
		}
		if !slices.Equal(exp, []string{"DC Ivy Investigator abe", "DS Sam Supervisor cse_course"}) {
			t.Fatalf("expiring %v", exp)
		}
		m := len(n.Months) - 1
		if len(n.Share) != 1 || n.Share[0].Kind != "pip2" || n.Share[0].Worked[m] != 1 || n.Share[0].Accredited[m] != 0 {
			t.Fatalf("share %+v, want this month 1 case worked, 0 by an accredited owner", n.Share)
		}
		// The read of the case shown is recorded.
		var read domain.RecordsRead
		found := false
		err = db.ScanEvents(ctx, before+1, 1<<62, func(e *event.Event) error {
			if e.Type == domain.EvRecordsRead && e.Actor == f.Manager.ID() {
				found = json.Unmarshal(e.Payload, &read) == nil
			}
			return nil
		})
		if err != nil || !found || read.View != "training.needs" || !slices.Equal(read.Cases, []string{c.ID}) {
			t.Fatalf("read not recorded: %v %+v", err, read)
		}

		// Ivy is accredited: the gap closes, the month's work was accredited.
		awardFor(t, f, f.Investigator, "pip2", today, time.Time{})
		n, err = f.Svc.TrainingNeeds(ctx, f.Supervisor, service.TrainingNeedsQuery{Team: f.TeamA})
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Gaps) != 0 || n.Share[0].Accredited[m] != 1 {
			t.Fatalf("after the award: gaps %+v share %+v", n.Gaps, n.Share)
		}

		// Who may see it, and which teams.
		if _, err := f.Svc.TrainingNeeds(ctx, f.Investigator, service.TrainingNeedsQuery{}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator: %v, want forbidden", err)
		}
		n, err = f.Svc.TrainingNeeds(ctx, f.OtherTeam, service.TrainingNeedsQuery{})
		if err != nil || len(n.Teams) != 1 || n.Teams[0].ID != f.TeamC || len(n.Expiring) != 0 {
			t.Fatalf("another team's supervisor: %v %+v", err, n)
		}
		_, err = f.Svc.TrainingNeeds(ctx, f.OtherTeam, service.TrainingNeedsQuery{Team: f.TeamA})
		if !slices.Equal(grantRules(err), []string{"unknown_team"}) {
			t.Errorf("a team outside the reader's command: %v", err)
		}
	})
}

// TestTrainingNeedsOfActions: an officer given a line of enquiry whose
// requirement they do not meet, under a manager's override, is still a
// training need — listed for the action, tagged as overridden.
func TestTrainingNeedsOfActions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		src := strings.Replace(string(policy.DefaultYAML()), "  override_max: 7 days",
			"  override_max: 7 days\n  requirements:\n    action:\n"+
				"      - {id: every_action_abe, needs: abe, why: \"interviews of children\"}", 1)
		p, err := policy.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.SetPolicy(p); err != nil {
			t.Fatal(err)
		}
		c, err = f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Video-recorded interview of the victim"})
		if err != nil {
			t.Fatal(err)
		}
		act := c.Actions[len(c.Actions)-1].ID
		ian := f.Investigator2.ID()
		_, err = f.Svc.AllocateAction(ctx, f.Supervisor, c.ID, service.AllocateAction{Version: c.Version, Action: act, To: ian})
		if len(grantRules(err)) == 0 || grantRules(err)[0] != "every_action_abe" {
			t.Fatalf("allocation to an officer without ABE: %v", err)
		}
		c, err = f.Svc.OverrideTraining(ctx, f.Manager, c.ID, service.OverrideTraining{Version: c.Version,
			Work: "action", Action: act, User: ian, Reason: "Only ABE-trained officer is on leave tonight", Hours: 24})
		if err != nil {
			t.Fatal(err)
		}
		if _, err = f.Svc.AllocateAction(ctx, f.Supervisor, c.ID, service.AllocateAction{Version: c.Version, Action: act,
			To: ian}); err != nil {
			t.Fatal(err)
		}
		n, err := f.Svc.TrainingNeeds(ctx, f.Manager, service.TrainingNeedsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Gaps) != 1 {
			t.Fatalf("gaps %+v, want ian lacking ABE for the action", n.Gaps)
		}
		if g := n.Gaps[0]; g.UserID != ian || g.Kind != "abe" || g.As != policy.NeedAction || g.Overridden != 1 ||
			!slices.Equal(g.Cases, []string{c.Ref}) {
			t.Fatalf("gap %+v", g)
		}
		if len(n.Share) != 0 {
			t.Errorf("no owner requirement, yet a share is charted: %+v", n.Share)
		}
	})
}

// TestTrainingNeedsOfApprovers: the approver of a team's proposed closure
// usually sits above the team (an inspector); lacking the accreditation
// the approval needs, they are one of the team's training needs.
func TestTrainingNeedsOfApprovers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		award(t, f, f.Investigator, "pip2", "")
		withGate(t, f)
		c := permCase{f: f, t: t}.proposed() // outcome 15, a child victim: an inspector approves
		n, err := f.Svc.TrainingNeeds(context.Background(), f.Supervisor, service.TrainingNeedsQuery{Team: f.TeamA})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, g := range n.Gaps {
			found = found || g.As == policy.NeedApprover && g.Kind == "pip2" && slices.Contains(g.Cases, c.Ref)
		}
		if !found {
			t.Fatalf("gaps %+v: the approver above the team lacking PIP2 is missing", n.Gaps)
		}
	})
}
