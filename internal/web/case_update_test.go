package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCorrectCaseDetailsRefusesNoChange: "Correct the case details" sent
// back as shown, or with the summary cleared, is refused with the GOV.UK
// error summary saying why, and appends nothing; it never says
// "corrected" when nothing was.
func TestCorrectCaseDetailsRefusesNoChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		status, page := ivy.get(path + "/do/update-case")
		if status != 200 || !strings.Contains(page, "Correct the case details") {
			t.Fatalf("the correct-details page: %d", status)
		}
		for name, summary := range map[string]string{
			"unchanged": c.Summary,
			"blank":     "   ",
		} {
			status, body := ivy.post(path+"/do/update-case", url.Values{"csrf": {ivy.csrf(page)},
				"version": {itoa(c.Version)}, "summary": {summary}, "offence_types": c.OffenceTypes,
				"marking": {c.Marking}})
			want := map[string]string{"unchanged": "Nothing was changed", "blank": "The summary cannot be blank"}[name]
			if status != 422 || !strings.Contains(body, "govuk-error-summary") ||
				!strings.Contains(errorSummary(body), want) || strings.Contains(body, "Case details corrected") {
				t.Errorf("%s summary: %d %q, want 422 and an error summary saying %q", name, status,
					errorSummary(body), want)
			}
			// The page's own read of the case is recorded; no correction is.
			if got, _ := db.Case(ctx, c.ID); got.Version != c.Version || got.Summary != c.Summary {
				t.Errorf("%s summary: the refused correction changed the case to version %d, summary %q",
					name, got.Version, got.Summary)
			}
		}
		// A real correction still goes through.
		status, body := ivy.post(path+"/do/update-case", url.Values{"csrf": {ivy.csrf(page)},
			"version": {itoa(c.Version)}, "summary": {"A corrected summary of the referral"},
			"offence_types": c.OffenceTypes, "marking": {c.Marking}})
		if status != 200 || !strings.Contains(body, "Case details corrected") {
			t.Fatalf("a real correction: %d %s", status, errorSummary(body))
		}
	})
}
