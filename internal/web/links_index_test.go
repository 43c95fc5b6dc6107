package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestIndexPages: a link raised from the index is shown on the case's
// links page without naming a case the reader may not see, refused with
// the problem when the note is missing, and recorded when reviewed; the
// person's matches and the analyst's network page show the other case to
// those who may see it, and the network page refuses an investigator.
func TestIndexPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		o, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
			OffenceTypes: []string{"child_sexual_exploitation"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.AddSuspect(ctx, f.OtherTeam, o.ID, service.NewSuspect{Version: o.Version,
			Name: "Tariq <b>Shah</b>", DateOfBirth: "1990-02-03", Vehicle: "XY65 ABC"}); err != nil {
			t.Fatal(err)
		}
		c := f.Allocated(t)
		c, err = f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Tarik Shah", DateOfBirth: "1990-02-03"})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Links) != 1 {
			t.Fatalf("links %+v", c.Links)
		}
		ivy := newClient(t, base, "ivy")
		path := "/cases/" + request.PathRef(c.Ref) + "/links"
		status, page := ivy.get(path)
		if status != 200 || !strings.Contains(page, "a case in another team") || strings.Contains(page, o.Ref) ||
			!strings.Contains(page, "Olly Other") || !strings.Contains(page, "Record the review") {
			t.Fatalf("the investigator's links page (%d) names the other case or offers no review:\n%s", status, page)
		}
		form := url.Values{"csrf": {ivy.csrf(page)}, "version": {strconv.FormatInt(c.Version, 10)},
			"outcome": {"not_same"}}
		status, page = ivy.post(path+"/"+c.Links[0].ID, form)
		if status != 422 || !strings.Contains(page, `data-rule="required"`) {
			t.Errorf("a review without its note: %d", status)
		}
		form.Set("note", "Different man: other photograph")
		status, page = ivy.post(path+"/"+c.Links[0].ID, form)
		if status != 200 || !strings.Contains(page, "Not the same person") {
			t.Errorf("the review: %d", status)
		}
		if got, _ := f.Store.Case(ctx, o.ID); got.Links[0].Outcome != domain.LinkNotSame {
			t.Errorf("the other case's side is %q", got.Links[0].Outcome)
		}
		ana := newClient(t, base, "ana")
		status, page = ana.get("/cases/" + request.PathRef(c.Ref) + "/people/" + c.Suspects[0].ID + "/matches")
		if status != 200 || !strings.Contains(page, o.Ref) || !strings.Contains(page, "Tariq &lt;b&gt;Shah&lt;/b&gt;") {
			t.Errorf("the analyst's matches page (%d) does not name the other case, escaped", status)
		}
		status, page = ana.get("/network?case=" + request.PathRef(o.Ref))
		if status != 200 || !strings.Contains(page, `id="network-summary"`) || !strings.Contains(page, o.Ref) ||
			strings.Contains(page, "<b>Shah</b>") {
			t.Errorf("the network page (%d):\n%s", status, page)
		}
		if status, _ := ana.get("/network?case=" + request.PathRef(o.Ref) + "&from=nonsense"); status != 422 {
			t.Errorf("a bad date: %d", status)
		}
		if status, _ := ivy.get("/network?case=" + request.PathRef(c.Ref)); status != 403 {
			t.Errorf("an investigator's network page: %d", status)
		}
	})
}

// TestNetworkShortRef: the network page reads a case reference however the
// links and cases pages do, so the short form its hint offers (2025/123)
// finds the case rather than a 404.
func TestNetworkShortRef(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := f.Allocated(t)
		parts := strings.Split(c.Ref, "/")
		short := parts[1] + "/" + strings.TrimLeft(parts[2], "0")
		ana := newClient(t, base, "ana")
		for _, ref := range []string{short, c.Ref, request.PathRef(c.Ref), " cse " + short + " "} {
			status, page := ana.get("/network?case=" + url.QueryEscape(ref))
			if status != 200 || !strings.Contains(page, c.Ref) {
				t.Errorf("the network page for %q: %d", ref, status)
			}
		}
		// A case that is not there is refused on the form, not a 404
		// (TestNetworkPageRefusesAnUnknownCaseOnTheForm).
		if status, page := ana.get("/network?case=" + url.QueryEscape(parts[1]+"/999999")); status != 422 ||
			!strings.Contains(page, `href="#f-case"`) {
			t.Errorf("a case that is not there: %d", status)
		}
	})
}
