package service_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// gateRules are the training requirements the gate tests put in force:
// the case's owner needs PIP2 on a child-exploitation case, the ABE
// interview of a child victim needs an ABE-trained officer, and the
// approver of an outcome-15 closure needs PIP2.
const gateRules = `  requirements:
    owner:
      - {id: owner_cse_pip2, needs: pip2, offences: [CSE], why: "child sexual exploitation is a serious and complex investigation"}
    action:
      - {id: abe_child, needs: abe, actions: [abe_interview], child_victim: true, why: "a child's video-recorded interview must follow Achieving Best Evidence"}
    approver:
      - {id: approve_15_pip2, needs: pip2, outcomes: ["15"], why: "deciding that no further action is in the public interest needs an accredited investigator"}
`

// withGate puts the demo policy with gateRules in force on f.
func withGate(t *testing.T, f *fixture.Force) {
	t.Helper()
	src := policy.DemoDefault().Source()
	anchor := []byte("  override_max: 7 days\n")
	i := bytes.Index(src, anchor)
	if i < 0 {
		t.Fatal("the demo policy has no training.override_max line")
	}
	at := i + len(anchor)
	b := append(append(bytes.Clone(src[:at]), gateRules...), src[at:]...)
	p, err := policy.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.SetPolicy(p); err != nil {
		t.Fatal(err)
	}
}

// award records kind on u, current since a year ago, lapsing on expires
// ("" never).
func award(t *testing.T, f *fixture.Force, u *service.Actor, kind, expires string) *domain.Accreditation {
	t.Helper()
	acc, err := f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: u.ID(), Kind: kind,
		AwardedOn: f.Clock.Now().AddDate(-1, 0, 0).Format(time.DateOnly), Expires: expires})
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// refusedBy checks err is a refusal whose rules are exactly want and whose
// text says each of says.
func refusedBy(t *testing.T, what string, err error, want []string, says ...string) {
	t.Helper()
	if got := grantRules(err); !slices.Equal(got, want) {
		t.Fatalf("%s: rules %v (%v), want %v", what, got, err, want)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: %q does not say %q", what, err, s)
		}
	}
}

// TestTrainingGateAllocation: a case is not allocated, nor an action, to
// an officer without the accreditation the policy requires; the refusal
// says why and names the eligible officers; the picker marks them; with
// the accreditation it is allowed.
func TestTrainingGateAllocation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		withGate(t, f)
		c := f.Referral(t)
		_, err := svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator.ID()})
		refusedBy(t, "owner without PIP2, nobody eligible", err, []string{"owner_cse_pip2"},
			"DC Ivy Investigator cannot be officer in charge of "+c.Ref+": that needs PIP level 2",
			"which they do not hold.", "serious and complex investigation",
			"Nobody in the team holds what it needs")
		award(t, f, f.Investigator2, "pip2", "")
		perm, err := svc.Permissions(ctx, f.Supervisor, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if why := perm.Unmet("assign-owner", "", f.Investigator.ID()); !strings.Contains(why, "PIP level 2") {
			t.Errorf("the picker's mark for the unaccredited officer: %q", why)
		}
		if why := perm.Unmet("assign-owner", "", f.Investigator2.ID()); why != "" {
			t.Errorf("the picker marks the accredited officer: %q", why)
		}
		_, err = svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator.ID()})
		refusedBy(t, "owner without PIP2", err, []string{"owner_cse_pip2"},
			"Eligible in the team: DC Ian Investigator.")
		award(t, f, f.Investigator, "pip2", "")
		c, err = svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator.ID()})
		if err != nil {
			t.Fatalf("allocation to an accredited officer: %v", err)
		}

		// The ABE interview of a child victim (a CSE case names one)
		// needs ABE; other actions do not.
		for _, std := range []string{"cctv", "abe_interview"} {
			if c, err = svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
				Standard: std}); err != nil {
				t.Fatal(err)
			}
		}
		if c, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: c.Actions[0].ID, To: f.Investigator2.ID()}); err != nil {
			t.Fatalf("CCTV needs no ABE: %v", err)
		}
		act := c.Actions[1].ID
		_, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Investigator2.ID()})
		refusedBy(t, "ABE of a child without ABE", err, []string{"abe_child"},
			"DC Ian Investigator cannot be given action A2, ", "that needs Achieving Best Evidence interviewing",
			"Video-recorded (ABE) interview")
		award(t, f, f.Supervisor, "abe", "")
		_, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Investigator2.ID()})
		refusedBy(t, "ABE of a child, with an eligible sergeant", err, []string{"abe_child"},
			"Eligible in the team: DS Sam Supervisor.")
		perm, err = svc.Permissions(ctx, f.Investigator, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if why := perm.Unmet("allocate-action", act, f.Investigator2.ID()); !strings.Contains(why, "Achieving Best") {
			t.Errorf("the action picker's mark: %q", why)
		}
		if _, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Supervisor.ID()}); err != nil {
			t.Fatalf("ABE to an ABE-trained officer: %v", err)
		}
	})
}

// TestTrainingGateTransferAndApproval: a transfer is not accepted with a
// new owner lacking the accreditation, nor a closure approved by an
// approver lacking it; with it, both go through.
func TestTrainingGateTransferAndApproval(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		award(t, f, f.Investigator, "pip2", "")
		withGate(t, f)
		c := f.Allocated(t)
		c, err := svc.ProposeTransfer(ctx, f.Investigator, c.ID, service.ProposeTransfer{Version: c.Version,
			ToTeam: f.TeamC, Reason: "The suspect lives there"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.AcceptTransfer(ctx, f.Manager, c.ID, service.AcceptTransfer{Version: c.Version,
			OwnerID: f.OtherTeam.ID()})
		refusedBy(t, "transfer to an owner without PIP2", err, []string{"owner_cse_pip2"},
			"DC Olly Other cannot be officer in charge of "+c.Ref+": that needs PIP level 2", "Nobody in the team holds")
		award(t, f, f.OtherTeam, "pip2", "")
		if _, err = svc.AcceptTransfer(ctx, f.Manager, c.ID, service.AcceptTransfer{Version: c.Version,
			OwnerID: f.OtherTeam.ID()}); err != nil {
			t.Fatalf("transfer to an accredited owner: %v", err)
		}

		p := permCase{f: f, t: t}
		c = p.proposed() // outcome 15, a child victim: an inspector approves
		_, err = svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version})
		refusedBy(t, "approval without PIP2", err, []string{"approve_15_pip2"},
			"You cannot approve the closure of "+c.Ref+": that needs PIP level 2 (serious and complex investigation), which you do not hold.",
			"public interest", "Nobody in the chain of command holds")
		perm, err := svc.Permissions(ctx, f.Inspector, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if perm.Can("approve-closure") || !strings.Contains(perm.Why("approve-closure"), "PIP level 2") {
			t.Errorf("the page offers approval to an unaccredited approver: %q", perm.Why("approve-closure"))
		}
		award(t, f, f.Manager, "pip2", "")
		// The award moved the waiting approval to him: the case changed.
		if c, err = db.Case(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version})
		refusedBy(t, "approval without PIP2, a colleague eligible", err, []string{"approve_15_pip2"},
			"DCI Max Manager")
		award(t, f, f.Inspector, "pip2", "")
		if c, err = db.Case(ctx, c.ID); err != nil { // and this one back to her
			t.Fatal(err)
		}
		if _, err = svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}); err != nil {
			t.Fatalf("approval by an accredited approver: %v", err)
		}
	})
}

// TestTrainingOverride: a manager's recorded override lets the one named
// officer be given the one piece of work until it expires, and no other;
// it is on the case and in the audit team's list; bad input is refused
// with every reason, nothing recorded.
func TestTrainingOverride(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		award(t, f, f.Investigator, "pip2", "")
		withGate(t, f)
		c := f.Allocated(t)
		c, err := svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Standard: "abe_interview"})
		if err != nil {
			t.Fatal(err)
		}
		act := c.Actions[0].ID

		before := c.Version
		_, err = svc.OverrideTraining(ctx, f.Investigator, c.ID, service.OverrideTraining{Version: c.Version,
			Work: "action", Action: act, User: f.Investigator2.ID(), Reason: "Only officer on duty", Hours: 12})
		if !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator recorded an override: %v", err)
		}
		_, err = svc.OverrideTraining(ctx, f.Inspector, c.ID, service.OverrideTraining{Version: c.Version,
			Work: "tea", User: f.Inspector.ID(), Reason: "....... ..", Hours: 24 * 8})
		refusedBy(t, "a bad override", err, []string{"unknown_work", "own_override", "required", "hours"},
			"from 1 to 168 hours")
		if cur, _ := f.Store.Case(ctx, c.ID); cur.Version != before {
			t.Fatalf("a refused override changed the case")
		}

		c, err = svc.OverrideTraining(ctx, f.Inspector, c.ID, service.OverrideTraining{Version: c.Version,
			Work: "action", Action: act, User: f.Investigator2.ID(),
			Reason: "Child at risk tonight; the ABE-trained officers are on leave", Hours: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.TrainingOverrides) != 1 || c.TrainingOverrides[0].By != f.Inspector.ID() {
			t.Fatalf("overrides on the case: %+v", c.TrainingOverrides)
		}
		// It lets through the named officer only.
		_, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Supervisor.ID()})
		refusedBy(t, "another officer under someone else's override", err, []string{"abe_child"})
		// It expires.
		f.Clock.Advance(5 * time.Hour)
		_, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Investigator2.ID()})
		refusedBy(t, "after the override expired", err, []string{"abe_child"})
		c, err = svc.OverrideTraining(ctx, f.Manager, c.ID, service.OverrideTraining{Version: c.Version,
			Work: "action", Action: act, User: f.Investigator2.ID(),
			Reason: "Still no ABE-trained officer available today", Hours: 2})
		if err != nil {
			t.Fatal(err)
		}
		perm, err := svc.Permissions(ctx, f.Investigator, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if why := perm.Unmet("allocate-action", act, f.Investigator2.ID()); why != "" {
			t.Errorf("the picker marks the officer an override lets through: %q", why)
		}
		if _, err = svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act, To: f.Investigator2.ID()}); err != nil {
			t.Fatalf("allocation under a current override: %v", err)
		}

		rows, err := svc.TrainingOverrides(ctx, f.Auditor)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].By != "DCI Max Manager" || !rows[0].Current || rows[1].Current ||
			rows[1].Officer != "DC Ian Investigator" || !strings.Contains(rows[1].What, "action A1") {
			t.Errorf("the auditors' list: %+v", rows)
		}
		if _, err := svc.TrainingOverrides(ctx, f.Investigator); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator read the overrides list: %v", err)
		}
	})
}

// TestTrainingWatch: an accreditation the owner's case needs raises a
// duty on their line manager when its notice begins (90 days before it
// lapses), due at the close of the last working day it counts; a finding
// once it lapses with the work still held; a refresh settles both.
func TestTrainingWatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		award(t, f, f.Investigator, "pip2", "2026-06-28") // a Sunday
		withGate(t, f)
		c := f.Allocated(t)
		sweep := func(at time.Time) *domain.Case {
			t.Helper()
			f.Clock.Set(at)
			if _, err := svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{}); err != nil {
				t.Fatal(err)
			}
			got, err := f.Store.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		expiry := func(c *domain.Case) *domain.Duty {
			for i := range c.Duties {
				if d := &c.Duties[i]; d.Kind == service.DutyAccreditationExpiry && d.Status == domain.DutyOpen {
					return d
				}
			}
			return nil
		}
		london := func(s string) time.Time {
			t.Helper()
			v, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("BST", 3600))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		// Notice begins at the start of 30 March (BST), 90 days before
		// the last day, 28 June.
		if d := expiry(sweep(london("2026-03-29 23:59"))); d != nil {
			t.Fatalf("a duty before the notice began: %+v", d)
		}
		got := sweep(london("2026-03-30 00:00"))
		d := expiry(got)
		if d == nil {
			t.Fatalf("no duty when the notice began; duties %+v", got.Duties)
		}
		if d.Accountable != f.Supervisor.ID() || !d.Due.Equal(london("2026-06-27 00:00").Add(-time.Nanosecond)) {
			t.Errorf("duty on %s due %s: want the line manager, by the close of Friday 26 June", d.Accountable,
				d.Due.In(time.FixedZone("BST", 3600)))
		}
		if !strings.Contains(d.Detail, "DC Ivy Investigator's PIP level 2") || !strings.Contains(d.Detail, "28 June 2026") {
			t.Errorf("duty detail %q", d.Detail)
		}
		if got.OpenFinding(service.FindingAccreditationLapsed) != nil {
			t.Errorf("a lapse finding before it lapsed")
		}
		// Its last day still counts; the day after, it has lapsed.
		if got = sweep(london("2026-06-28 23:59")); got.OpenFinding(service.FindingAccreditationLapsed) != nil {
			t.Errorf("a lapse finding on the last day it counts")
		}
		got = sweep(london("2026-06-29 00:00"))
		fd := got.OpenFinding(service.FindingAccreditationLapsed)
		if fd == nil || fd.MustAct != f.Supervisor.ID() || !strings.Contains(fd.Detail, "lapsed after 28 June 2026, and they need it to be officer in charge of") {
			t.Fatalf("the lapse finding: %+v", fd)
		}
		if expiry(got) == nil {
			t.Errorf("the duty went when it lapsed, the work still held")
		}
		// A refresh settles the duty and the finding.
		award(t, f, f.Investigator, "pip2", "2029-06-28")
		got = sweep(london("2026-06-29 09:00"))
		if expiry(got) != nil || got.OpenFinding(service.FindingAccreditationLapsed) != nil {
			t.Errorf("after the refresh: duty %+v, finding %+v", expiry(got),
				got.OpenFinding(service.FindingAccreditationLapsed))
		}
	})
}
