package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// readyToClose is an allocated case that meets every closure rule: a
// victim whose account, contact and view are recorded, and a review.
func readyToClose(t *testing.T, f *fixture.Force) *domain.Case {
	ctx, ok := context.Background(), mustCase(t)
	s := f.Svc
	c := f.Allocated(t)
	c = ok(s.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
		DateOfBirth: "2011-01-01"}))
	v := c.Victims[0].ID
	c = ok(s.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v,
		Kind: domain.ContactAccount, Method: "visit"}))
	c = ok(s.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: v,
		View: "Does not want to go to court"}))
	return ok(s.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
		Summary: "Reviewed: nothing more can be done"}))
}

// TestCloseCarriesTheRecordedVictimsView: the close-case journey does not
// ask for the victim's view a second time; it shows the view recorded,
// with a link to change it, and the proposal carries that view, whatever
// else the form sends.
func TestCloseCarriesTheRecordedVictimsView(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := readyToClose(t, f)
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		status, page := ivy.get(path + "/close")
		if status != 200 {
			t.Fatalf("the close page: %d", status)
		}
		if strings.Contains(page, `name="victim_view"`) {
			t.Error("the close page asks for the victim's view again")
		}
		change := path + "/do/victim-view?victim=" + c.Victims[0].ID + "&from=close"
		if !strings.Contains(page, "Does not want to go to court") ||
			!strings.Contains(page, `href="`+html.EscapeString(change)+`"`) {
			t.Fatal("the close page does not show the recorded view with a link to change it")
		}
		// Changed from the close page, the view is recorded and the journey
		// returns to Close case, which shows the new view.
		_, vp := ivy.get(change)
		status, page = ivy.post(path+"/do/victim-view", url.Values{"csrf": {ivy.csrf(vp)},
			"version": {itoa(c.Version)}, "victim": {c.Victims[0].ID}, "from": {"close"},
			"view": {"Would give evidence if the suspect is found"}})
		if status != 200 || !strings.Contains(page, "Victim&#39;s view recorded") ||
			!strings.Contains(page, "<h1 class=\"govuk-heading-l\">Close case</h1>") ||
			!strings.Contains(page, "Would give evidence if the suspect is found") {
			t.Fatalf("the view changed from Close case: %d %s", status, errorSummary(page))
		}
		// The liaison officer, who may record views but not close cases,
		// returns to the victims after recording one.
		c, _ = db.Case(ctx, c.ID)
		lia := newClient(t, base, "lia")
		_, vp = lia.get(change)
		if strings.Contains(vp, `name="from"`) || strings.Contains(vp, "Back to Close case") {
			t.Error("the liaison officer's view form leads back to Close case, which they may not use")
		}
		status, page = lia.post(path+"/do/victim-view", url.Values{"csrf": {lia.csrf(vp)},
			"version": {itoa(c.Version)}, "victim": {c.Victims[0].ID}, "from": {"close"},
			"view": {"Would give evidence if the suspect is found"}})
		if status != 200 || !strings.Contains(page, "Victim&#39;s view recorded") ||
			strings.Contains(page, "<h1 class=\"govuk-heading-l\">Close case</h1>") {
			t.Fatalf("the liaison officer's view, sent from Close case: %d %s", status, errorSummary(page))
		}
		c, _ = db.Case(ctx, c.ID)
		_, page = ivy.get(path + "/close")
		form := url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)}, "outcome": {"15"},
			"lines_considered": {"Every line raised was considered and filed"},
			"why_none_remain":  {"No other line of enquiry remains to follow"},
			"suspects_status":  {"No suspect was identified"},
			"victim_view":      {"Wants the suspect charged"}, // a second view: ignored
			"step":             {"propose"}}
		status, body := ivy.post(path+"/close", form)
		if status != 200 || !strings.Contains(body, "Closure proposed") {
			t.Fatalf("propose: %d %s", status, errorSummary(body))
		}
		// The proposer is told who decides: outcome 15 with a child victim
		// needs an inspector, and the duty fell on the department's (the
		// chief inspector may too).
		if !strings.Contains(body, "DI Ines Inspector or another inspector") {
			t.Errorf("the proposer is not told who decides the closure: %s", banner(body))
		}
		// The inspector's inbox says so, with the way to the decision: its
		// journey, as on My work.
		_, inbox := newClient(t, base, "ines").get("/inbox")
		if !strings.Contains(inbox, "Decision for you") ||
			!strings.Contains(inbox, `href="`+path+`/do/approve-closure?from=work">Go to the decision`) {
			t.Error("the inspector's inbox does not lead to the closure awaiting their decision")
		}
		if strings.Contains(inbox, "It has been decided") {
			t.Error("the inbox says a closure awaiting decision has been decided")
		}
		got, _ := db.Case(ctx, c.ID)
		if got.Closure == nil || got.Closure.Rationale.VictimView != "Child B: Would give evidence if the suspect is found" {
			t.Fatalf("the closure carries the victim's view %+v, want the one recorded", got.Closure)
		}

		// Without a recorded view the checklist refuses, and says where to
		// record it, not to type it.
		c2 := f.Allocated(t)
		c2 = must(f.Svc.AddVictim(ctx, f.Investigator, c2.ID, service.NewVictim{Version: c2.Version,
			Name: "Child C"}))
		form.Set("version", itoa(c2.Version))
		path2 := "/cases/" + request.PathRef(c2.Ref)
		status, body = ivy.post(path2+"/close", form)
		if status != 422 || !strings.Contains(body, `data-rule="victim_view"`) ||
			strings.Contains(body, "Say what the victim thinks") || !strings.Contains(body, "Not recorded yet") {
			t.Fatalf("a closure without the victim's view: %d %s", status, errorSummary(body))
		}
		// The rule's Why? link names the rule in words that fit any outcome:
		// outcome 15 is the one where the victim supports action.
		rule, _, _ := strings.Cut(body[strings.Index(body, `data-rule="victim_view"`):], "</li>")
		if strings.Contains(rule, "does not support") || !strings.Contains(rule, "view of the outcome is recorded") {
			t.Errorf("the victim's view rule is named for another outcome than 15: %s", rule)
		}
	})
}

// TestConsequentialDecisionsCheckAnswers: proposing a transfer, accepting
// one and deciding a Right to Review first show the answers, with a way
// to change them, and write nothing; the confirmation sends the same
// values and runs the command.
func TestConsequentialDecisionsCheckAnswers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		w := newWorld(t, f)
		open := f.Allocated(t)
		for _, tc := range []struct {
			who, cmd string
			c        *domain.Case
			answers  url.Values
			shows    []string // on the check page
			done     string
			changed  func(*domain.Case) bool
		}{
			{"ivy", "transfer", open, url.Values{"to_team": {f.TeamC}, "reason": {"Linked to an MIT operation"}},
				[]string{"Check your answers before you propose the transfer", "MIT", "Linked to an MIT operation"},
				"Transfer proposed", func(c *domain.Case) bool { return c.Transfer != nil }},
			{"olly", "accept-transfer", w.cases[1], url.Values{"owner_id": {f.OtherTeam.ID()}},
				// The answer is the officer by rank and name, not the caseload
				// the chooser shows beside them.
				[]string{"Check your answers before you accept the transfer", `hf-prose">DC Olly Other</dd>`},
				"Transfer accepted: the case is allocated to DC Olly Other, who is now its officer in charge",
				func(c *domain.Case) bool { return c.TeamID == f.TeamC }},
			{"max", "decide-vrr", w.cases[5], url.Values{"decision": {"upheld"},
				"reasons": {"The suspect's phone was never examined"}},
				[]string{"Check your answers before you record the decision", "Upheld",
					"Upholding the request reopens the case", "The suspect&#39;s phone was never examined"},
				// The outcome, who now owns the case, and the duty to tell the victim.
				"Right to Review decided: upheld. " + w.cases[5].Ref + " is reopened; its officer in charge is DC ",
				func(c *domain.Case) bool { return c.Status.IsOpen() }},
		} {
			cl := newClient(t, base, tc.who)
			path := "/cases/" + request.PathRef(tc.c.Ref) + "/do/" + tc.cmd
			status, page := cl.get(path)
			if status != 200 || !strings.Contains(page, ">Continue</button>") {
				t.Fatalf("%s: the form: %d, or its button does not say Continue", tc.cmd, status)
			}
			cur, _ := db.Case(ctx, tc.c.ID)
			form := url.Values{"csrf": {cl.csrf(page)}, "version": {itoa(cur.Version)}}
			for k, v := range tc.answers {
				form[k] = v
			}
			before, _ := db.LatestSeq(ctx)
			status, check := cl.post(path, form)
			if status != 200 {
				t.Fatalf("%s: the answers: %d %s", tc.cmd, status, errorSummary(check))
			}
			for _, want := range tc.shows {
				if !strings.Contains(check, want) {
					t.Errorf("%s: the check page does not show %q", tc.cmd, want)
				}
			}
			if !strings.Contains(check, `name="step" value="change"`) || !strings.Contains(check, "govuk-summary-list") {
				t.Errorf("%s: the check page has no summary of the answers with Change", tc.cmd)
			}
			onlyReads(t, db, tc.c.ID, before)

			// Change: the form again, as typed; nothing written.
			change := url.Values{"step": {"change"}}
			for k, v := range form {
				change[k] = v
			}
			if status, body := cl.post(path, change); status != 200 || strings.Contains(body, `value="confirm"`) ||
				!strings.Contains(body, ">Continue</button>") ||
				!strings.Contains(body, `name="version" value="`+itoa(cur.Version)+`"`) {
				t.Errorf("%s: Change: %d, or not the form based on the version first read", tc.cmd, status)
			}
			onlyReads(t, db, tc.c.ID, before)

			// Confirm: the values the check page carries, and step=confirm.
			confirm := url.Values{"step": {"confirm"}}
			for _, h := range hiddenRE.FindAllStringSubmatch(check, -1) {
				confirm.Add(h[1], html.UnescapeString(h[2]))
			}
			status, body := cl.post(path, confirm)
			if status != 200 || !strings.Contains(body, tc.done) {
				t.Fatalf("%s: confirm: %d %s", tc.cmd, status, errorSummary(body))
			}
			if got, _ := db.Case(ctx, tc.c.ID); !tc.changed(got) {
				t.Errorf("%s: confirmed, but the case did not change", tc.cmd)
			}
		}

		// Answers the command would refuse are refused before the check page.
		sam := newClient(t, base, "sam")
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref) + "/do/transfer"
		_, page := sam.get(path)
		status, body := sam.post(path, url.Values{"csrf": {sam.csrf(page)}, "version": {itoa(c.Version)},
			"to_team": {f.TeamC}})
		if status != 422 || !strings.Contains(body, `data-rule="transfer_reason"`) ||
			strings.Contains(body, "Check your answers") {
			t.Errorf("a transfer without a reason: %d %s", status, errorSummary(body))
		}
	})
}

// TestCorrectANote: a note is corrected from the case page or its history
// by a new note naming it; the original stays, marked corrected.
func TestCorrectANote(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "Spoke to the school on Monday"}))
		orig := c.Notes[0]
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		journey := path + "/do/correct-note?corrects=" + orig.ID
		for _, from := range []string{path, path + "/history?kind=notes"} {
			if _, page := ivy.get(from); !strings.Contains(page, `href="`+html.EscapeString(journey)+`"`) {
				t.Errorf("%s does not offer to correct the note", from)
			}
		}
		status, page := ivy.get(journey)
		if status != 200 || !strings.Contains(page, "Spoke to the school on Monday") ||
			!strings.Contains(page, `name="corrects" value="`+orig.ID+`"`) {
			t.Fatalf("the correct-note page: %d", status)
		}
		status, body := ivy.post(path+"/do/correct-note", url.Values{"csrf": {ivy.csrf(page)},
			"version": {itoa(c.Version)}, "corrects": {orig.ID}, "text": {"Spoke to the school on Tuesday"}})
		if status != 200 || !strings.Contains(body, "Note corrected") {
			t.Fatalf("correct: %d %s", status, errorSummary(body))
		}
		got, _ := db.Notes(ctx, c.ID) // the note log
		if len(got) != 2 || got[0].Text != "Spoke to the school on Monday" ||
			got[1].Corrects != orig.ID || got[1].Text != "Spoke to the school on Tuesday" {
			t.Fatalf("notes after the correction: %+v", got)
		}
		if !strings.Contains(body, "Corrected</strong>") || !strings.Contains(body, "correcting the note of") {
			t.Error("the case page does not mark the corrected note, or say what the correction corrects")
		}
		if _, h := ivy.get(path + "/history?kind=notes"); !strings.Contains(h, "corrected the note of") {
			t.Error("the history does not say which note was corrected")
		}
		// A note that is not on the case cannot be corrected; the inspector
		// cannot correct one at all.
		if status, body := ivy.get(path + "/do/correct-note?corrects=nope"); status != 404 ||
			!strings.Contains(body, "There is no such note on this case.") {
			t.Errorf("correcting an unknown note: %d, want 404", status)
		}
		hmi := newClient(t, base, "hmi")
		for _, j := range []string{journey, path + "/do/correct-note?corrects=nope"} {
			if status, _ := hmi.get(j); status != 403 {
				t.Errorf("the inspector's %s: %d, want 403", j, status)
			}
		}
		// Two notes of one minute are told apart by their author and
		// first words in the link's label.
		for _, from := range []string{path, path + "/history?kind=notes"} {
			if _, page := ivy.get(from); !strings.Contains(page, "DC Ivy Investigator, “Spoke to the school on Monday”") {
				t.Errorf("%s: the correct link's label does not name the note's author and first words", from)
			}
		}
	})
}

var bannerRE = regexp.MustCompile(`(?s)<p class="govuk-notification-banner__heading">(.*?)</p>`)

// banner is the success banner's message, or "" without one.
func banner(body string) string {
	if m := bannerRE.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// TestVRRRequestCarriesTheGrounds: the liaison officer records, with a
// victim's request for a review, what the victim says was wrong; the case
// shows it to whoever decides, and the record keeps it.
func TestVRRRequestCarriesTheGrounds(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	ctx := context.Background()
	f, base := start(t, db)
	w := newWorld(t, f)
	c, err := db.Case(ctx, w.cases[3].ID) // closed, no request yet; audited since
	if err != nil {
		t.Fatal(err)
	}
	path := "/cases/" + request.PathRef(c.Ref)
	lia := newClient(t, base, "lia")
	status, page := lia.get(path + "/do/request-vrr?victim_id=" + c.Victims[0].ID)
	if status != 200 || !strings.Contains(page, `name="grounds"`) {
		t.Fatalf("the request form has no grounds field: %d", status)
	}
	grounds := "Nobody asked for the messages on her old phone"
	status, page = lia.post(path+"/do/request-vrr", url.Values{"csrf": {lia.csrf(page)},
		"version": {itoa(c.Version)}, "victim_id": {c.Victims[0].ID}, "grounds": {grounds}})
	if status != 200 || !strings.Contains(page, grounds) {
		t.Fatalf("the request recorded: %d %s, want the grounds on the case", status, errorSummary(page))
	}
	got, err := db.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.PendingVRR(); r == nil || r.Grounds != grounds {
		t.Fatalf("the request's grounds were not kept: %+v", r)
	}
}

// TestNewReferralDateReported: Open a referral asks when it was reported
// with the GOV.UK date input, refuses a date that does not exist with the
// form's problems, writing nothing, and records the start of the day given.
func TestNewReferralDateReported(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	ctx := context.Background()
	f, base := start(t, db)
	ivy := newClient(t, base, "ivy")
	_, form := ivy.get("/cases/new")
	if !strings.Contains(form, `name="reported_at-day"`) || !strings.Contains(form, `name="reported_at-year"`) {
		t.Fatal("the new referral page does not ask the date reported with a date input")
	}
	vals := url.Values{"csrf": {ivy.csrf(form)}, "team_id": {f.TeamA},
		"summary":       {"School reports a girl picked up by older men"},
		"offence_types": {"CSE"}, "reported_at-day": {"30"}, "reported_at-month": {"2"}, "reported_at-year": {"2026"}}
	status, body := ivy.post("/cases", vals)
	if status != 422 || !strings.Contains(body, "Date reported must be a real date") ||
		!strings.Contains(body, `href="#f-reported_at-day"`) || !strings.Contains(body, "older men") {
		t.Fatalf("30 February: %d %s, want it refused keeping what was typed", status, errorSummary(body))
	}
	vals.Set("reported_at-day", "3")
	status, body = ivy.post("/cases", vals)
	if status != 200 || !strings.Contains(body, "Referral opened") {
		t.Fatalf("a referral reported on 3 February: %d %s", status, errorSummary(body))
	}
	cs, err := db.ListCases(ctx, store.CaseFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cs {
		full, _ := db.Case(ctx, c.ID)
		if full != nil && strings.HasPrefix(full.Summary, "School reports") {
			found = true
			if got := full.ReportedAt.In(clock.London).Format(time.DateOnly); got != "2026-02-03" {
				t.Errorf("reported on %s, want 2026-02-03", got)
			}
		}
	}
	if !found {
		t.Fatal("the referral was not recorded")
	}
}

// TestClosureBannerNamesWhoMayDecide: the proposer's banner says "or
// another" only when someone else may approve the closure, and never
// calls a superintendent "another inspector".
func TestClosureBannerNamesWhoMayDecide(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		ivy := newClient(t, base, "ivy")
		propose := func() string {
			t.Helper()
			c := readyToClose(t, f)
			path := "/cases/" + request.PathRef(c.Ref)
			_, page := ivy.get(path + "/close")
			form := url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)}, "outcome": {"15"},
				"lines_considered": {"Every line raised was considered and filed"},
				"why_none_remain":  {"No other line of enquiry remains to follow"},
				"suspects_status":  {"No suspect was identified"},
				"step":             {"propose"}}
			status, body := ivy.post(path+"/close", form)
			if status != 200 || !strings.Contains(body, "Closure proposed") {
				t.Fatalf("propose: %d %s", status, errorSummary(body))
			}
			return banner(body)
		}
		leaves := func(a *service.Actor) {
			t.Helper()
			if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: a.ID(), Reason: "retired"}); err != nil {
				t.Fatal(err)
			}
		}
		// The chief inspector gone, the department's inspector alone may.
		leaves(f.Manager)
		if b := propose(); !strings.Contains(b, "DI Ines Inspector will decide") || strings.Contains(b, "another") {
			t.Errorf("with nobody else who may approve, the banner says %q", b)
		}
		// The inspector gone too, a superintendent alone may.
		leaves(f.Inspector)
		f.AddUser(t, service.NewUser{Username: "sue", Name: "Sue Super", Collar: "Csue",
			Rank: domain.RankSuperintendent, UnitID: f.ForceID, Roles: []domain.Role{domain.RoleManager},
			Password: fixture.Password, Email: "sue@northshire.police.invalid"})
		if b := propose(); !strings.Contains(b, "Det Supt Sue Super will decide") || strings.Contains(b, "another") {
			t.Errorf("with the superintendent alone to approve, the banner says %q", b)
		}
		// With an inspector besides, another may: one "or above".
		f.AddUser(t, service.NewUser{Username: "ira", Name: "Ira Inspector", Collar: "Cira",
			Rank: domain.RankInspector, UnitID: f.ForceID, Roles: []domain.Role{domain.RoleManager},
			Password: fixture.Password, Email: "ira@northshire.police.invalid"})
		if b := propose(); !strings.Contains(b, "or another inspector or above will decide") {
			t.Errorf("with an inspector and a superintendent to approve, the banner says %q", b)
		}
	})
}
