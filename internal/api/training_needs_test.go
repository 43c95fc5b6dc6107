package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestTrainingNeedsRefusesABadPage: a page number that is not a whole
// number from 1 is a 400 naming the parameter, not quietly the first page.
func TestTrainingNeedsRefusesABadPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		// The message reads as the web page's does, not "Gaps_page must be…".
		for q, msg := range map[string]string{
			"gaps_page=abc":   `The page of the gaps table must be a number from 1, not "abc".`,
			"gaps_page=-1":    `The page of the gaps table must be a number from 1, not "-1".`,
			"expiries_page=0": `The page of the expiries table must be a number from 1, not "0".`,
		} {
			res := h.do(h.f.Admin, "GET", "/api/v1/training/needs?"+q, nil)
			if res.status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400: %s", q, res.status, res.body)
				continue
			}
			name := q[:strings.Index(q, "=")]
			if p := res.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != name || p.Errors[0].Message != msg {
				t.Errorf("%s: problem %+v, want one naming %s: %q", q, p, name, msg)
			}
		}
		if res := h.do(h.f.Admin, "GET", "/api/v1/training/needs?gaps_page=1", nil); res.status != http.StatusOK {
			t.Errorf("gaps_page=1: status %d: %s", res.status, res.body)
		}
	})
}
