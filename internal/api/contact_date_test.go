package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A contact recorded through the API says the day it happened, as the
// pages do (contacted_on, YYYY-MM-DD, default today): the OpenAPI document
// says so, a day in the future is refused naming the field, and an earlier
// day is the contact's.
func TestAPIContactSaysTheDayItHappened(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		c := f.Allocated(t)
		c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A"})
		if err != nil {
			t.Fatal(err)
		}
		v := c.Victims[0].ID
		f.Clock.Advance(48 * time.Hour)
		path := "/api/v1/cases/" + request.PathRef(c.Ref) + "/victims/" + v + "/contacts"
		day := func(t time.Time) string { return t.In(calendar.London).Format(time.DateOnly) }
		body := func(on string) map[string]any {
			return map[string]any{"version": c.Version, "kind": domain.ContactUpdate, "method": "phone",
				"note": "Told her mother of progress", "contacted_on": on}
		}
		res := h.do(f.Liaison, "POST", path, body(day(f.Svc.Now().AddDate(0, 0, 1))))
		if res.status != 422 {
			t.Fatalf("a contact tomorrow: %d, want 422: %s", res.status, res.body)
		}
		if p := res.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "contacted_on" ||
			!strings.Contains(p.Errors[0].Message, "in the future") {
			t.Fatalf("a contact tomorrow: %+v", p.Errors)
		}
		yesterday := day(f.Svc.Now().AddDate(0, 0, -1))
		if res := h.do(f.Liaison, "POST", path, body(yesterday)); res.status != 201 {
			t.Fatalf("a contact yesterday: %d: %s", res.status, res.body)
		}
		log, err := db.Contacts(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := log[v]; len(got) != 1 || day(got[0].At) != yesterday || !got[0].RecordedAt.Equal(f.Svc.Now()) {
			t.Fatalf("the contact recorded: %+v, want it on %s, recorded now", got, yesterday)
		}
		res = h.do(f.Investigator, "GET", "/api/v1/openapi.json", nil)
		doc, err := openapi3.NewLoader().LoadFromData(res.body)
		if err != nil {
			t.Fatal(err)
		}
		s := doc.Paths.Find("/api/v1/cases/{ref}/victims/{victim}/contacts").Post.RequestBody.Value.
			Content["application/json"].Schema
		if s.Ref != "" {
			s = doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		}
		if s.Value.Properties["contacted_on"] == nil {
			t.Errorf("the OpenAPI document does not say a contact's day: %v", s.Value.Properties)
		}
	})
}
