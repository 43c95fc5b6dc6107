package service_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// checkInvariant: no case the force still owes work on is without an open
// duty owed by a serving person, and no allocated open case is without a
// serving owner.
//
// The one documented exception is a case whose owner has left: cases are not
// moved when someone leaves (Service.UserLeaves); the watchdog reports them
// as orphaned until a supervisor reassigns them. So a case without a serving
// owner passes only once a sweep has run since the owner left (the property
// sweeps straight after each leaver) and only if it carries a standing
// `orphaned` finding that a serving person must act on — that finding, not a
// duty, is then what keeps it from being forgotten.
func checkInvariant(t *testing.T, ctx context.Context, f *fixture.Force, step int, what string) {
	t.Helper()
	org, err := f.Store.Org(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = f.Store.ScanCases(ctx, func(c *domain.Case) error {
		if !c.Status.IsOpen() {
			return nil
		}
		if c.Status != domain.StatusReferral {
			if u := org.Users[c.OwnerID]; u == nil || !u.Active {
				if u != nil && orphanFlagged(c, org) {
					return nil
				}
				t.Fatalf(
					"step %d (%s): open case %s has no serving owner, and no orphaned finding for a serving person: %+v",
					step,
					what,
					c.Ref,
					c.Findings,
				)
			}
		}
		awaitedDecisionsOwed(t, c, step, what)
		victimsOwed(t, c, org, step, what)
		reviewersMayFile(t, ctx, f, c, org, step, what)
		served := false
		for _, d := range c.OpenDuties() {
			if u := org.Users[d.Accountable]; u != nil && u.Active {
				served = true
			}
		}
		if !served {
			t.Fatalf(
				"step %d (%s): open case %s (%s) has no open duty owed by a serving person: %+v",
				step,
				what,
				c.Ref,
				c.Status,
				c.Duties,
			)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// awaitedDecisionsOwed: whatever decision an open case still awaits (its
// closure's approval, a transfer's acceptance, a victim's review request,
// an emergency access's review, an audit finding's answer) is an open
// duty — never waived away while the case still says it awaits it.
func awaitedDecisionsOwed(t *testing.T, c *domain.Case, step int, what string) {
	t.Helper()
	var awaits [][2]string
	if cl := c.Closure; cl.Open() {
		awaits = append(awaits, [2]string{duty.ClosureApproval, cl.ID})
	}
	if tr := c.Transfer; tr != nil {
		awaits = append(awaits, [2]string{duty.TransferAccept, tr.ID})
	}
	if v := c.PendingVRR(); v != nil {
		awaits = append(awaits, [2]string{duty.VRRReview, v.ID})
	}
	for _, g := range c.BreakGlass {
		if g.ReviewedBy == "" {
			awaits = append(awaits, [2]string{duty.BreakGlassReview, g.ID})
		}
	}
	for _, x := range c.Findings {
		if domain.IsAuditFinding(x.Kind) && x.Resolved.IsZero() && x.MustAct != "" {
			awaits = append(awaits, [2]string{duty.FindingResponse, x.ID})
		}
	}
	for _, a := range awaits {
		owed := false
		for _, d := range c.OpenDuties() {
			owed = owed || (d.Kind == a[0] && d.Subject == a[1])
		}
		if !owed {
			t.Fatalf("step %d (%s): %s awaits %s %s but no open duty owes it: %+v", step, what, c.Ref, a[0], a[1],
				c.Duties)
		}
	}
}

// victimsOwed: each victim of an open case is owed her first contact (or,
// once contacted, her next update) by a serving person, allocated or not
// — the Victims' Code's clock runs from when she is recorded (the browser
// walk found victims of unallocated referrals owed nothing). A waiver
// stands for its cycle. An orphaned case is no exception: its other
// duties stay with the leaver and the finding is what is owed for them,
// but a leaver's victim duties move to the supervisor as they leave.
func victimsOwed(t *testing.T, c *domain.Case, org *domain.OrgState, step int, what string) {
	t.Helper()
	for _, v := range c.Victims {
		kind := duty.FirstVictimContact
		if v.ContactCount > 0 {
			kind = duty.VictimUpdate
		}
		owed := false
		for _, d := range c.Duties {
			if d.Kind != kind || d.Subject != v.ID {
				continue
			}
			u := org.Users[d.Accountable]
			owed = owed || d.Status == domain.DutyWaived || (d.Status == domain.DutyOpen && u != nil && u.Active)
		}
		if !owed {
			t.Fatalf("step %d (%s): open case %s (%s) owes victim %s no %s by a serving person: %+v", step, what,
				c.Ref, c.Status, v.ID, kind, c.Duties)
		}
	}
}

// reviewersMayFile: whoever owes a resulted action's review may do it —
// the service lets them file it — so nobody is owed a review they would
// be refused (it was owed by the officer in charge while the sergeant did
// it).
func reviewersMayFile(t *testing.T, ctx context.Context, f *fixture.Force, c *domain.Case, org *domain.OrgState,
	step int, what string) {
	t.Helper()
	actors := map[string]*service.Actor{}
	for _, a := range append([]*service.Actor{f.Investigator2, f.Inspector}, slices.Collect(maps.Values(f.Actors()))...) {
		actors[a.ID()] = a
	}
	for _, d := range c.OpenDuties() {
		if d.Kind != duty.ActionReview {
			continue
		}
		a := actors[d.Accountable]
		if u := org.Users[d.Accountable]; a == nil || u == nil || !u.Active {
			t.Fatalf("step %d (%s): %s's review of %s is owed by %q, not a serving officer", step, what, c.Ref,
				d.Subject, d.Accountable)
		}
		perm, err := f.Svc.Permissions(ctx, a, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !perm.CanOn("file-action", d.Subject) {
			t.Fatalf("step %d (%s): %s's review of %s is owed by %s, who may not file it: %s", step, what, c.Ref,
				d.Subject, a.User.Username, perm.WhyOn("file-action", d.Subject))
		}
	}
}

// orphanFlagged reports whether c carries a standing orphaned finding that a
// serving person must act on.
func orphanFlagged(c *domain.Case, org *domain.OrgState) bool {
	for _, x := range c.Findings {
		if x.Kind == service.FindingOrphaned && x.Resolved.IsZero() {
			if u := org.Users[x.MustAct]; u != nil && u.Active {
				return true
			}
		}
	}
	return false
}

// propertySeeds are the property's random seeds. By default a fixed set —
// so CI is the same run every time, including the seed that once found a
// hole (an allocation waived while a transfer was pending) — and
// HOLDFAST_PROPERTY_SEED=<n> replays one, =random explores a new one.
func propertySeeds(t *testing.T) []uint64 {
	switch s := os.Getenv("HOLDFAST_PROPERTY_SEED"); s {
	case "":
		return []uint64{1, 2, 1795661875735451492}
	case "random":
		return []uint64{uint64(time.Now().UnixNano())}
	default:
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HOLDFAST_PROPERTY_SEED=%q is neither an unsigned integer nor \"random\": %v", s, err)
		}
		return []uint64{seed}
	}
}

// TestNoOpenCaseWithoutOwnerAndDuty is the property: random sequences of
// commands (legal or refused) and clock advances never break the invariant.
//
// The seed is logged (shown with -v or on failure); replay a failure with
// HOLDFAST_PROPERTY_SEED=<seed> go test -run TestNoOpenCaseWithoutOwnerAndDuty,
// or explore with HOLDFAST_PROPERTY_SEED=random.
func TestNoOpenCaseWithoutOwnerAndDuty(t *testing.T) {
	for _, seed := range propertySeeds(t) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) { runProperty(t, seed) })
	}
}

func runProperty(t *testing.T, seed uint64) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Logf("seed %d: replay with HOLDFAST_PROPERTY_SEED=%d", seed, seed)
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		r := rand.New(rand.NewPCG(7, seed))
		workers := []*service.Actor{f.Investigator, f.Investigator2, f.Supervisor, f.Inspector, f.Manager, f.Liaison}
		var refs []string
		pick := func() *domain.Case {
			if len(refs) == 0 {
				return nil
			}
			c, err := db.CaseByRef(ctx, refs[r.IntN(len(refs))])
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		rat := domain.Rationale{
			LinesConsidered: "All lines listed and worked",
			WhyNoneRemain:   "Every action filed with a result",
			SuspectsStatus:  "Suspects interviewed or explained",
			VictimView:      "Victim's view recorded and considered",
		}
		steps := 250
		if testing.Short() {
			steps = 80
		}
		for step := 0; step < steps; step++ {
			a := workers[r.IntN(len(workers))]
			c := pick()
			what := ""
			switch op := r.IntN(21); {
			case op == 0 || c == nil:
				what = "open referral"
				c, err := svc.OpenReferral(
					ctx,
					f.Investigator,
					service.NewReferral{TeamID: f.TeamA, Summary: "referral", OffenceTypes: []string{"cse"}},
				)
				if err == nil {
					refs = append(refs, c.Ref)
				}
			case op == 1:
				what = "assign owner"
				svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
					OwnerID: []string{f.Investigator.ID(), f.Investigator2.ID()}[r.IntN(2)]})
			case op == 2:
				what = "add victim"
				svc.AddVictim(ctx, a, c.ID, service.NewVictim{Version: c.Version, Name: "V", DateOfBirth: "2010-01-01"})
			case op == 3:
				what = "add suspect"
				svc.AddSuspect(ctx, a, c.ID, service.NewSuspect{Version: c.Version, Name: "S"})
			case op == 4:
				what = "raise action"
				svc.RaiseAction(ctx, a, c.ID, service.NewAction{Version: c.Version, Title: "enquiry"})
			case op == 5 && len(c.Actions) > 0:
				what = "allocate action"
				svc.AllocateAction(ctx, a, c.ID, service.AllocateAction{Version: c.Version,
					Action: c.Actions[r.IntN(len(c.Actions))].ID, To: workers[r.IntN(2)].ID()})
			case op == 6 && len(c.Actions) > 0:
				what = "result action"
				act := c.Actions[r.IntN(len(c.Actions))]
				svc.ResultAction(
					ctx,
					a,
					c.ID,
					service.ResultAction{Outcome: domain.ActionCompleted,
						Version: c.Version, Action: act.ID, Result: "found"},
				)
			case op == 7 && len(c.Actions) > 0:
				what = "file action"
				svc.FileAction(
					ctx,
					a,
					c.ID,
					service.FileAction{Version: c.Version, Action: c.Actions[r.IntN(len(c.Actions))].ID},
				)
			case op == 8 && len(c.Victims) > 0:
				what = "contact victim"
				kinds := domain.ContactKinds()
				svc.RecordContact(
					ctx,
					f.Liaison,
					c.ID,
					service.RecordContact{Version: c.Version, Victim: c.Victims[0].ID,
						Kind: kinds[r.IntN(len(kinds))], Method: "phone", Note: "told of progress"},
				)
			case op == 9 && len(c.Victims) > 0:
				what = "contact plan"
				svc.AgreeContactPlan(
					ctx,
					f.Liaison,
					c.ID,
					service.AgreeContactPlan{Version: c.Version, Victim: c.Victims[0].ID,
						EveryDays: 1 + r.IntN(30), Method: "phone"},
				)
			case op == 10:
				what = "review"
				svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version, Summary: "reviewed"})
			case op == 11:
				what = "propose transfer"
				svc.ProposeTransfer(ctx, a, c.ID, service.ProposeTransfer{Version: c.Version, ToTeam: f.TeamB,
					Reason: "moving south"})
			case op == 12:
				what = "decide transfer"
				if r.IntN(2) == 0 {
					svc.AcceptTransfer(
						ctx,
						f.Inspector,
						c.ID,
						service.AcceptTransfer{Version: c.Version, OwnerID: f.Inspector.ID()},
					)
				} else {
					svc.RejectTransfer(ctx, f.Inspector, c.ID, service.RejectTransfer{Version: c.Version, Reason: "not ours"})
				}
			case op == 13:
				what = "propose closure"
				for _, v := range c.Victims {
					c, _ = svc.RecordVictimView(
						ctx,
						f.Liaison,
						c.ID,
						service.RecordVictimView{Version: c.Version, Victim: v.ID,
							View: "content"},
					)
					if c == nil {
						break
					}
				}
				if c != nil {
					svc.ProposeClosure(
						ctx,
						a,
						c.ID,
						service.ClosureProposal{Version: c.Version, Outcome: "18", Rationale: rat},
					)
				}
			case op == 14:
				what = "approve closure"
				svc.ApproveClosure(ctx, []*service.Actor{f.Supervisor, f.Inspector, f.Manager}[r.IntN(3)], c.ID,
					service.ApproveClosure{Version: c.Version})
			case op == 15:
				what = "reopen"
				svc.Reopen(ctx, f.Supervisor, c.ID, service.Reopen{Version: c.Version,
					Reason: "new information from the victim's school"})
			case op == 16 && len(c.Suspects) > 0:
				what = "suspect status"
				st := domain.SuspectStatuses()
				svc.SetSuspectStatus(
					ctx,
					a,
					c.ID,
					service.SetSuspectStatus{Version: c.Version, Suspect: c.Suspects[0].ID,
						Status: st[r.IntN(len(st))]},
				)
			case op == 17:
				what = "waive duty"
				if open := c.OpenDuties(); len(open) > 0 {
					svc.WaiveDuty(ctx, []*service.Actor{f.Supervisor, f.Inspector, a}[r.IntN(3)], c.ID,
						service.WaiveDuty{Version: c.Version, Duty: open[r.IntN(len(open))].ID,
							Reason: "met in person at the strategy meeting"})
				}
			case op == 18 && len(c.Actions) > 0:
				what = "cancel action"
				svc.CancelAction(ctx, []*service.Actor{f.Supervisor, f.Inspector, a}[r.IntN(3)], c.ID,
					service.CancelAction{Version: c.Version, Action: c.Actions[r.IntN(len(c.Actions))].ID,
						Reason: "superseded by the joint visit with social care"})
			case op == 19 && step > steps/2:
				// ian leaves (once; later tries are refused), and the
				// watchdog runs, as it would within minutes in service.
				what = "leaver and sweep"
				svc.UserLeaves(
					ctx,
					f.Admin,
					service.UserLeaves{User: f.Investigator2.ID(), Reason: "transferred to another force"},
				)
				if _, err := svc.Sweep(ctx, service.SystemActor("watchdog"),
					service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
					t.Fatal(err)
				}
			default:
				what = "advance clock and sweep"
				f.Clock.Advance(time.Duration(r.IntN(96)) * time.Hour)
				if _, err := svc.Sweep(ctx, service.SystemActor("watchdog"),
					service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			checkInvariant(t, ctx, f, step, what)
		}
	})
}
