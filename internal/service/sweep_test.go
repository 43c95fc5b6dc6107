package service_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/mail"
	"github.com/holdfast/holdfast/internal/mail/smtpcapture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func sweep(t *testing.T, f *fixture.Force, at time.Time) *service.SweepReport {
	t.Helper()
	rep, err := f.Svc.Sweep(context.Background(), service.SystemActor("watchdog"), service.SweepOptions{AsOf: at})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func raised(rep *service.SweepReport, ref, kind string) int {
	n := 0
	for _, f := range rep.Findings {
		if f.Case == ref && f.Kind == kind && f.New {
			n++
		}
	}
	return n
}

func anyFinding(rep *service.SweepReport, ref string) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.Case == ref {
			out = append(out, f.Kind)
		}
	}
	return out
}

// Each finding kind: create the failure, see it raised by exactly one of
// two sweeps, and never on a clean case.
func TestEachFindingIsRaisedOnceAndNotOnACleanCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		clean := f.Allocated(t)

		// orphaned: the owner leaves (an administrator forcing it through).
		orphan := f.Allocated(t)
		leaver, err := svc.CreateUser(
			ctx,
			f.Admin,
			service.NewUser{
				Username: "lee",
				Name:     "DC Lee Leaver",
				Collar:   "C9",
				Rank:     domain.RankConstable,
				UnitID:   f.TeamA,
				Roles:    []domain.Role{domain.RoleInvestigator},
				Password: fixture.Password,
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		orphan, err = svc.AssignOwner(ctx, f.Supervisor, orphan.ID, service.AssignOwner{Version: orphan.Version,
			OwnerID: leaver.ID, Reason: "reallocation"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: leaver.ID, Reason: "retired"}); err != nil {
			t.Fatal(err)
		}

		// victim_without_contact_plan: a victim added, no plan agreed.
		noPlan := f.Allocated(t)
		if _, err := svc.AddVictim(ctx, f.Investigator, noPlan.ID, service.NewVictim{Version: noPlan.Version, Name: "Child B",
			DateOfBirth: "2012-01-01"}); err != nil {
			t.Fatal(err)
		}

		// transfer_not_accepted: proposed and left.
		moved := f.Allocated(t)
		if _, err := svc.ProposeTransfer(ctx, f.Investigator, moved.ID, service.ProposeTransfer{Version: moved.Version,
			ToTeam: f.TeamB, Reason: "suspects in the south"}); err != nil {
			t.Fatal(err)
		}

		// The clean case gets its victim's plan, so nothing stands on it.
		// The first sweep runs as the scheduled watchdog does, without
		// reading the overdue backlog: findings must not depend on it.
		at := f.Clock.Now().Add(30 * 24 * time.Hour)
		first, err := svc.Sweep(ctx, service.SystemActor("watchdog"),
			service.SweepOptions{AsOf: at, Overdue: service.OverdueNone})
		if err != nil {
			t.Fatal(err)
		}
		seq, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		second := sweep(t, f, at)
		// Findings that stand and were raised need no write: the second
		// sweep reports them and appends nothing.
		if after, err := db.LatestSeq(ctx); err != nil || after != seq {
			t.Errorf("the second sweep at the same time appended events %d..%d (%v)", seq+1, after, err)
		}
		if first.OverdueListed || first.OverdueCount != nil || len(first.Overdue) != 0 {
			t.Errorf(
				"a sweep asked not to report the backlog did: listed %v, count %v, %d listed",
				first.OverdueListed,
				first.OverdueCount,
				len(first.Overdue),
			)
		}
		if !second.OverdueListed || second.OverdueCount == nil || *second.OverdueCount != len(second.Overdue) ||
			len(second.Overdue) == 0 {
			t.Errorf(
				"a listing sweep: listed %v, count %v, %d listed",
				second.OverdueListed,
				second.OverdueCount,
				len(second.Overdue),
			)
		}
		for _, tc := range []struct{ ref, kind string }{
			{orphan.Ref, service.FindingOrphaned},
			{noPlan.Ref, service.FindingVictimNoContactPlan},
			{moved.Ref, service.FindingTransferOverdue},
		} {
			if n := raised(first, tc.ref, tc.kind) + raised(second, tc.ref, tc.kind); n != 1 {
				t.Errorf("%s on %s raised %d times by two sweeps, want exactly 1", tc.kind, tc.ref, n)
			}
		}
		if got := anyFinding(first, clean.Ref); len(got) != 0 {
			t.Errorf("clean case %s has findings %v", clean.Ref, got)
		}
		if len(first.Escalations) == 0 || len(second.Escalations) != 0 {
			t.Errorf(
				"escalations: first %d, second %d: the second sweep at the same time must add none",
				len(first.Escalations),
				len(second.Escalations),
			)
		}
	})
}

// no_owner and no_open_duty cannot be reached through the commands (they
// keep an owner and reconcile duties), so each failure is written as raw
// events, as a legacy import or an older version might have left it; each
// is raised by exactly one of two sweeps. A case closed by the book —
// proposed, approved by a second person, its work done — raises neither
// closure finding.
func TestNoOwnerAndNoOpenDutyAreRaisedOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		now := f.Clock.Now()

		// no_owner: open (past referral) with its owner taken away.
		unowned := f.Allocated(t)
		if err := service.RawEventsForTest(ctx, svc, unowned.ID, func(c *domain.Case) ([]*event.Event, error) {
			e, err := domain.NewEvent(domain.EvOwnerAssigned, "system:legacy", c.ID, now, domain.OwnerAssigned{OwnerID: "", Reason: "legacy"})
			return []*event.Event{e}, err
		}); err != nil {
			t.Fatal(err)
		}

		// no_open_duty: open, every duty closed behind the reconciler's back.
		idle := f.Allocated(t)
		if err := service.RawEventsForTest(ctx, svc, idle.ID, func(c *domain.Case) ([]*event.Event, error) {
			var evs []*event.Event
			for _, d := range c.OpenDuties() {
				e, err := domain.NewEvent(domain.EvDutyClosed, "system:legacy", c.ID, now, domain.DutyClosed{ID: d.ID, Status: domain.DutyMet})
				if err != nil {
					return nil, err
				}
				evs = append(evs, e)
			}
			if len(evs) == 0 {
				t.Fatal("an allocated case with no open duty to close")
			}
			return evs, nil
		}); err != nil {
			t.Fatal(err)
		}

		// Closed by the book.
		closed := f.Allocated(t)
		closed = ok(t)(svc.AddVictim(ctx, f.Investigator, closed.ID, service.NewVictim{Version: closed.Version,
			Name: "Child A", DateOfBirth: "2011-03-02"}))
		vid := closed.Victims[0].ID
		closed = ok(t)(svc.RecordContact(ctx, f.Liaison, closed.ID, service.RecordContact{Version: closed.Version,
			Victim: vid, Kind: domain.ContactAccount, Method: "ABE interview", Note: "account recorded"}))
		closed = ok(t)(svc.AgreeContactPlan(ctx, f.Liaison, closed.ID, service.AgreeContactPlan{Version: closed.Version,
			Victim: vid, EveryDays: 14, Method: "phone via mother"}))
		closed = ok(t)(svc.RecordVictimView(ctx, f.Liaison, closed.ID, service.RecordVictimView{Version: closed.Version,
			Victim: vid, View: "Does not want to go to court"}))
		closed = ok(t)(svc.RecordReview(ctx, f.Supervisor, closed.ID, service.RecordReview{Version: closed.Version,
			Summary: "Reviewed: all enquiries complete"}))
		closed = ok(
			t,
		)(
			svc.ProposeClosure(ctx, f.Investigator, closed.ID, service.ClosureProposal{Version: closed.Version,
				Outcome: "18", Rationale: auditRationale}),
		)
		closed = ok(t)(svc.ApproveClosure(ctx, f.Inspector, closed.ID, service.ApproveClosure{Version: closed.Version}))
		closed = ok(t)(svc.RecordContact(ctx, f.Liaison, closed.ID, service.RecordContact{Version: closed.Version,
			Victim: vid, Kind: domain.ContactDecision, Method: "phone", Note: "told of the closure"}))
		if closed.Status != domain.StatusClosed || closed.Closure == nil ||
			closed.Closure.ApprovedBy != f.Inspector.ID() {
			t.Fatalf("not closed by the book: %s %+v", closed.Status, closed.Closure)
		}

		at := f.Clock.Now().Add(30 * 24 * time.Hour)
		first, err := svc.Sweep(ctx, service.SystemActor("watchdog"),
			service.SweepOptions{AsOf: at, Overdue: service.OverdueNone})
		if err != nil {
			t.Fatal(err)
		}
		second := sweep(t, f, at)
		for _, tc := range []struct{ ref, kind string }{
			{unowned.Ref, service.FindingNoOwner},
			{idle.Ref, service.FindingNoOpenDuty},
		} {
			if n := raised(first, tc.ref, tc.kind) + raised(second, tc.ref, tc.kind); n != 1 {
				t.Errorf(
					"%s on %s raised %d times by two sweeps, want exactly 1 (first %v, second %v)",
					tc.kind,
					tc.ref,
					n,
					anyFinding(first, tc.ref),
					anyFinding(second, tc.ref),
				)
			}
		}
		for _, r := range []*service.SweepReport{first, second} {
			for _, k := range anyFinding(r, closed.Ref) {
				if k == service.FindingClosedWithOpenWork || k == service.FindingClosedWithoutApproval {
					t.Errorf("a case closed by the book raised %s", k)
				}
			}
		}
	})
}

// Findings that only arise from history written outside Holdfast's
// commands (an import from a legacy system): written here as raw events,
// each is raised once.
func TestLegacyInconsistenciesAreFound(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		ctx := context.Background()
		c := f.Allocated(t)
		// Close it by a bare status change, as an old system could: no
		// approval, an action open.
		if _, err := f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version + 0,
			Title: "CCTV"}); err != nil {
			t.Fatal(err)
		}
		if err := service.ForceCloseForTest(ctx, f.Svc, c.ID, "15"); err != nil {
			t.Fatal(err)
		}
		rep := sweep(t, f, f.Clock.Now().Add(time.Hour))
		for _, k := range []string{service.FindingClosedWithOpenWork, service.FindingClosedWithoutApproval} {
			if raised(rep, c.Ref, k) != 1 {
				t.Errorf("%s not raised on %s: %v", k, c.Ref, anyFinding(rep, c.Ref))
			}
		}
		rep2 := sweep(t, f, f.Clock.Now().Add(time.Hour))
		if raised(rep2, c.Ref, service.FindingClosedWithOpenWork) != 0 {
			t.Error("raised again by a second sweep")
		}
		if len(anyFinding(rep2, c.Ref)) != 2 {
			t.Errorf("a sweep listing the backlog reports the standing findings: %v", anyFinding(rep2, c.Ref))
		}
		// Raised, the flags are marked: the scheduled sweep neither reads
		// the case again nor reports them — a closure that never changes
		// costs it nothing.
		if un, err := db.UnraisedFlags(context.Background(), f.Clock.Now().Add(time.Hour)); err != nil || len(un) != 0 {
			t.Errorf("flags still unraised after their findings were raised: %+v %v", un, err)
		}
		steady, err := f.Svc.Sweep(context.Background(), service.SystemActor("watchdog"),
			service.SweepOptions{AsOf: f.Clock.Now().Add(time.Hour), Overdue: service.OverdueNone})
		if err != nil || len(anyFinding(steady, c.Ref)) != 0 {
			t.Errorf("the scheduled sweep read the standing findings again: %v %v", anyFinding(steady, c.Ref), err)
		}
	})
}

// The ladder: accountable at the due time, supervisor after, then a
// manager — each an event, each mailed, none twice.
func TestEscalationLadderMailsEachStepOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		cap := smtpcapture.Start(t)
		f := fixture.New(
			t,
			db,
			func(c *app.Config) { c.Mail = mail.SMTP{Addr: cap.Addr, From: "holdfast@northshire.police.invalid"} },
		)
		c := f.Referral(t) // owes allocation by sam within a working day
		var d domain.Duty
		for _, x := range c.Duties {
			d = x
		}
		at := d.Due.Add(time.Minute)
		rep := sweep(t, f, at)
		if len(rep.Escalations) != 1 || rep.Escalations[0].To != "sam" || rep.Escalations[0].Level != 1 {
			t.Fatalf("at the due time: %+v", rep.Escalations)
		}
		rep = sweep(t, f, at.Add(10*24*time.Hour))
		if len(rep.Escalations) != 2 || rep.Escalations[0].Level != 2 || rep.Escalations[1].Level != 3 {
			t.Fatalf("later: %+v", rep.Escalations)
		}
		if rep.Escalations[1].To != "ines" && rep.Escalations[1].To != "max" {
			t.Fatalf("level 3 must reach a manager of inspector rank or above, got %s", rep.Escalations[1].To)
		}
		if rep := sweep(t, f, at.Add(20*24*time.Hour)); len(rep.Escalations) != 0 {
			t.Fatalf("the ladder repeated: %+v", rep.Escalations)
		}
		msgs := cap.Messages()
		if len(msgs) != 3 || !strings.Contains(msgs[0], "sam@northshire.police.invalid") {
			t.Fatalf("want 3 mails, first to sam; got %d: %q", len(msgs), msgs)
		}
		inbox, err := f.Svc.Inbox(context.Background(), f.Supervisor)
		if err != nil || len(inbox) == 0 || !strings.Contains(inbox[0].Text, c.Ref) {
			t.Fatalf("sam's inbox: %+v %v", inbox, err)
		}
		// The steps above name whom the duty is owed by as people read
		// names: rank and name, never the username (the walk of
		// 2026-12-06 found "owed by vicky.murphy").
		owner, named := domain.PersonName(&f.Supervisor.User), 0
		readers := f.Actors()
		readers["ines"] = f.Inspector
		for _, a := range readers {
			items, err := f.Svc.Inbox(context.Background(), a)
			if err != nil {
				continue
			}
			for _, it := range items {
				if strings.Contains(it.Text, "owed by sam") {
					t.Errorf("%s's inbox names the owner by username: %q", a.User.Username, it.Text)
				}
				if strings.Contains(it.Text, "owed by "+owner) {
					named++
				}
			}
		}
		if named == 0 {
			t.Errorf("no escalation names the owner as %q", owner)
		}
	})
}

// Counting the backlog reads the due-time index only, and agrees with the
// list; none of the three ways of reporting it changes what is done.
func TestSweepReportsTheBacklogAsAsked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		for i := 0; i < 3; i++ {
			f.Referral(t) // each owes allocation within a working day
		}
		at := f.Clock.Now().Add(10 * 24 * time.Hour)
		sys := service.SystemActor("watchdog")
		counted, err := f.Svc.Sweep(ctx, sys,
			service.SweepOptions{AsOf: at, Overdue: service.OverdueCount, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if counted.OverdueCount == nil || *counted.OverdueCount != 3 || counted.OverdueListed ||
			len(counted.Overdue) != 0 {
			t.Fatalf("count: %+v", counted)
		}
		if len(counted.Escalations) != 9 {
			t.Fatalf("a dry run reports what it would do: %d escalations, want 9", len(counted.Escalations))
		}
		done, err := f.Svc.Sweep(ctx, sys, service.SweepOptions{AsOf: at, Overdue: service.OverdueNone})
		if err != nil || len(done.Escalations) != 9 {
			t.Fatalf("after a dry run the sweep still escalates all 9 steps: %d %v", len(done.Escalations), err)
		}
		listed := sweep(t, f, at)
		if len(listed.Overdue) != 3 || *listed.OverdueCount != 3 || len(listed.Escalations) != 0 {
			t.Fatalf(
				"list: %d listed, count %d, %d escalations",
				len(listed.Overdue),
				*listed.OverdueCount,
				len(listed.Escalations),
			)
		}
		for _, d := range listed.Overdue {
			if d.Escalation != 3 || d.Team != "CSE Team North" {
				t.Errorf("listed %+v", d)
			}
		}
		if _, err := service.ParseOverdueReport("some"); err == nil {
			t.Error(`"some" accepted as a way to report the backlog`)
		}
	})
}

// Two instances sweeping at once on one database: the advisory lock lets
// one run, and between them nothing is raised twice. While one instance
// holds the sweep's lock, the other's sweep reports it did not run and
// does nothing — without the lock it would escalate every step.
func TestOnlyOneInstanceSweepsAtATime(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		db1 := testdb.OpenDSN(t, dsn)
		db2 := testdb.OpenDSN(t, dsn)
		f := fixture.New(t, db1)
		for i := 0; i < 20; i++ {
			f.Referral(t)
		}
		other := app.ServiceOptions(app.Config{Clock: f.Clock})
		svc2 := service.New(db2, other)
		at := f.Clock.Now().Add(40 * 24 * time.Hour)

		// "holdfast.sweep" is the lock Sweep takes.
		held, err := db1.Exclusive(context.Background(), "holdfast.sweep", func() error {
			r, err := svc2.Sweep(context.Background(), service.SystemActor("watchdog"), service.SweepOptions{AsOf: at})
			if err != nil {
				return err
			}
			if r.Ran || len(r.Escalations) != 0 || len(r.Findings) != 0 {
				t.Errorf(
					"instance 2 swept while instance 1 held the lock: ran %v, %d escalations, %d findings",
					r.Ran,
					len(r.Escalations),
					len(r.Findings),
				)
			}
			return nil
		})
		if err != nil || !held {
			t.Fatalf("instance 1 could not take the sweep lock: %v %v", held, err)
		}

		var wg sync.WaitGroup
		reps := make([]*service.SweepReport, 2)
		for i, s := range []*service.Service{f.Svc, svc2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := s.Sweep(context.Background(), service.SystemActor("watchdog"), service.SweepOptions{AsOf: at})
				if err != nil {
					t.Error(err)
				}
				reps[i] = r
			}()
		}
		wg.Wait()
		total := 0
		for _, r := range reps {
			if r != nil {
				total += len(r.Escalations)
			}
		}
		// 20 referrals, each one duty, three steps: exactly 60 whoever ran.
		if total != 60 {
			t.Fatalf("two instances escalated %d steps, want 60", total)
		}
	})
}
