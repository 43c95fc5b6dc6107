package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// victimDuty is the open duty of kind owed to victim on c, or nil.
func victimDuty(c *domain.Case, kind, victim string) *domain.Duty {
	for i := range c.Duties {
		if d := &c.Duties[i]; d.Kind == kind && d.Subject == victim && d.Status == domain.DutyOpen {
			return d
		}
	}
	return nil
}

// A victim recorded on a referral nobody has been given yet is owed what
// the Victims' Code says from the moment she is recorded, by the
// supervisor who holds the referral (the browser walk found such victims
// owed nothing until allocation, when the duties opened already overdue
// and escalated at once against the new officer). On allocation they are
// handed over with their due time and their place on the ladder: the
// sergeant who was told stays told, nobody is told again for the time
// before, and the next step falls when it would have.
func TestVictimDutiesWhileUnallocatedAreTheSupervisorsThenHandedOver(t *testing.T) {
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
		added := c.Victims[0].AddedAt
		pol := f.Svc.Policy()
		kinds := []string{duty.FirstVictimContact, duty.ContactPlan}
		if c.Victims[0].Enhanced {
			kinds = append(kinds, duty.SupportReferral)
		}
		due := map[string]time.Time{}
		for _, k := range kinds {
			d := victimDuty(c, k, v)
			if d == nil {
				t.Fatalf("unallocated referral with a victim owes no %s: %+v", k, c.Duties)
			}
			if d.Accountable != f.Supervisor.ID() {
				t.Errorf("%s owed by %s, want the supervisor holding the referral", k, d.Accountable)
			}
			if want := pol.Due(k, added, f.Svc.Calendar()); !d.Due.Equal(want) {
				t.Errorf("%s due %s, want %s (from when the victim was recorded)", k, d.Due, want)
			}
			due[k] = d.Due
		}
		work, err := f.Svc.MyWork(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		owes := false
		for _, it := range work {
			owes = owes || (it.CaseID == c.ID && it.Kind == duty.FirstVictimContact)
		}
		if !owes {
			t.Errorf("the supervisor's work list lacks the first contact they owe: %+v", work)
		}

		// First contact falls due and the sergeant is told; the referral
		// is allocated after that.
		first := due[duty.FirstVictimContact]
		rep := sweep(t, f, first.Add(time.Minute))
		for _, e := range rep.Escalations {
			if e.Kind == duty.FirstVictimContact && (e.Level != 1 || e.To != "sam") {
				t.Fatalf("at the due time: %+v, want level 1 to sam", rep.Escalations)
			}
		}
		f.Clock.Set(first.Add(time.Hour))
		c, err = f.Store.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err = f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator.ID()})
		if err != nil {
			t.Fatal(err)
		}
		d := victimDuty(c, duty.FirstVictimContact, v)
		if d == nil || d.Accountable != f.Investigator.ID() || !d.Due.Equal(first) || d.Escalation != 1 {
			t.Fatalf("after allocation first contact is %+v, want ivy's, due %s, still at level 1", d, first)
		}
		for _, k := range kinds {
			if d := victimDuty(c, k, v); d == nil || d.Accountable != f.Investigator.ID() || !d.Due.Equal(due[k]) {
				t.Errorf("after allocation %s is %+v, want ivy's with its due time %s", k, d, due[k])
			}
		}

		// A sweep straight after allocation tells nobody anything new.
		if rep := sweep(t, f, f.Clock.Now()); len(rep.Escalations) != 0 {
			t.Errorf("allocation set the ladder off again: %+v", rep.Escalations)
		}
		// The next step falls when it would have, to the new officer's
		// supervisor — the sergeant who gave her a duty already overdue,
		// now told it is still not done — saying it was overdue when ivy
		// was given it, so the time before is not read as hers.
		next := pol.Escalation.SupervisorAfter.After(first, f.Svc.Calendar())
		rep = sweep(t, f, next.Add(time.Minute))
		var step *service.EscalationEntry
		for i, e := range rep.Escalations {
			if e.DutyID == d.ID {
				step = &rep.Escalations[i]
			}
		}
		if step == nil || step.Level != 2 || step.To != "sam" {
			t.Fatalf("one working day after due: %+v, want level 2 to sam", rep.Escalations)
		}
		items, err := f.Svc.Inbox(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		said := false
		for _, it := range items {
			said = said || (strings.Contains(it.Text, c.Ref) && strings.Contains(it.Text, "already overdue when it came"))
		}
		if !said {
			t.Errorf("sam is not told the duty was already overdue when ivy was given it: %+v", items)
		}
	})
}

// A late sweep takes every step whose time has passed, and each step
// reaches someone new: a duty its officer left behind went at steps 1
// and 2 to the same sergeant (the demo's log), and the inspector who both
// supervises and manages the department would take steps 2 and 3.
func TestLateSweepTellsSomeoneNewAtEachStep(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		plan := openDuty(c, duty.InvestigationPlan)
		if plan == nil || plan.Accountable != f.Investigator.ID() {
			t.Fatalf("no plan owed by ivy: %+v", c.Duties)
		}
		if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator.ID(),
			Reason: "transferred to another force"}); err != nil {
			t.Fatal(err)
		}
		rep := sweep(t, f, plan.Due.Add(30*24*time.Hour))
		var to []string
		for _, e := range rep.Escalations {
			if e.DutyID == plan.ID {
				to = append(to, e.To)
			}
		}
		if strings.Join(to, " ") != "sam ines max" {
			t.Fatalf("a plan its officer left behind went to %q, want sam, then ines, then max", to)
		}
	})
}

// When the officer in charge leaves, what they owed each victim moves at
// once — in the leaver's own transaction, with no command on the case —
// to the case's supervisor, who would hold it for an unallocated case,
// with its due time and its place on the escalation ladder: a victim is
// never owed contact by someone who has left. (They stayed with the
// leaver until a supervisor reassigned the case.) The leaver's other
// work stays theirs: the orphaned finding is what is owed for it.
func TestLeaversVictimDutiesMoveToTheSupervisorAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		var err error
		for _, name := range []string{"Vicky", "Val"} {
			if c, err = f.Svc.AddVictim(ctx, f.Liaison, c.ID, service.NewVictim{Version: c.Version, Name: name,
				DateOfBirth: "2011-04-02"}); err != nil {
				t.Fatal(err)
			}
		}
		// Val has been seen once: she is owed updates, not first contact.
		val := c.Victims[1].ID
		if c, err = f.Svc.RecordContact(ctx, f.Investigator, c.ID, service.RecordContact{Version: c.Version,
			Victim: val, Kind: domain.ContactUpdate, Method: "visit", Note: "Told who is in charge"}); err != nil {
			t.Fatal(err)
		}
		vicky := c.Victims[0].ID
		owed := [][2]string{{duty.FirstVictimContact, vicky}, {duty.ContactPlan, vicky},
			{duty.VictimUpdate, val}, {duty.ContactPlan, val}}
		if c.Victims[0].Enhanced {
			owed = append(owed, [2]string{duty.SupportReferral, vicky})
		}
		// First contact falls due and ivy is told: level 1.
		first := victimDuty(c, duty.FirstVictimContact, vicky)
		sweep(t, f, first.Due.Add(time.Minute))
		f.Clock.Set(first.Due.Add(time.Hour))
		if c, err = f.Store.Case(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		before := map[[2]string]domain.Duty{}
		for _, k := range owed {
			d := victimDuty(c, k[0], k[1])
			if d == nil || d.Accountable != f.Investigator.ID() {
				t.Fatalf("before ivy leaves %s for %s is %+v, want ivy's", k[0], k[1], d)
			}
			before[k] = *d
		}
		if before[owed[0]].Escalation != 1 {
			t.Fatalf("first contact not escalated to level 1 before ivy leaves: %+v", before[owed[0]])
		}
		plan := openDuty(c, duty.InvestigationPlan)

		if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator.ID(),
			Reason: "transferred to another force"}); err != nil {
			t.Fatal(err)
		}
		if c, err = f.Store.Case(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, k := range owed {
			d, was := victimDuty(c, k[0], k[1]), before[k]
			if d == nil || d.Accountable != f.Supervisor.ID() {
				t.Fatalf("once ivy has left %s for %s is %+v, want the supervisor's at once", k[0], k[1], d)
			}
			if !d.Due.Equal(was.Due) || d.Escalation != was.Escalation || !d.NextAt.Equal(was.NextAt) {
				t.Errorf("%s for %s moved as %+v, want due %s, level %d, next step %s kept", k[0], k[1], d, was.Due,
					was.Escalation, was.NextAt)
			}
		}
		if d := openDuty(c, duty.InvestigationPlan); d == nil || d.ID != plan.ID {
			t.Errorf("the leaver's investigation plan moved: %+v, want it left for the orphaned finding", d)
		}
		work, err := f.Svc.MyWork(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, it := range work {
			listed = listed || (it.CaseID == c.ID && it.Kind == duty.FirstVictimContact && it.Subject == vicky)
		}
		if !listed {
			t.Errorf("the supervisor's My work lacks the first contact they now owe: %+v", work)
		}
		// The next step falls when it would have, and reaches someone new.
		next := f.Svc.Policy().Escalation.SupervisorAfter.After(first.Due, f.Svc.Calendar())
		rep := sweep(t, f, next.Add(time.Minute))
		for _, e := range rep.Escalations {
			if e.Kind == duty.FirstVictimContact && (e.Level != 2 || e.To != "ines") {
				t.Errorf("the moved first contact escalated as %+v, want level 2 to ines", e)
			}
		}
	})
}
