package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// teamCCases opens a case in team C (which the investigator may not see)
// for each of ss, with that suspect recorded on it.
func teamCCases(t *testing.T, f *fixture.Force, ss ...service.NewSuspect) []*domain.Case {
	t.Helper()
	ctx := context.Background()
	var out []*domain.Case
	for _, s := range ss {
		o := must(f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
			OffenceTypes: []string{"child_sexual_exploitation"}}))
		s.Version = o.Version
		out = append(out, must(f.Svc.AddSuspect(ctx, f.OtherTeam, o.ID, s)))
	}
	return out
}

// cardsOf splits a page into its summary cards' text, tags dropped.
func cardsOf(page string) []string {
	var out []string
	tags := regexp.MustCompile(`<[^>]*>`)
	parts := strings.Split(page, `<div class="govuk-summary-card"`)
	for _, p := range parts[1:] {
		if i := strings.Index(p, "<form"); i >= 0 {
			p = p[:i]
		}
		out = append(out, html.UnescapeString(strings.Join(strings.Fields(tags.ReplaceAllString(p, " ")), " ")))
	}
	return out
}

// summaryOf is the text of a page's summary paragraph (id="matches-summary").
func summaryOf(page string) string {
	_, s, _ := strings.Cut(page, `id="matches-summary">`)
	s, _, _ = strings.Cut(s, "</p>")
	return s
}

// TestLinkCardsTellApart: one suspect linked to three cases of a team the
// investigator may not see (the same phone, vehicle or address, and a
// name alike enough to alert: links.shared_alert_at) reads as three different cards — numbered, with
// what matched as recorded on her own case, when it was found and whom to
// ask — never the other cases' references; before, each card read "Suspect
// Marek Okafor – a person on a case in another team, ask DC Olly Other"
// alike.
func TestLinkCardsTellApart(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		others := teamCCases(t, f,
			service.NewSuspect{Name: "Mark Okafor", Phone: "07700 900111"},
			service.NewSuspect{Name: "Marek Okafer", Vehicle: "pe20fef"},
			service.NewSuspect{Name: "Marek Okafor", DateOfBirth: "1988-04-09", Address: "12 High Street, Holtby HB1 2CD"})
		c := f.Allocated(t)
		c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Marek Okafor", DateOfBirth: "1988-04-09", Phone: "+44 7700 900111", Vehicle: "PE20FEF",
			Address: "12 High St, Holtby HB1 2CD"}))
		if len(c.Links) != 3 {
			t.Fatalf("links raised: %+v", c.Links)
		}
		ivy := newClient(t, base, "ivy")
		status, page := ivy.get("/cases/" + request.PathRef(c.Ref) + "/links")
		if status != 200 {
			t.Fatalf("the links page: %d", status)
		}
		for _, o := range others {
			if strings.Contains(page, o.Ref) {
				t.Errorf("the investigator is shown %s, which she may not see", o.Ref)
			}
		}
		cards := cardsOf(page)
		if len(cards) != 3 {
			t.Fatalf("%d cards, want 3:\n%s", len(cards), strings.Join(cards, "\n"))
		}
		seen := map[string]bool{}
		for i, card := range cards {
			if seen[card] {
				t.Errorf("card %d reads as another does: %s", i+1, card)
			}
			seen[card] = true
			if strings.Contains(card, " 0% likely") {
				t.Errorf("card %d calls a shared object between two names 0%% likely: %s", i+1, card)
			}
			for _, want := range []string{"Suspect Marek Okafor", "of 3 for this person", "What matched",
				"(as recorded on this case)", "Found", "Who to ask", "DC Olly Other, who supervises its team"} {
				if !strings.Contains(card, want) {
					t.Errorf("card %d does not say %q: %s", i+1, want, card)
				}
			}
		}
		for _, want := range []string{"The phone +44 7700 900111", "The vehicle PE20 FEF",
			"The address 12 High St, Holtby HB1 2CD"} {
			if !strings.Contains(strings.Join(cards, "\n"), want) {
				t.Errorf("no card says %q: %q", want, cards)
			}
		}
	})
}

// TestPersonMatchesCountAndPages: a person's matches page counts every
// match it lists — not the handful raised as links — and pages them twenty
// at a time, the GOV.UK way; and it says why each matched in words, never
// a measure's name ("Jaro-Winkler >= 0.88").
func TestPersonMatchesCountAndPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		o := must(f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
			OffenceTypes: []string{"child_sexual_exploitation"}}))
		for range 23 {
			o = must(f.Svc.AddSuspect(ctx, f.OtherTeam, o.ID, service.NewSuspect{Version: o.Version,
				Name: "Marek Okafor", DateOfBirth: "1988-04-09"}))
		}
		c := f.Allocated(t)
		c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Marek Okaphor", DateOfBirth: "1988-04-09"}))
		ana := newClient(t, base, "ana")
		path := "/cases/" + request.PathRef(c.Ref) + "/people/" + c.Suspects[0].ID + "/matches"
		status, page := ana.get(path)
		if status != 200 {
			t.Fatalf("the matches page: %d", status)
		}
		if !strings.Contains(page, "23 people on other cases may be Marek Okaphor") ||
			!strings.Contains(page, "1 to 20 are shown on this page, page 1 of 2") {
			t.Errorf("the matches page does not count what it lists: %q", summaryOf(page))
		}
		if n := len(cardsOf(page)); n != 20 {
			t.Errorf("page 1 shows %d matches, want 20", n)
		}
		if !strings.Contains(page, `class="govuk-pagination"`) || !strings.Contains(page, `href="`+path+`?page=2"`) {
			t.Error("no pagination to page 2")
		}
		if strings.Contains(page, "Jaro-Winkler") || !strings.Contains(page, "; family name spelt nearly the same;") ||
			!strings.Contains(page, "date of birth the same") {
			t.Errorf("the matches page does not say in words why they matched: %q", cardsOf(page)[0])
		}
		// The model's log-odds weights ("-12.3") are said in words.
		if card := cardsOf(page)[0]; regexp.MustCompile(`[+−-]\d+\.\d`).MatchString(card) ||
			!strings.Contains(card, "Agreed: ") || !strings.Contains(card, "Strongly for") {
			t.Errorf("the match is explained in numbers, not words: %q", card)
		}
		status, page = ana.get(path + "?page=2")
		if n := len(cardsOf(page)); status != 200 || n != 3 ||
			!strings.Contains(page, "21 to 23 are shown on this page, page 2 of 2") {
			t.Errorf("page 2 (%d) shows %d matches, want 3", status, n)
		}
	})
}

// TestLinksWordsAndMarks: the links page names a vehicle by its
// registration mark as plates are written, however it was typed, and
// finds it by any spacing; an unknown kind is refused in words that name
// the choices by their labels.
func TestLinksWordsAndMarks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		for _, v := range []string{"pe20fef", "P E 2 0 F E F"} {
			c := f.Allocated(t)
			must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
				Name: "Dean Reid", Vehicle: v}))
		}
		ana := newClient(t, base, "ana")
		status, page := ana.get("/links?kind=vehicle")
		if status != 200 || !strings.Contains(page, "Vehicle: PE20 FEF") {
			t.Errorf("the links page (%d) does not show the mark as plates are written", status)
		}
		status, page = ana.get("/links?kind=vehicle&key=PE20FEF")
		if status != 200 || !strings.Contains(page, "Vehicle: PE20 FEF") {
			t.Errorf("the mark's own group (%d) is not found", status)
		}
		status, page = ana.get("/links?kind=email")
		if status != 422 || strings.Contains(page, "must be one of") || !strings.Contains(page,
			"Choose what the cases are linked by from the list: a phone, a vehicle, an address, or a name and date of birth.") {
			t.Errorf("an unknown kind (%d) is refused in codes", status)
		}
	})
}

// TestNetworkKeyPeopleApart: two records of one name on two cases, not
// confirmed as one person, are two key people on the network page, each
// with the case it is on and said to be one of two records of the name;
// before, the table listed the name twice with nothing to tell them apart.
func TestNetworkKeyPeopleApart(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		o := teamCCases(t, f, service.NewSuspect{Name: "Dean Reid", Phone: "07700 900222"})[0]
		c := f.Allocated(t)
		c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Dean Reid", Phone: "07700 900222"}))
		ana := newClient(t, base, "ana")
		status, page := ana.get("/network?case=" + request.PathRef(c.Ref))
		if status != 200 {
			t.Fatalf("the network page: %d", status)
		}
		_, table, _ := strings.Cut(page, `id="key-people"`)
		table, _, _ = strings.Cut(table, "</table>")
		var rows []string
		for _, r := range strings.Split(table, `<tr class="govuk-table__row">`)[2:] {
			rows = append(rows, html.UnescapeString(strings.Join(strings.Fields(
				regexp.MustCompile(`<[^>]*>`).ReplaceAllString(r, " ")), " ")))
		}
		if len(rows) != 2 || rows[0] == rows[1] {
			t.Fatalf("key people %q: want two that read apart", rows)
		}
		for _, ref := range []string{c.Ref, o.Ref} {
			if !strings.Contains(strings.Join(rows, "\n"), "Dean Reid One of 2 records of this name among the "+
				"key people, not confirmed as one person Suspect on "+ref) {
				t.Errorf("no key person says they are the Dean Reid on %s: %q", ref, rows)
			}
		}
	})
}
