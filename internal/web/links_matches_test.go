package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestMatchesPageUnnamedPagedAndAlertsGoToReview, three faults of the
// walk of 7 December 2026:
//   - the matches page read ", suspect on CSE/…" for a man known only by
//     description: it says "Unnamed suspect (described as …)";
//   - it recorded a read of every matched case, not only the 20 shown:
//     the service pages, and the read names only the cases on the page;
//   - a link's alert went to the case, not to where the link is decided:
//     it goes to the link on the case's links page.
func TestMatchesPageUnnamedPagedAndAlertsGoToReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		var named []service.NewSuspect
		for range 23 {
			named = append(named, service.NewSuspect{Name: "Marek Okafor", DateOfBirth: "1988-04-09"})
		}
		others := teamCCases(t, f, append(named, service.NewSuspect{
			Description: "Unidentified driver of a silver Astra, VRM PE20FEF.", Vehicle: "PE20FEF"})...)
		van := others[len(others)-1]
		c := f.Allocated(t)
		c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Marek Okaphor", DateOfBirth: "1988-04-09", Vehicle: "PE20 FEF"}))
		ana := newClient(t, base, "ana")
		path := "/cases/" + request.PathRef(c.Ref) + "/people/" + c.Suspects[0].ID + "/matches"

		// Page 1 of 2: the read names this case and the 20 shown.
		before, _ := db.LatestSeq(ctx)
		status, page := ana.get(path)
		if status != 200 || !strings.Contains(summaryOf(page), "24 people on other cases may be Marek Okaphor") ||
			len(cardsOf(page)) != 20 {
			t.Fatalf("page 1 (%d): %q, %d cards", status, summaryOf(page), len(cardsOf(page)))
		}
		var reads []domain.RecordsRead
		if err := db.ScanEvents(ctx, before+1, 0, func(e *event.Event) error {
			var p domain.RecordsRead
			if e.Type == domain.EvRecordsRead && json.Unmarshal(e.Payload, &p) == nil &&
				p.View == service.ReadMatches {
				reads = append(reads, p)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(reads) != 1 || len(reads[0].Cases) != 21 {
			t.Errorf("page 1 of the matches recorded reads %+v, want one of 21 cases (this and the 20 shown)", reads)
		}

		// Page 2: the unnamed driver, weakest (never scored), last.
		status, page = ana.get(path + "?page=2")
		cards := cardsOf(page)
		if status != 200 || len(cards) != 4 {
			t.Fatalf("page 2 (%d): %d cards", status, len(cards))
		}
		want := "Unnamed suspect (described as “Unidentified driver of a silver Astra, VRM PE20FEF.”) on " + van.Ref
		if !strings.Contains(cards[3], want) || strings.Contains(cards[3], ", suspect on") {
			t.Errorf("the unnamed driver's card does not say who they are: %q", cards[3])
		}
		// The driver's own matches name them by what the record holds.
		status, page = ana.get("/cases/" + request.PathRef(van.Ref) + "/people/" + van.Suspects[0].ID + "/matches")
		if status != 200 || !strings.Contains(page, "Possible matches for the unnamed suspect") ||
			!strings.Contains(page, "Described as “Unidentified driver of a silver Astra, VRM PE20FEF.”") ||
			!strings.Contains(summaryOf(page), "may be the unnamed suspect") {
			t.Errorf("the unnamed driver's matches page (%d) does not say whose matches they are: %q", status,
				summaryOf(page))
		}

		// Ivy's link alerts go to the link, where it is decided.
		c = must(f.Store.Case(ctx, c.ID))
		if len(c.Links) == 0 {
			t.Fatal("no link raised")
		}
		ivy := newClient(t, base, "ivy")
		_, inbox := ivy.get("/inbox?kind=" + domain.AlertLink)
		casePath := "/cases/" + request.PathRef(c.Ref) + "/links"
		alerts, err := f.Svc.Inbox(ctx, f.Investigator)
		if err != nil {
			t.Fatal(err)
		}
		told := 0
		for _, al := range alerts {
			if al.Kind != domain.AlertLink {
				continue
			}
			told++
			href := `href="` + casePath + "#link-" + al.About + `"`
			if c.CaseLinkByID(al.About) == nil || !strings.Contains(inbox, href+">Review the link") {
				t.Errorf("the alert %q does not go to its link on the review page (%s): %s", al.Text, href, inbox)
			}
		}
		if told == 0 {
			t.Error("Ivy was not told of the links")
		}
		if _, links := ivy.get(casePath); !strings.Contains(links, `id="link-`+c.Links[0].ID+`"`) {
			t.Errorf("the links page has no link %s to go to", c.Links[0].ID)
		}
	})
}
