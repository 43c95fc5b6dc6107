package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A tester recorded a contact from the liaison officer's list after the
// case had moved on: a raw "Conflict" page, and the note was lost. The list
// is shown again with what was typed, and nothing is recorded until the
// officer sends it again.
func TestLiaisonContactFromAStaleListKeepsWhatWasTyped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-05-01"}))
		var victim string
		for _, v := range c.Victims {
			victim = v.ID
		}
		lia := newClient(t, base, "lia")
		_, page := lia.get("/work")
		if !strings.Contains(page, "Record contact with Child B") {
			t.Fatalf("the liaison list does not offer Child B: %s", page)
		}
		form := url.Values{"csrf": {lia.csrf(page)}, "case": {c.Ref}, "victim": {victim}, "victim_name": {"Child B"},
			"kind": {domain.ContactUpdate}, "kind_for": {duty.FirstVictimContact}, "method": {"phone call"},
			"note": {"Told her mother the suspect was interviewed"}, "version": {itoa(c.Version - 1)}}
		status, body := lia.post("/liaison/contact", form)
		if status != 422 || !strings.Contains(body, "changed since you opened this page") ||
			!strings.Contains(body, "Told her mother the suspect was interviewed") ||
			!strings.Contains(body, `value="phone call" checked`) || !strings.Contains(body, `data-rule="stale"`) {
			t.Fatalf("a stale contact: %d, want 422 keeping what was typed: %s", status, body)
		}
		now, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := now.Victims[0].ContactCount; n != 0 {
			t.Fatalf("a refused contact was recorded: %d contacts", n)
		}
		form.Set("version", itoa(now.Version))
		// The banner is the server's: the victim's name comes from the
		// case, not from the form.
		form.Set("victim_name", "Someone else")
		if status, body := lia.post("/liaison/contact", form); status != 200 ||
			!strings.HasPrefix(banner(body), "Contact with Child B recorded on "+c.Ref) {
			t.Fatalf("sent again with the case's version: %d, want the list with a success banner: %q", status,
				banner(body))
		}
		// Contacts are in the contact log, out of the document.
		if after, _ := db.Contacts(ctx, c.ID); len(after[c.Victims[0].ID]) != 1 ||
			after[c.Victims[0].ID][0].Note != "Told her mother the suspect was interviewed" {
			t.Fatalf("the contact sent again was not recorded as typed: %+v", after)
		}
	})
}

// The one-step form chooses the kind of contact that meets the row's duty:
// a decision notice defaulted to "update" and stayed open.
func TestVictimDueContactKindMeetsItsDuty(t *testing.T) {
	for k, want := range map[string]string{
		duty.DecisionNotice:     domain.ContactDecision,
		duty.SupportReferral:    domain.ContactSupportReferral,
		duty.VictimUpdate:       domain.ContactUpdate,
		duty.FirstVictimContact: domain.ContactUpdate,
	} {
		var v service.VictimDue
		v.Kind = k
		if got := v.ContactKind(); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

// The inspector and the administrator were shown the whole "Open a
// referral" form at /cases/new, and refused only after typing it.
func TestOpenReferralFormOnlyForThoseWhoMay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		for _, who := range []string{"hmi", "admin"} {
			status, body := newClient(t, base, who).get("/cases/new")
			if status != 403 || strings.Contains(body, `name="summary"`) ||
				!strings.Contains(body, "Only investigators") || strings.Contains(body, "open referral:") {
				t.Errorf("%s at /cases/new: %d, want 403 with a plain sentence and no form", who, status)
			}
		}
		if status, body := newClient(t, base, "ivy").get("/cases/new"); status != 200 ||
			!strings.Contains(body, `name="summary"`) {
			t.Errorf("the investigator at /cases/new: %d", status)
		}
	})
}

// TestLiaisonContactOffersTheCasePagesWays: the one-step form on My work
// took "How" as free text where the case page offers radios. It offers
// the case page's ways, the plan's own words first and chosen; the
// service still takes a way in other words, as API clients send them.
func TestLiaisonContactOffersTheCasePagesWays(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-05-01"}))
		v := c.Victims[0].ID
		c = must(f.Svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v,
			EveryDays: 14, Method: "home visit with the ISVA"}))
		lia := newClient(t, base, "lia")
		_, page := lia.get("/work")
		i := strings.Index(page, "Record contact with Child B")
		if i < 0 {
			t.Fatalf("the liaison list does not offer Child B: %s", page)
		}
		row := page[i:]
		row = row[:strings.Index(row, "</form>")]
		if strings.Contains(row, `name="method" type="text"`) {
			t.Errorf("the way of contact is still typed: %s", row)
		}
		if !strings.Contains(row, `value="home visit with the ISVA" checked`) ||
			!strings.Contains(row, "Home visit with the ISVA (as agreed in the contact plan)") {
			t.Errorf("the plan's way is not offered first and chosen: %s", row)
		}
		// The case page's ways; a plan through the ISVA is that way already.
		for _, o := range [][2]string{{"phone", "Phone"}, {"visit", "Visit"}, {"email", "Email"},
			{"text message", "Text message"}} {
			if !strings.Contains(row, `type="radio" value="`+o[0]+`"`) || !strings.Contains(row, ">"+o[1]+"</label>") {
				t.Errorf("the case page's way %q is not offered: %s", o[1], row)
			}
		}
		form := url.Values{"csrf": {lia.csrf(page)}, "case": {c.Ref}, "victim": {v},
			"kind": {domain.ContactUpdate}, "kind_for": {duty.FirstVictimContact}, "method": {"phone via mother"},
			"note": {"Told her mother the suspect was interviewed"}, "version": {itoa(c.Version)}}
		if status, body := lia.post("/liaison/contact", form); status != 200 ||
			!strings.HasPrefix(banner(body), "Contact with Child B recorded on "+c.Ref) {
			t.Fatalf("a way in words of its own: %d, want it recorded: %q", status, banner(body))
		}
		if log, _ := db.Contacts(ctx, c.ID); len(log[v]) != 1 || log[v][0].Method != "phone via mother" {
			t.Errorf("the way sent is not the way recorded: %+v", log[v])
		}
	})
}

// TestRecordContactStartsFromThePlan: the record-contact form has the
// contact plan's method chosen, whether the plan used one of the listed
// ways or words of its own ("home visit with the ISVA", as the demo's
// plans do), and so does changing the plan.
func TestRecordContactStartsFromThePlan(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	ctx := context.Background()
	f, base := start(t, db)
	c := f.Allocated(t)
	c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B"}))
	v := c.Victims[0].ID
	lia := newClient(t, base, "lia")
	path := "/cases/" + request.PathRef(c.Ref) + "/do/"
	for _, method := range []string{"phone", "home visit with the ISVA"} {
		c = must(f.Svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v,
			EveryDays: 14, Method: method}))
		checked := `value="` + html.EscapeString(method) + `" checked`
		for _, form := range []string{"record-contact", "contact-plan"} {
			status, page := lia.get(path + form + "?victim=" + v)
			if status != 200 || !strings.Contains(page, checked) {
				t.Errorf("%s with a plan by %q: %d, the plan's method is not chosen", form, method, status)
			}
		}
	}
}

// A tester, as the liaison officer, recorded an "update" with no method
// and no note: it was accepted and met the update duty; with kind=bogus
// only the kind was reported. Both pages that record a contact now show
// every problem in the error summary, each linking to its field, and
// write nothing.
func TestRecordContactEmptyShowsEveryProblem(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-05-01"}))
		victim := c.Victims[0].ID
		lia := newClient(t, base, "lia")
		_, page := lia.get("/work")
		path := "/cases/" + request.PathRef(c.Ref)
		_, do := lia.get(path + "/do/record-contact?victim=" + victim)
		for _, tc := range []struct {
			url, kind string
			csrf      string
			want      []string
		}{
			{"/liaison/contact", domain.ContactUpdate, lia.csrf(page), []string{"method", "note"}},
			{"/liaison/contact", "bogus", lia.csrf(page), []string{"kind", "method", "note"}},
			{path + "/do/record-contact", domain.ContactUpdate, lia.csrf(do), []string{"method", "note"}},
			{path + "/do/record-contact", "bogus", lia.csrf(do), []string{"kind", "method", "note"}},
		} {
			form := url.Values{"csrf": {tc.csrf}, "victim": {victim}, "kind": {tc.kind}, "method": {""}, "note": {""},
				"version": {itoa(c.Version)}}
			if tc.url == "/liaison/contact" {
				form.Set("case", c.Ref)
				form.Set("kind_for", duty.FirstVictimContact)
			}
			status, body := lia.post(tc.url, form)
			if status != 422 || !strings.Contains(body, "govuk-error-summary") {
				t.Fatalf("%s kind=%s with nothing in it: %d, want 422 with the error summary: %s", tc.url, tc.kind,
					status, errorSummary(body))
			}
			summary := body[strings.Index(body, "govuk-error-summary"):]
			summary = summary[:strings.Index(summary, "</ul>")]
			if n := strings.Count(summary, "<li"); n != len(tc.want) {
				t.Errorf("%s kind=%s: %d problems, want %d (%v): %s", tc.url, tc.kind, n, len(tc.want), tc.want,
					errorSummary(body))
			}
			for _, field := range tc.want {
				if !strings.Contains(summary, `href="#f-`+field+`"`) {
					t.Errorf("%s kind=%s: no problem links to the %s field: %s", tc.url, tc.kind, field,
						errorSummary(body))
				}
				if tc.url == "/liaison/contact" && !strings.Contains(body, `id="f-`+field+`"`) {
					t.Errorf("%s kind=%s: the summary's link to #f-%s leads nowhere", tc.url, tc.kind, field)
				}
			}
			if !strings.Contains(summary, "Say what you told the victim") ||
				!strings.Contains(summary, "Say how you contacted the victim") {
				t.Errorf("%s kind=%s: the problems are not in words a person understands: %s", tc.url, tc.kind,
					errorSummary(body))
			}
		}
		now, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version != c.Version || now.Victims[0].ContactCount != 0 {
			t.Fatalf("an empty contact was written: version %d (was %d), %d contacts", now.Version, c.Version,
				now.Victims[0].ContactCount)
		}
		for _, d := range now.OpenDuties() {
			if d.Kind == duty.FirstVictimContact && d.Subject == victim {
				return
			}
		}
		t.Fatal("the first contact duty was met by an empty contact")
	})
}

// A case reopened by an auditor with no owner (its owner had left) was
// listed on the liaison's home as "owner —". A case with no owner says it
// is not allocated.
func TestLiaisonHomeSaysACaseWithNoOwnerIsNotAllocated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Referral(t)
		if c.OwnerID != "" {
			t.Fatalf("the referral has an owner: %q", c.OwnerID)
		}
		must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-05-01"}))
		_, page := newClient(t, base, "lia").get("/work")
		i := strings.Index(page, `id="victims"`)
		if i < 0 {
			t.Fatalf("the liaison's home lists no victims: %s", page)
		}
		list := page[i:]
		list = list[:strings.Index(list, "</table>")]
		if !strings.Contains(list, "Child B") || !strings.Contains(list, "Not allocated") ||
			strings.Contains(list, "owner —") {
			t.Errorf("a case with no owner is not said to be not allocated: %s", list)
		}
	})
}
