package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNetworkPageRefusesAnUnknownCaseOnTheForm: a case that does not
// exist, or is not a reference, is refused on the form itself, its error
// linked to the case field, in the words the ledger check uses — not a
// "Page not found" that loses the form.
func TestNetworkPageRefusesAnUnknownCaseOnTheForm(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	_, base := start(t, db)
	ana := newClient(t, base, "ana")
	for _, ref := range []string{"CSE/2099/999999", "hello"} {
		status, body := ana.get("/network?case=" + url.QueryEscape(ref))
		if status != 422 || !strings.Contains(body, `action="/network"`) ||
			!strings.Contains(errorSummary(body), "There is no case "+ref+" that you may see") {
			t.Errorf("/network?case=%s: %d %s", ref, status, errorSummary(body))
		}
		if hrefs := summaryTargetsExist(t, body); len(hrefs) != 1 || hrefs[0] != "f-case" {
			t.Errorf("/network?case=%s: the error summary links to %v, want the case field", ref, hrefs)
		}
		if !strings.Contains(body, `id="f-case-error"`) {
			t.Errorf("/network?case=%s: no error beside the case field", ref)
		}
	}
}

// TestLinksPageWritesBirthDatesInWords: a name and date of birth shared
// by two cases' suspects is shown with the date the GOV.UK way.
func TestLinksPageWritesBirthDatesInWords(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	ctx := context.Background()
	for range 2 {
		c := f.Allocated(t)
		if _, err := f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Adam Smith", DateOfBirth: "1987-11-28"}); err != nil {
			t.Fatal(err)
		}
	}
	ana := newClient(t, base, "ana")
	status, page := ana.get("/links?kind=" + service.LinkKindNameDOB)
	if status != 200 || !strings.Contains(page, "Adam Smith, born 28 November 1987") || strings.Contains(page, "1987-11-28") {
		t.Errorf("the links page writes the date of birth as %q", between(page, "Adam Smith", "</td>"))
	}
}

// TestSearchHintOffersDateOfBirth: the search form says a date of birth
// may be searched for.
func TestSearchHintOffersDateOfBirth(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	_, base := start(t, db)
	ana := newClient(t, base, "ana")
	_, page := ana.get("/cases")
	hint := strings.TrimPrefix(between(page, `id="f-q-hint">`, "</div>"), `id="f-q-hint">`)
	if !strings.Contains(hint, "a date of birth") {
		t.Error("the search hint does not say a date of birth can be searched for")
	}
	// My work's search box offers the same, in the same words.
	_, work := newClient(t, base, "ivy").get("/work")
	if got := strings.TrimPrefix(between(work, `id="f-q-home-hint">`, "</div>"), `id="f-q-home-hint">`); got != hint {
		t.Errorf("My work's search hint is %q, want the case list's %q", got, hint)
	}
}

// between is the text of s from the first a to the next b after it.
func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], b)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
