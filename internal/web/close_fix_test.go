package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/testdb"
)

var putRightRE = regexp.MustCompile(`>Put it right(<span class="govuk-visually-hidden">: ([^<]+)</span>)?</a>`)

// TestPutItRightLinksSayWhat: every blocker's "Put it right" link had the
// same words, so a screen reader listing links heard "Put it right" again
// and again. Each carries hidden words naming its blocker.
func TestPutItRightLinksSayWhat(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	c := f.Allocated(t)
	// The supervisor: a constable is told whom to ask for the review
	// instead (TestCloseChecklistSaysWhoToAsk).
	sam := newClient(t, base, "sam")
	status, page := sam.get("/cases/" + request.PathRef(c.Ref) + "/close/checklist?outcome=16")
	ms := putRightRE.FindAllStringSubmatch(page, -1)
	if status != 200 || len(ms) == 0 {
		t.Fatalf("the checklist: %d, %d blockers to put right", status, len(ms))
	}
	for _, m := range ms {
		if strings.TrimSpace(m[2]) == "" {
			t.Errorf("a Put it right link says nothing of its blocker: %s", m[0])
		}
	}
}
