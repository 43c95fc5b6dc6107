package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// withVictims is an allocated case with child victims of these names.
func withVictims(t *testing.T, f *fixture.Force, names ...string) *domain.Case {
	t.Helper()
	c := f.Allocated(t)
	for _, name := range names {
		c = must(f.Svc.AddVictim(context.Background(), f.Investigator, c.ID, service.NewVictim{Version: c.Version,
			Name: name, DateOfBirth: "2012-05-01"}))
	}
	return c
}

// dateForm is a GOV.UK date input's three fields, as a person types them.
func dateForm(name string, t time.Time) url.Values {
	l := t.In(clock.London)
	return url.Values{name + "-day": {strconv.Itoa(l.Day())}, name + "-month": {strconv.Itoa(int(l.Month()))},
		name + "-year": {strconv.Itoa(l.Year())}}
}

// group is the form group of the page that holds the field with id, from
// its opening to the field's end.
func group(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no field with id %s", id)
	}
	g := strings.LastIndex(body[:i], `<div class="govuk-form-group`)
	return body[g : i+strings.Index(body[i:], ">")+1]
}

// A tester recorded next morning a visit made the day before: the pages
// asked only kind, method and note, so the contact was stamped with the
// moment it was typed and the next update ran from then. Both pages that
// record a contact ask "When did the contact happen?" (today unless
// changed), refuse a day in the future saying so beside the date, and say
// in the confirmation when the next update is due and from which contact.
func TestRecordContactAsksWhenItHappened(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := withVictims(t, f, "Child B")
		v := c.Victims[0].ID
		c = must(f.Svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v,
			EveryDays: 14, Method: "phone"}))
		f.Clock.Advance(3 * 24 * time.Hour)
		now := f.Svc.Now()
		yesterday, tomorrow := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1)
		lia := newClient(t, base, "lia")
		path := "/cases/" + request.PathRef(c.Ref) + "/do/record-contact"
		_, page := lia.get(path + "?victim=" + v)
		if !strings.Contains(page, "When did the contact happen?") {
			t.Fatalf("the record-contact page does not ask when the contact happened: %s", page)
		}
		for name, want := range dateForm("contacted_on", now) {
			if !strings.Contains(page, `name="`+name+`" type="text" inputmode="numeric" value="`+want[0]+`"`) {
				t.Errorf("the record-contact page does not start %s at today's %s", name, want[0])
			}
		}
		send := func(url string, csrf string, on time.Time, extra url.Values) (int, string) {
			form := dateForm("contacted_on", on)
			form.Set("csrf", csrf)
			form.Set("victim", v)
			form.Set("version", itoa(c.Version))
			form.Set("kind", domain.ContactUpdate)
			form.Set("method", "phone")
			form.Set("note", "Told her mother the phone download is back")
			for k, vs := range extra {
				form[k] = vs
			}
			return lia.post(url, form)
		}
		status, body := send(path, lia.csrf(page), tomorrow, nil)
		if status != 422 || !strings.Contains(errorSummary(body), "in the future") ||
			!strings.Contains(body, `href="#f-contacted_on-day"`) ||
			!strings.Contains(group(t, body, "f-contacted_on"), "govuk-form-group--error") {
			t.Fatalf("a contact tomorrow on the case page: %d, want 422 with the date's problem beside it: %s",
				status, errorSummary(body))
		}
		status, body = send(path, lia.csrf(page), yesterday, nil)
		want := "Contact recorded. The next update to Child B is due by " +
			clock.GovUK(middayOf(yesterday).UTC().AddDate(0, 0, 14)) + ", counted from the last contact, on " +
			yesterday.In(clock.London).Format("2 January 2006") + "."
		if status != 200 || banner(body) != want {
			t.Fatalf("yesterday's contact on the case page: %d %q, want %q", status, banner(body), want)
		}
		log, _ := db.Contacts(ctx, c.ID)
		if got := log[v]; len(got) != 1 || !got[0].At.Equal(middayOf(yesterday)) || !got[0].RecordedAt.Equal(now) {
			t.Fatalf("yesterday's contact: %+v", got)
		}
		// The case says when it happened; its history, that it was
		// recorded on a later day.
		day := yesterday.In(clock.London).Format("2 January 2006")
		caseRef := "/cases/" + request.PathRef(c.Ref)
		if _, victims := lia.get(caseRef + "/victims"); !strings.Contains(victims, "<li>"+day+": ") {
			t.Errorf("the victims section does not date the contact %s", day)
		}
		if _, hist := lia.get(caseRef + "/history?kind=victims"); !strings.Contains(hist,
			"recorded a contact with Child B by phone on "+day) {
			t.Errorf("the history does not say the contact recorded today happened on %s", day)
		}

		// The same on My work's one-step form.
		c, _ = db.Case(ctx, c.ID)
		f.Clock.Advance(14 * 24 * time.Hour) // the update falls due, and the victim is listed
		now = f.Svc.Now()
		lia = newClient(t, base, "lia") // signed in afresh, a fortnight on
		_, page = lia.get("/work")
		if !strings.Contains(page, "When did the contact happen?") {
			t.Fatalf("My work's contact form does not ask when the contact happened: %s", page)
		}
		work := url.Values{"case": {c.Ref}, "kind_for": {duty.VictimUpdate}}
		status, body = send("/liaison/contact", lia.csrf(page), now.AddDate(0, 0, 2), work)
		if status != 422 || !strings.Contains(errorSummary(body), "in the future") ||
			!strings.Contains(body, `href="#f-contacted_on"`) ||
			!strings.Contains(group(t, body, "f-contacted_on"), "govuk-form-group--error") ||
			!strings.Contains(body, `id="f-contacted_on-error"`) {
			t.Fatalf("a contact in two days on My work: %d, want 422 with the date's problem beside it: %s",
				status, errorSummary(body))
		}
		before := now.AddDate(0, 0, -2)
		status, body = send("/liaison/contact", lia.csrf(page), before, work)
		want = "Contact with Child B recorded on " + c.Ref + ". The next update to Child B is due by " +
			clock.GovUK(middayOf(before).UTC().AddDate(0, 0, 14)) + ", counted from the last contact, on " +
			before.In(clock.London).Format("2 January 2006") + "."
		if status != 200 || banner(body) != want {
			t.Fatalf("a contact two days ago on My work: %d %q, want %q", status, banner(body), want)
		}
	})
}

// middayOf is midday, London time, on t's day: when a contact said to have
// happened on an earlier day is taken to have been made. The plan's days
// are counted from it in UTC (duty.Rules), so across the change to summer
// time the update falls due at 1pm: on the same day, as midday is meant to
// keep it.
func middayOf(t time.Time) time.Time {
	l := t.In(clock.London)
	return time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, clock.London)
}

// A tester sent the liaison officer's one-step contact form on My work
// with no note: the row opened again, but its textarea had no error
// message or red border, so nothing said what was missing. The row sent
// back shows each problem beside its field, linked from the summary; the
// other rows keep their own, untouched forms (with today's date).
func TestLiaisonContactShowsTheProblemBesideTheField(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := withVictims(t, f, "Child B", "Child C")
		v := c.Victims[0].ID
		lia := newClient(t, base, "lia")
		_, page := lia.get("/work")
		form := url.Values{"csrf": {lia.csrf(page)}, "case": {c.Ref}, "victim": {v}, "version": {itoa(c.Version)},
			"kind": {domain.ContactUpdate}, "kind_for": {duty.FirstVictimContact}, "method": {"phone"},
			"note": {"  "}}
		for k, vs := range dateForm("contacted_on", f.Svc.Now()) {
			form[k] = vs
		}
		status, body := lia.post("/liaison/contact", form)
		if status != 422 || !strings.Contains(body, `href="#f-note"`) {
			t.Fatalf("an update with no note: %d, want 422 linking to the note: %s", status, errorSummary(body))
		}
		note := group(t, body, "f-note")
		if !strings.Contains(note, "govuk-form-group--error") || !strings.Contains(note, "govuk-textarea--error") ||
			!strings.Contains(note, `class="govuk-error-message"`) || !strings.Contains(note, "Say what you told") {
			t.Errorf("the note's field does not show its problem: %s", note)
		}
		if strings.Count(body, "govuk-error-message") != 1 {
			t.Errorf("%d fields show a problem, want the note's alone", strings.Count(body, "govuk-error-message"))
		}
		// The other victim's row: its own ids, no problem, today's date.
		other := body[strings.Index(body, "Record contact with Child C"):]
		other = other[:strings.Index(other, "</form>")]
		if strings.Contains(other, "--error") || strings.Contains(other, `id="f-note"`) ||
			!strings.Contains(other, `name="contacted_on-day" type="text" inputmode="numeric" value="`+
				strconv.Itoa(f.Svc.Now().In(clock.London).Day())+`"`) {
			t.Errorf("the other victim's row was changed by the row sent back: %s", other)
		}
	})
}

// A tester could not agree a contact plan of a "visit at school" or a
// "phone call to parent", though the demo's plans hold such ways: the form
// offered five ways alone. Both contact forms offer "Another way", which
// has a box beneath it for the way in the officer's words; the plan keeps those
// words, and recording a contact then offers them first.
func TestContactPlanTakesAWayInTheOfficersWords(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	ctx := context.Background()
	f, base := start(t, db)
	c := withVictims(t, f, "Child B")
	v := c.Victims[0].ID
	lia := newClient(t, base, "lia")
	path := "/cases/" + request.PathRef(c.Ref) + "/do/"
	for _, form := range []string{"contact-plan", "record-contact"} {
		_, page := lia.get(path + form + "?victim=" + v)
		if !strings.Contains(page, `value="another way">`) ||
			!strings.Contains(page, ">Another way</label>") || !strings.Contains(page, `name="method_other"`) {
			t.Fatalf("%s does not offer another way, in the officer's words: %s", form, page)
		}
	}
	_, page := lia.get(path + "contact-plan?victim=" + v)
	plan := url.Values{"csrf": {lia.csrf(page)}, "victim": {v}, "version": {itoa(c.Version)},
		"every_days": {"14"}, "method": {"another way"}, "method_other": {""}}
	status, body := lia.post(path+"contact-plan", plan)
	if status != 422 || !strings.Contains(errorSummary(body), "Say how the victim wants to be contacted") ||
		!strings.Contains(body, `value="another way" checked`) {
		t.Fatalf("another way with no words: %d, want 422 keeping the choice: %s", status, errorSummary(body))
	}
	plan.Set("method_other", " visit at school ")
	if status, body = lia.post(path+"contact-plan", plan); status != 200 || banner(body) != "Contact plan agreed" {
		t.Fatalf("a plan of a visit at school: %d %q", status, banner(body))
	}
	c, _ = db.Case(ctx, c.ID)
	if p := c.Victims[0].Plan; p == nil || p.Method != "visit at school" {
		t.Fatalf("the plan agreed: %+v, want a visit at school", p)
	}
	_, page = lia.get(path + "record-contact?victim=" + v)
	if !strings.Contains(page, `value="visit at school" checked`) ||
		!strings.Contains(page, "Visit at school (as agreed in the contact plan)") {
		t.Errorf("recording a contact does not start from the plan's way")
	}
}
