package web_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestOverdueLineOfEnquiryIsTagged: a line of enquiry past its target
// shows GOV.UK's red "Overdue" tag on the case's actions list and how long
// ("3 days overdue"), as the work lists show an overdue duty; one not yet
// due has no tag (the walk of 7 December 2026).
func TestOverdueLineOfEnquiryIsTagged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Download the phone"})
		if err != nil {
			t.Fatal(err)
		}
		target := f.Clock.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		if c, err = f.Svc.AllocateAction(ctx, f.Supervisor, c.ID, service.AllocateAction{Version: c.Version,
			Action: c.Actions[0].ID, To: f.Investigator.ID(), Target: target}); err != nil {
			t.Fatal(err)
		}
		sup := newClient(t, base, "sam")
		path := "/cases/" + request.PathRef(c.Ref) + "/actions"
		if _, page := sup.get(path); strings.Contains(page, "hf-action-overdue") {
			t.Fatalf("a line of enquiry not yet due is tagged overdue:\n%s", page)
		}
		f.Clock.Advance(5 * 24 * time.Hour)
		status, page := newClient(t, base, "sam").get(path) // signed in afresh: days have passed
		row, _, _ := strings.Cut(page[max(strings.Index(page, `id="action-1"`), 0):], "</tr>")
		if status != 200 || !strings.Contains(row, `govuk-tag--red`) || !strings.Contains(row, ">Overdue<") ||
			!strings.Contains(row, "3 days overdue") {
			t.Fatalf("an overdue line of enquiry is not tagged with how long: %d\n%s", status, row)
		}
	})
}

// TestImportedSourceInWords: a case imported from another system says so
// in words on its page and in its history ("Imported from Northshire CIS
// on 7 December 2026"), never the code "Import:northshire-cis".
func TestImportedSourceInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		b, err := os.ReadFile("../casefile/testdata/example.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		file, err := casefile.ReadJSONL(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "northshire-cis", file, false)
		if err != nil || len(rep.Refs) == 0 {
			t.Fatalf("import: %v", err)
		}
		insp := newClient(t, base, "hmi")
		path := "/cases/" + request.PathRef(rep.Refs[0])
		_, page := insp.get(path)
		want := "Imported from Northshire CIS on " + f.Clock.Now().In(clock.London).Format("2 January 2006")
		if !strings.Contains(page, want) || strings.Contains(page, "northshire-cis") ||
			strings.Contains(page, "Import:") {
			t.Fatalf("the source is not in words (want %q):\n%s", want, page)
		}
		_, page = insp.get(path + "/history?kind=decisions")
		// The owner's reason names the system in words, not its code
		// ("as recorded in northshire-cis", the walk of 2026-12-07).
		if !strings.Contains(page, "opened the case: its record in Northshire CIS") ||
			strings.Contains(page, "a referral from import") || strings.Contains(page, "northshire-cis") ||
			!strings.Contains(page, "as recorded in the system the case was imported from (Northshire CIS)") {
			t.Fatalf("the history does not say the source in words:\n%s", page)
		}
	})
}

// TestTeamBoardLeadsWithTodaysWork: the team board groups the duties by
// officer, most overdue first, and summarises the long-dormant backlog (a
// case whose duties have been overdue for over a year) apart, listed on
// its own pages, instead of leading the list with it (the walk of 7
// December 2026: "5,390 days overdue" first).
func TestTeamBoardLeadsWithTodaysWork(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		old := f.Allocated(t)
		f.Clock.Advance(400 * 24 * time.Hour)
		fresh := f.Allocated(t)
		sam := newClient(t, base, "sam")
		status, page := sam.get("/team")
		duties := page[max(strings.Index(page, `id="duties"`), 0):]
		if status != 200 || !strings.Contains(page, `id="by-officer"`) || !strings.Contains(page, "DC Ivy Investigator") ||
			!strings.Contains(page, `id="backlog"`) || !strings.Contains(page, "been overdue for more than a year") ||
			!strings.Contains(page, "on 1 case") {
			t.Fatalf("the board is not grouped by officer with the backlog apart: %d\n%s", status, page)
		}
		if strings.Contains(duties, old.Ref) || !strings.Contains(duties, fresh.Ref) {
			t.Fatalf("the long-dormant case leads the board's list, or today's is missing:\n%s", duties)
		}
		_, page = sam.get("/team?backlog=1")
		if !strings.Contains(page[max(strings.Index(page, `id="duties"`), 0):], old.Ref) {
			t.Fatalf("the backlog's own page does not list it:\n%s", page)
		}
	})
}
