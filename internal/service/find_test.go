package service_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func refsOf(hits []service.SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Ref)
	}
	return out
}

// TestSearchFindsByEverySpellingAndOnlyWhatTheSearcherMaySee: a case found
// by its reference written four ways, by a victim's and a suspect's name,
// by phone however written, by vehicle and by postcode; another team's
// case is never found by a team officer (but is by the force's analyst);
// every search is recorded as one read naming the query and the cases shown.
func TestSearchFindsByEverySpellingAndOnlyWhatTheSearcherMaySee(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Maisie O'Neill",
			DateOfBirth: "2011-04-02", Contact: "07700 900456"}))
		c = ok(t)(svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adam Smith",
			Phone: "+44 (0)7700 900123", Vehicle: "ab12 cde", Address: "12 High St, Leeds LS1 4AB"}))
		other, err := svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC,
			Summary: "Girl seen with older men", OffenceTypes: []string{"child_sexual_exploitation"}})
		if err != nil {
			t.Fatal(err)
		}
		other = ok(t)(svc.AddSuspect(ctx, f.OtherTeam, other.ID, service.NewSuspect{Version: other.Version,
			Name: "Adam Smithson", Phone: "07700900123"}))

		before, _ := db.LatestSeq(ctx)
		search := func(a *service.Actor, q string) *service.SearchResult {
			t.Helper()
			r, err := svc.Search(ctx, a, service.SearchQuery{Q: q})
			if err != nil {
				t.Fatalf("search %q as %s: %v", q, a.User.Username, err)
			}
			return r
		}
		year, num := c.Ref[4:8], strings.TrimLeft(c.Ref[9:], "0")
		for _, q := range []string{c.Ref, strings.ReplaceAll(c.Ref, "/", "-"), strings.ToLower(c.Ref),
			year + "/" + num} {
			r := search(f.Investigator, q)
			if r.Ref != c.Ref || !slices.Equal(refsOf(r.Hits), []string{c.Ref}) {
				t.Errorf("search %q: %+v, want %s", q, r, c.Ref)
			}
		}
		for q, why := range map[string]string{
			"maisie":         "Victim: Maisie O'Neill",
			"O'Neill Maisie": "Victim: Maisie O'Neill",
			"adam smith":     "Suspect: Adam Smith",
			"07700 900123":   "Suspect: Adam Smith — phone +44 (0)7700 900123",
			"+447700900456":  "Victim: Maisie O'Neill — phone 07700 900456",
			"AB12CDE":        "Suspect: Adam Smith — vehicle ab12 cde",
			"ls1 4ab":        "Suspect: Adam Smith — address 12 High St, Leeds LS1 4AB",
			"LS1":            "Suspect: Adam Smith — address 12 High St, Leeds LS1 4AB",
		} {
			r := search(f.Investigator, q)
			if !slices.Equal(refsOf(r.Hits), []string{c.Ref}) || !slices.Contains(r.Hits[0].Matched, why) {
				t.Errorf("search %q as the team's officer: %+v, want %s matched by %q", q, r.Hits, c.Ref, why)
			}
		}
		// MIT's case shares the phone and half the name: the force's
		// analyst finds both, the team's officer only their own.
		if got := refsOf(search(f.Analyst, "07700900123").Hits); len(got) != 2 {
			t.Errorf("the analyst's phone search found %v, want both cases", got)
		}
		if got := refsOf(search(f.Investigator, other.Ref).Hits); len(got) != 0 {
			t.Errorf("a North officer found MIT's case %s by reference: %v", other.Ref, got)
		}
		if got := refsOf(search(f.Investigator, "smithson").Hits); len(got) != 0 {
			t.Errorf("a North officer found MIT's suspect: %v", got)
		}
		if got := refsOf(search(f.Investigator, "nobody").Hits); len(got) != 0 {
			t.Errorf("search nobody: %v", got)
		}
		if _, err := svc.Search(ctx, f.Investigator, service.SearchQuery{Q: "  "}); !slices.Contains(problemRules(t, err), "required") {
			t.Errorf("an empty search: %v", err)
		}
		if _, err := svc.Search(ctx, nil, service.SearchQuery{Q: "x"}); !errors.Is(err, service.ErrUnauthenticated) {
			t.Errorf("an anonymous search: %v", err)
		}

		// Every search above is one read naming its query and what it showed.
		reads := readsSince(t, db, before)
		if len(reads) != 4+8+4 {
			t.Fatalf("%d searches recorded as %d reads", 16, len(reads))
		}
		for _, r := range reads {
			if r.View != service.ReadSearch || r.Query == "" {
				t.Errorf("a search recorded as %+v", r)
			}
		}
		if r := reads[len(reads)-1]; r.Query != "nobody" || len(r.Cases) != 0 {
			t.Errorf("the last search recorded as %+v", r)
		}
		if r := reads[0]; !slices.Equal(r.Cases, []string{c.ID}) {
			t.Errorf("the first search recorded as %+v", r)
		}
		// And the access report shows the read of the case.
		rep, err := svc.AccessReport(ctx, f.Auditor, service.AccessQuery{Case: strings.ReplaceAll(c.Ref, "/", "-"),
			UserID: f.Investigator.ID()})
		if err != nil {
			t.Fatal(err)
		}
		searches := 0
		for _, r := range rep.Reads {
			if r.CaseID != c.ID || r.UserID != f.Investigator.ID() {
				t.Errorf("the access report of %s by ivy lists %+v", c.Ref, r)
			}
			if r.How == service.ReadSearch {
				searches++
			}
		}
		if searches != 12 {
			t.Errorf("the access report shows %d searches that showed %s, want 12: %+v", searches, c.Ref, rep.Reads)
		}
		if _, err := svc.AccessReport(ctx, f.Investigator, service.AccessQuery{}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator read the access report: %v", err)
		}
	})
}

// TestCaseListPagesNewestFirstWithFilters: the list is newest first; the
// cursor of each page leads to the next and back, with no case lost or
// repeated; status, owner and overdue filter it.
func TestCaseListPagesNewestFirstWithFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		var refs []string
		for i := 0; i < 7; i++ {
			var c *domain.Case
			if i%2 == 0 {
				c = f.Allocated(t)
			} else {
				c = f.Referral(t)
			}
			refs = append(refs, c.Ref)
		}
		slices.Reverse(refs) // newest first
		list := func(in service.CaseListQuery) *service.CaseList {
			t.Helper()
			l, err := svc.CaseList(ctx, f.Supervisor, in)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		var got []string
		l := list(service.CaseListQuery{Limit: 3})
		pages := []*service.CaseList{l}
		for {
			for _, c := range l.Cases {
				got = append(got, c.Ref)
			}
			if l.Next == "" {
				break
			}
			l = list(service.CaseListQuery{Limit: 3, Before: l.Next})
			pages = append(pages, l)
		}
		if !slices.Equal(got, refs) || len(pages) != 3 || pages[0].Prev != "" {
			t.Fatalf("paging forward: %v in %d pages, want %v", got, len(pages), refs)
		}
		back := list(service.CaseListQuery{Limit: 3, After: pages[2].Prev})
		if refsOfRows(back.Cases) != refsOfRows(pages[1].Cases) {
			t.Errorf("the previous page of the last is %v, want %v", refsOfRows(back.Cases), refsOfRows(pages[1].Cases))
		}
		back = list(service.CaseListQuery{Limit: 3, After: pages[1].Prev})
		if refsOfRows(back.Cases) != refsOfRows(pages[0].Cases) || back.Prev != "" {
			t.Errorf("the previous page of the second is %v (prev %q), want %v", refsOfRows(back.Cases), back.Prev,
				refsOfRows(pages[0].Cases))
		}
		if l := list(service.CaseListQuery{Status: "referral"}); len(l.Cases) != 3 {
			t.Errorf("referrals: %v", refsOfRows(l.Cases))
		}
		if l := list(service.CaseListQuery{OwnerID: f.Investigator.ID()}); len(l.Cases) != 4 {
			t.Errorf("ivy's cases: %v", refsOfRows(l.Cases))
		}
		if l := list(service.CaseListQuery{Overdue: true}); len(l.Cases) != 0 {
			t.Errorf("overdue on the first day: %v", refsOfRows(l.Cases))
		}
		f.Clock.Advance(20 * 24 * time.Hour)
		if l := list(service.CaseListQuery{Overdue: true}); len(l.Cases) != 7 {
			t.Errorf("overdue after 20 days: %v", refsOfRows(l.Cases))
		}
		if l := list(service.CaseListQuery{TeamID: f.TeamB}); len(l.Cases) != 0 {
			t.Errorf("South's cases: %v", refsOfRows(l.Cases))
		}
		l2, err := svc.CaseList(ctx, f.OtherTeam, service.CaseListQuery{})
		if err != nil || len(l2.Cases) != 0 {
			t.Errorf("MIT's officer lists North's cases: %v %v", l2, err)
		}
		if _, err := svc.CaseList(ctx, f.Supervisor, service.CaseListQuery{Status: "lost"}); !slices.Contains(problemRules(t, err), "one_of") {
			t.Errorf("an unknown status: %v", err)
		}
	})
}

func refsOfRows(rows []store.CaseRow) string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Ref)
	}
	return strings.Join(out, " ")
}

// TestInboxPeopleCanActOn: the escalation ladder of one duty reaches the
// supervisor as one alert, naming people by name; acknowledging it and
// marking it done are events, the unread count follows, done alerts leave
// the inbox; an alert about a case transferred out of the reader's sight
// is not shown; and the log rebuilds to the same marks.
func TestInboxPeopleCanActOn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Referral(t) // an allocation owed by sam
		moved := f.Referral(t)
		// Let the ladder run: each step of it.
		for _, d := range []time.Duration{8, 12, 16, 24} {
			f.Clock.Advance(d * 24 * time.Hour)
			if _, err := svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		raw, err := db.Inbox(ctx, f.Supervisor.ID(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		inbox := func(a *service.Actor) []service.InboxAlert {
			t.Helper()
			al, err := svc.Inbox(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			return al
		}
		alerts := inbox(f.Supervisor)
		var mine *service.InboxAlert
		for i := range alerts {
			if alerts[i].CaseID == c.ID {
				if mine != nil {
					t.Fatalf("two alerts about one duty on %s: %+v", c.Ref, alerts)
				}
				mine = &alerts[i]
			}
		}
		if mine == nil || mine.CaseRef != c.Ref || mine.State != service.AlertNew || mine.About == "" {
			t.Fatalf("sam's alert about %s: %+v (raw %+v)", c.Ref, mine, raw)
		}
		for _, al := range alerts {
			if strings.Contains(al.Text, "sam") {
				t.Errorf("an alert names a username: %q", al.Text)
			}
		}
		unread, err := svc.UnreadAlerts(ctx, f.Supervisor)
		if err != nil || unread != len(alerts) {
			t.Fatalf("unread %d (%v), want %d", unread, err, len(alerts))
		}

		// Acknowledge, then done: each an event; the state follows.
		seq, _ := db.LatestSeq(ctx)
		if _, err := svc.AcknowledgeAlert(ctx, f.Supervisor, service.MarkAlert{Seq: strconv.FormatInt(mine.Seq, 10)}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AcknowledgeAlert(ctx, f.Supervisor, service.MarkAlert{Seq: strconv.FormatInt(mine.Seq, 10)}); !slices.Contains(problemRules(t, err), "already_acknowledged") {
			t.Errorf("acknowledged twice: %v", err)
		}
		if n, _ := svc.UnreadAlerts(ctx, f.Supervisor); n != unread-1 {
			t.Errorf("unread after acknowledging: %d, want %d", n, unread-1)
		}
		if _, err := svc.AlertDone(ctx, f.Investigator, service.MarkAlert{Seq: strconv.FormatInt(mine.Seq, 10)}); !errors.Is(err, service.ErrNotFound) {
			t.Errorf("ivy marked sam's alert done: %v", err)
		}
		if _, err := svc.AlertDone(ctx, f.Supervisor, service.MarkAlert{Seq: strconv.FormatInt(mine.Seqs[len(mine.Seqs)-1], 10)}); err != nil {
			t.Fatal(err)
		}
		for _, al := range inbox(f.Supervisor) {
			if al.CaseID == c.ID {
				t.Errorf("a done alert is still in the inbox: %+v", al)
			}
		}
		done, err := svc.InboxDone(ctx, f.Supervisor)
		if err != nil || len(done) != 1 || done[0].CaseID != c.ID || done[0].State != service.AlertDone {
			t.Errorf("the done list: %+v %v", done, err)
		}
		var marks []string
		if err := db.ScanEvents(ctx, seq+1, 0, func(e *event.Event) error {
			if e.Type == domain.EvAlertAcknowledged || e.Type == domain.EvAlertDone {
				if e.Actor != f.Supervisor.ID() {
					t.Errorf("%s by %s", e.Type, e.Actor)
				}
				marks = append(marks, e.Type)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(marks, []string{domain.EvAlertAcknowledged, domain.EvAlertDone}) {
			t.Errorf("the marks recorded: %v", marks)
		}

		// The other referral is transferred to MIT and accepted: sam may no
		// longer see it, owes nothing on it, and its alert goes.
		moved, _ = db.Case(ctx, moved.ID)
		moved = ok(t)(svc.ProposeTransfer(ctx, f.Supervisor, moved.ID, service.ProposeTransfer{Version: moved.Version,
			ToTeam: f.TeamC, Reason: "the suspects are MIT's"}))
		ok(t)(svc.AcceptTransfer(ctx, f.OtherTeam, moved.ID, service.AcceptTransfer{Version: moved.Version,
			OwnerID: f.OtherTeam.ID()}))
		for _, al := range inbox(f.Supervisor) {
			if al.CaseID == moved.ID {
				t.Errorf("sam's inbox still shows %s, now MIT's: %+v", moved.Ref, al)
			}
		}

		// The marks and reads are projections of the log like any other.
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("rebuild after inbox marks and reads: %v %v", diff, err)
		}
	})
}

// TestVictimsDueForLiaison: the victim liaison officer's list names the
// victim whose update is overdue, with the plan and last contact; recording
// the contact from it takes the victim off the overdue list.
func TestVictimsDueForLiaison(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-01-01"}))
		v := c.Victims[0]
		c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
			Kind: domain.ContactUpdate, Method: "phone", Note: "first contact"}))
		c = ok(t)(svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v.ID,
			EveryDays: 14, Method: "phone via mother"}))
		f.Clock.Advance(20 * 24 * time.Hour)
		due, err := svc.VictimsDue(ctx, f.Liaison)
		if err != nil {
			t.Fatal(err)
		}
		var got *service.VictimDue
		for i := range due {
			if due[i].VictimID == v.ID && due[i].Kind == "victim_update" {
				got = &due[i]
			}
		}
		if got == nil || !got.Overdue || got.Victim != "Child B" || got.Plan == nil || got.Plan.EveryDays != 14 ||
			got.LastContact == nil || got.LastContact.Method != "phone" || got.CaseRef != c.Ref {
			t.Fatalf("the liaison's list: %+v", due)
		}
		c, _ = db.Case(ctx, c.ID)
		ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: got.CaseVersion, Victim: v.ID,
			Kind: domain.ContactUpdate, Method: "phone via mother", Note: "update given"}))
		due, _ = svc.VictimsDue(ctx, f.Liaison)
		for _, d := range due {
			if d.VictimID == v.ID && d.Kind == "victim_update" && d.Overdue {
				t.Errorf("still overdue after the contact: %+v", d)
			}
		}
		// MIT's officer supports no North victim.
		if due, err := svc.VictimsDue(ctx, f.OtherTeam); err != nil || len(due) != 0 {
			t.Errorf("MIT's list: %+v %v", due, err)
		}
		if _, err := svc.VictimsDue(ctx, f.Analyst); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("the analyst's list: %v", err)
		}
	})
}
