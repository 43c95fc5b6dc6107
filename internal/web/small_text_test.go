package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSignedInAsAndFormReadsInWords: the banner names the person by rank
// and name once; a read for a case's form is in the history in words, not
// as the journey's code.
func TestSignedInAsAndFormReadsInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		r := f.Referral(t)
		sam := newClient(t, base, "sam")
		path := "/cases/" + request.PathRef(r.Ref)
		_, page := sam.get(path + "/do/assign-owner")
		if !strings.Contains(page, "Signed in as <strong>DS Sam Supervisor</strong></p>") {
			t.Errorf("the banner does not read \"Signed in as DS Sam Supervisor\"")
		}
		_, h := sam.get(path + "/history")
		h = html.UnescapeString(h)
		if strings.Contains(h, "case page: assign-owner") || !strings.Contains(h, "case page: the form to") {
			t.Errorf("the history shows the form's read by its code")
		}
	})
}
