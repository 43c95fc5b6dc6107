package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCorrectPersonJourney: the suspect's card offers Correct details;
// the form holds the details as they stand (the date of birth in a GOV.UK
// date input); without a reason it is refused and nothing changes; with
// one it returns with a banner and the history says what was corrected.
func TestCorrectPersonJourney(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = mustCase(t)(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Adam Stone", DateOfBirth: "1980-01-02", Vehicle: "AB12 CDE"}))
		id := c.Suspects[0].ID
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
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
