package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A tester, as the liaison officer, recorded next morning a visit made the
// day before: every contact was stamped with the moment it was typed, so
// the record misstated when the victim was seen and the next update fell
// due a day late. A contact says the day it happened (default today); a
// day in the future, or before the case was opened or the victim recorded,
// is refused saying so; the update duty runs from the day it happened; the
// contact keeps when it was recorded too; and the projection rebuilt from
// the log is the live one.
func TestRecordContactOnTheDayItHappened(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		opened := c.OpenedAt
		day := func(t time.Time) string { return t.In(calendar.London).Format(time.DateOnly) }
		f.Clock.Advance(53 * time.Hour) // the victim is recorded two days after the case opened, at 2pm
		c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version,
			Name: "Child A", DateOfBirth: "2012-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		vid := c.Victims[0].ID
		added := c.Victims[0].AddedAt
		if c, err = f.Svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version,
			Victim: vid, EveryDays: 14, Method: "visit at school"}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(3 * 24 * time.Hour)
		now := f.Svc.Now()
		contact := func(on string) service.RecordContact {
			return service.RecordContact{Version: c.Version, Victim: vid, Kind: domain.ContactUpdate,
				Method: "visit at school", Note: "Told her the phone download is back", ContactedOn: on}
		}
		for _, tc := range []struct{ on, rule, says string }{
			{day(now.AddDate(0, 0, 1)), "date_in_future", "today"},
			{day(opened.AddDate(0, 0, -1)), "before_case", c.Ref},
			{day(opened.AddDate(0, 0, 1)), "before_victim", "Child A"},
			{"2026-02-30", "date", "real date"},
		} {
			_, err := f.Svc.RecordContact(ctx, f.Liaison, c.ID, contact(tc.on))
			ps, ok := domain.AsProblems(err)
			if !ok || len(ps) != 1 || ps[0].Field != "contacted_on" || ps[0].Rule != tc.rule ||
				!strings.Contains(ps[0].Message, tc.says) {
				t.Errorf("a contact on %s: %v, want one %s problem with contacted_on saying %q", tc.on, err,
					tc.rule, tc.says)
			}
		}
		if got, _ := db.Case(ctx, c.ID); got.Version != c.Version || got.Victims[0].ContactCount != 0 {
			t.Fatalf("a refused contact was written: version %d (was %d)", got.Version, c.Version)
		}

		// Yesterday's visit, recorded now: it happened yesterday, and
		// the next update is due 14 days from then, not from now.
		yesterday := now.AddDate(0, 0, -1)
		if c, err = f.Svc.RecordContact(ctx, f.Liaison, c.ID, contact(day(yesterday))); err != nil {
			t.Fatal(err)
		}
		log, err := db.Contacts(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// A day whose hour is not asked is taken at midday.
		midday := func(t time.Time) time.Time {
			l := t.In(calendar.London)
			return time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, calendar.London)
		}
		got := log[vid]
		if len(got) != 1 || !got[0].At.Equal(midday(yesterday)) || !got[0].RecordedAt.Equal(now) {
			t.Fatalf("yesterday's visit: %+v, want it at midday on %s, recorded at %s", got, day(yesterday), now)
		}
		due := func(c *domain.Case) time.Time {
			for _, d := range c.OpenDuties() {
				if d.Kind == duty.VictimUpdate && d.Subject == vid {
					return d.Due
				}
			}
			t.Fatalf("no update duty open for the victim: %+v", c.OpenDuties())
			return time.Time{}
		}
		if want := midday(yesterday).AddDate(0, 0, 14); !due(c).Equal(want) {
			t.Errorf("the next update is due %s, want %s: 14 days from the visit", due(c), want)
		}

		// On the day the victim was recorded, in the afternoon: not
		// before the recording.
		if c, err = f.Svc.RecordContact(ctx, f.Liaison, c.ID, contact(day(added))); err != nil {
			t.Fatal(err)
		}
		log, _ = db.Contacts(ctx, c.ID)
		if got := log[vid][1]; !got.At.Equal(added) {
			t.Errorf("a contact on the day the victim was recorded (%s) is at %s, before the recording", added,
				got.At)
		}
		// A contact recorded late does not move the next update back.
		if want := midday(yesterday).AddDate(0, 0, 14); !due(c).Equal(want) {
			t.Errorf("an older contact moved the next update to %s, want %s", due(c), want)
		}

		// Today, said or not, is now.
		f.Clock.Advance(time.Hour)
		for _, on := range []string{"", day(f.Svc.Now())} {
			if c, err = f.Svc.RecordContact(ctx, f.Liaison, c.ID, contact(on)); err != nil {
				t.Fatal(err)
			}
		}
		log, _ = db.Contacts(ctx, c.ID)
		for _, got := range log[vid][2:] {
			if !got.At.Equal(f.Svc.Now()) || !got.RecordedAt.Equal(f.Svc.Now()) {
				t.Errorf("a contact today: at %s, recorded %s, want both now (%s)", got.At, got.RecordedAt,
					f.Svc.Now())
			}
		}
		if want := f.Svc.Now().AddDate(0, 0, 14); !due(c).Equal(want) {
			t.Errorf("after a contact today the next update is due %s, want %s", due(c), want)
		}
		noDifference(t, db)
	})
}

// Telling a victim of a decision cannot be dated before the decision was
// made: a closure approved on the 7th and a contact recorded on the 27th
// dated the 2nd met the notice owed (a reviewer's attack). The day of the
// decision and after are taken.
func TestDecisionContactNotBeforeTheDecision(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		day := func(t time.Time) string { return t.In(calendar.London).Format(time.DateOnly) }
		c := f.Allocated(t)
		c = ok(t)(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version,
			Name: "Child A", DateOfBirth: "2012-03-04"}))
		vid := c.Victims[0].ID
		c = ok(t)(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult X"}))
		f.Clock.Advance(5 * 24 * time.Hour)
		c = ok(t)(f.Svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version,
			Suspect: c.Suspects[0].ID, Status: domain.SuspectInterviewed}))
		if c.Victim(vid).NoticeDue == nil {
			t.Fatal("the interview owes the victim no word of it")
		}
		decided := f.Svc.Now()
		f.Clock.Advance(3 * 24 * time.Hour)
		tell := func(on string) service.RecordContact {
			return service.RecordContact{Version: c.Version, Victim: vid, Kind: domain.ContactDecision,
				Method: "phone", Note: "told her he was interviewed", ContactedOn: on}
		}
		_, err := f.Svc.RecordContact(ctx, f.Liaison, c.ID, tell(day(decided.AddDate(0, 0, -2))))
		if ps, isP := domain.AsProblems(err); !isP || len(ps) != 1 || ps[0].Rule != "before_decision" {
			t.Fatalf("word of a decision dated before it: %v, want one before_decision problem", err)
		}
		if got, _ := db.Case(ctx, c.ID); got.Version != c.Version {
			t.Fatalf("a refused contact was written")
		}
		c = ok(t)(f.Svc.RecordContact(ctx, f.Liaison, c.ID, tell(day(decided))))
		if c.Victim(vid).NoticeDue != nil {
			t.Errorf("word given on the day of the decision did not meet the notice")
		}
	})
}
