package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLeaversCasesAreHandedOnFromTheBoard: the walk of 2026-12-07 marked an
// officer as a leaver and found the board listing their open cases with no
// way to reallocate them. The board now links the hand-on: the sergeant
// chooses, for each case, an officer of the team (with what they hold),
// or one for all; bad choices come back with every reason and change
// nothing; the check lists who gets what, and the hand-on says so.
func TestLeaversCasesAreHandedOnFromTheBoard(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s := f.Svc
		amy := f.AddUser(t, service.NewUser{Username: "amy", Name: "Amy Lloyd", Collar: "C4411",
			Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
			Password: "correct horse battery"})
		a, b := f.Allocated(t), f.Allocated(t)
		b = must(s.AddVictim(ctx, f.Liaison, b.ID, service.NewVictim{Version: b.Version, Name: "Vicky Vale",
			DateOfBirth: "2011-04-02"}))
		ivy := f.Investigator.ID()
		for _, u := range []string{ivy, f.Investigator2.ID()} {
			if err := s.UserLeaves(ctx, f.Admin, service.UserLeaves{User: u, Reason: "retired"}); err != nil {
				t.Fatal(err)
			}
		}
		sam := newClient(t, base, "sam")
		if _, board := sam.get("/team"); !strings.Contains(board, `href="/team/leavers"`) {
			t.Fatalf("the board does not link the hand-on of leavers' cases:\n%s", board)
		}
		if _, work := sam.get("/work"); !strings.Contains(work, `href="/team/leavers/`+ivy+`"`) {
			t.Fatalf("My work asks the sergeant to hand on nothing:\n%s", work)
		}
		// The administrator, no supervisor, is told who does it, and
		// not offered a link the service would refuse.
		if _, lp := newClient(t, base, "admin").get("/admin/users/" + ivy + "/leave"); strings.Contains(lp,
			`href="/team/leavers/`) || !strings.Contains(lp, "supervisor hands their open cases on") {
			t.Fatalf("the leaver page after leaving:\n%s", lp)
		}
		_, list := sam.get("/team/leavers")
		path := "/team/leavers/" + ivy
		if !strings.Contains(list, `href="`+path+`"`) || !strings.Contains(list, "2 open cases") {
			t.Fatalf("the list of leavers lacks DC Ivy Investigator's 2 cases:\n%s", list)
		}
		status, page := sam.get(path)
		if status != 200 || !strings.Contains(page, a.Ref) || !strings.Contains(page, "Vicky Vale") ||
			!strings.Contains(page, `value="`+amy.ID()+`">DC Amy Lloyd (0 open cases, 0 overdue duties)`) ||
			strings.Contains(page, `value="`+ivy+`"`) || strings.Contains(page, `value="`+f.Investigator2.ID()+`"`) {
			t.Fatalf("the hand-on page (%d) lacks the cases or offers a leaver:\n%s", status, page)
		}
		form := func(ownerA, ownerB, all string) url.Values {
			return url.Values{"csrf": {sam.csrf(page)}, "case": {a.ID, b.ID},
				"version-" + a.ID: {itoa(a.Version)}, "version-" + b.ID: {itoa(b.Version)},
				"owner-" + a.ID: {ownerA}, "owner-" + b.ID: {ownerB}, "all": {all}}
		}
		b, _ = db.Case(ctx, b.ID)
		// A leaver and a manager who investigates nothing: both refused
		// at once, nothing changed.
		status, body := sam.post(path, form(f.Investigator2.ID(), f.Manager.ID(), ""))
		if status != 422 || !strings.Contains(errorSummary(body), "inactive_user") ||
			!strings.Contains(errorSummary(body), "not_investigator") ||
			!strings.Contains(body, `href="#f-owner-`+a.ID+`"`) || !strings.Contains(body, "has left") {
			t.Fatalf("bad choices: %d %s", status, errorSummary(body))
		}
		if c, _ := db.Case(ctx, a.ID); c.OwnerID != ivy || c.Version != a.Version {
			t.Fatalf("a refused hand-on changed %s", a.Ref)
		}
		status, check := sam.post(path, form("", "", amy.ID()))
		if status != 200 || !strings.Contains(check, "Check your answers") || strings.Count(check, "DC Amy Lloyd") < 2 {
			t.Fatalf("the check of the hand-on: %d %s", status, check)
		}
		status, done := sam.post(path+"/confirm", url.Values{"csrf": {sam.csrf(check)}, "case": {a.ID, b.ID},
			"version-" + a.ID: {itoa(a.Version)}, "version-" + b.ID: {itoa(b.Version)},
			"owner-" + a.ID: {amy.ID()}, "owner-" + b.ID: {amy.ID()}})
		if status != 200 || !strings.Contains(done, "2 cases handed to DC Amy Lloyd") || !strings.Contains(done, `id="none-left"`) {
			t.Fatalf("the hand-on: %d %s", status, done)
		}
		for _, id := range []string{a.ID, b.ID} {
			if c, _ := db.Case(ctx, id); c.OwnerID != amy.ID() {
				t.Errorf("%s owned by %s after the hand-on, want Amy", c.Ref, c.OwnerID)
			}
		}
		// Nobody but a supervisor or manager reaches it.
		if status, _ := newClient(t, base, "lia").get(path); status != 403 {
			t.Errorf("the liaison officer opened the hand-on: %d", status)
		}
	})
}
