package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// suspectCase is the force, an allocated case with the suspect s on it,
// its path, and ivy, who works it, signed in.
func suspectCase(t *testing.T, db *sqlstore.DB, s service.NewSuspect) (*fixture.Force, *domain.Case, string,
	*client) {
	t.Helper()
	f, base := start(t, db)
	c := f.Allocated(t)
	s.Version = c.Version
	c = mustCase(t)(f.Svc.AddSuspect(context.Background(), f.Investigator, c.ID, s))
	return f, c, "/cases/" + request.PathRef(c.Ref), newClient(t, base, "ivy")
}

// TestCorrectPersonJourney: the suspect's card offers Correct details;
// the form holds the details as they stand (the date of birth in a GOV.UK
// date input); without a reason it is refused and nothing changes; with
// one it returns with a banner and the history says what was corrected.
func TestCorrectPersonJourney(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		_, c, path, ivy := suspectCase(t, db, service.NewSuspect{Name: "Adam Stone", DateOfBirth: "1980-01-02",
			Vehicle: "AB12 CDE"})
		id := c.Suspects[0].ID
		if _, page := ivy.get(path + "/people"); !strings.Contains(page, "/do/correct-person?person="+id) {
			t.Fatal("the suspect's card offers no Correct details")
		}
		status, page := ivy.get(path + "/do/correct-person?person=" + id)
		if status != 200 || !strings.Contains(page, `value="Adam Stone"`) || !strings.Contains(page, `value="AB12 CDE"`) ||
			!strings.Contains(page, `name="`+request.DatePart("dob", "year")+`" type="text" inputmode="numeric" value="1980"`) {
			t.Fatalf("the form is not prefilled: %d", status)
		}
		form := url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)}, "person": {id},
			"name": {"Adam Stone"}, "dob-day": {"1"}, "dob-month": {"2"}, "dob-year": {"1980"},
			"vehicle": {"AB12 CDE"}}
		status, page = ivy.post(path+"/do/correct-person", form)
		if status == 200 && strings.Contains(page, "Details corrected") || !strings.Contains(errorSummary(page), "why") {
			t.Fatalf("a correction without a reason: %d %s", status, errorSummary(page))
		}
		if now, _ := db.Case(ctx, c.ID); now.Version != c.Version {
			t.Fatal("a refused correction changed the case")
		}
		form.Set("reason", "Custody record shows the day and month the other way round")
		status, page = ivy.post(path+"/do/correct-person", form)
		if status != 200 || !strings.Contains(page, "Details corrected") {
			t.Fatalf("the correction: %d %s", status, errorSummary(page))
		}
		if now, _ := db.Case(ctx, c.ID); now.Suspects[0].DateOfBirth != "1980-02-01" {
			t.Errorf("date of birth now %q", now.Suspects[0].DateOfBirth)
		}
		_, page = ivy.get(path + "/history")
		if !strings.Contains(page, "corrected the suspect&#39;s date of birth") ||
			!strings.Contains(page, "Custody record shows") {
			t.Error("the history does not show the correction and its reason")
		}
	})
}

// TestCaseFormErrorsInPageOrder: a case form's error summary ran in the
// order the service checked the fields (a suspect's address before the
// phone and vehicle above it), and the inputs in error were described by
// their hints alone. The summary now runs in the order of the page, each
// link landing on its input, marked in error, with the message above it
// and the input described by it.
func TestCaseFormErrorsInPageOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, c, path, ivy := suspectCase(t, db, service.NewSuspect{Name: "Adam Stone"})
		id := c.Suspects[0].ID
		_, page := ivy.get(path + "/do/correct-person?person=" + id)
		status, page := ivy.post(path+"/do/correct-person", url.Values{"csrf": {ivy.csrf(page)},
			"version": {itoa(c.Version)}, "person": {id}, "name": {"Adam Stone"},
			"phone": {strings.Repeat("7", 201)}, "vehicle": {strings.Repeat("V", 1001)},
			"address": {strings.Repeat("a", 1001)}, "reason": {"Custody record"}})
		if status != 422 {
			t.Fatalf("a correction with every identifier too long: %d, want 422", status)
		}
		if got := summaryLinksLand(t, page); strings.Join(got, " ") != "f-phone f-vehicle f-address" {
			t.Errorf("the summary links %v, want the phone, the vehicle and the address, as the page has them", got)
		}
		if !strings.Contains(page, `id="f-address" name="address" type="text" value="`+strings.Repeat("a", 1001)+
			`" aria-describedby="f-address-error">`) {
			t.Errorf("the address in error is not described by its message")
		}

		// Opened without a line of enquiry, the allocation form asks which
		// first; the officer's refusal lands on the officer's list.
		c = mustCase(t)(f.Svc.RaiseAction(context.Background(), f.Investigator, c.ID,
			service.NewAction{Version: c.Version, Title: "Trace the car"}))
		_, page = ivy.get(path + "/do/allocate-action")
		status, page = ivy.post(path+"/do/allocate-action", url.Values{"csrf": {ivy.csrf(page)},
			"version": {itoa(c.Version)}, "action": {c.Actions[0].ID}, "to": {""}})
		if got := summaryLinksLand(t, page); status != 422 || strings.Join(got, " ") != "f-to" {
			t.Errorf("an allocation to nobody: %d, the summary links %v, want the officer", status, got)
		}
	})
}
