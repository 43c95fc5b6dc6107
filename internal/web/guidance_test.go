package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/guidance"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestGuidanceLinkedFromRefusalsAndDuties: a duty row and a gate's
// refusal each carry a "Why?" link to the rule's guidance, which names
// its source; an unknown id is not found.
func TestGuidanceLinkedFromRefusalsAndDuties(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)
		sam := newClient(t, base, "sam")

		// The case page's duties: the supervisory review is owed, and says why.
		_, page := sam.get(path)
		if !strings.Contains(page, `href="/guidance/supervisory_review"`) {
			t.Fatalf("the case page's duty row has no Why? link to its guidance")
		}
		// My work: the investigator's duties link too.
		ivy := newClient(t, base, "ivy")
		if _, work := ivy.get("/work"); !strings.Contains(work, `href="/guidance/investigation_plan"`) {
			t.Errorf("My work's duty rows have no Why? link")
		}

		// A refused transfer (no reason): the summary links the rule.
		tp := path + "/do/transfer"
		_, form := sam.get(tp)
		status, body := sam.post(tp, url.Values{"csrf": {sam.csrf(form)}, "version": {itoa(c.Version)},
			"to_team": {f.TeamC}})
		if status != 422 || !strings.Contains(body, `data-rule="transfer_reason"`) ||
			!strings.Contains(body, `href="/guidance/transfer_reason"`) {
			t.Fatalf("a refused transfer: %d, no Why? link: %s", status, errorSummary(body))
		}

		// A training requirement's refusal links the training gate's guidance.
		src := strings.Replace(strings.Replace(string(policy.DefaultYAML()), "mfa_required: all", "mfa_required: none", 1), "  override_max: 7 days", "  override_max: 7 days\n"+
			"  requirements:\n    owner:\n      - {id: cse_owner_pip2, needs: pip2, offences: [CSE], why: serious}", 1)
		pol, err := policy.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Svc.SetPolicy(pol); err != nil {
			t.Fatal(err)
		}
		r := f.Referral(t)
		ap := "/cases/" + request.PathRef(r.Ref) + "/do/assign-owner"
		_, form = sam.get(ap)
		status, body = sam.post(ap, url.Values{"csrf": {sam.csrf(form)}, "version": {itoa(r.Version)},
			"owner_id": {f.Investigator.ID()}, "reason": {"allocation"}})
		if status != 422 || !strings.Contains(body, `data-rule="cse_owner_pip2"`) ||
			!strings.Contains(body, `href="/guidance/accreditation"`) {
			t.Fatalf("a refused allocation for want of PIP2: %d, no Why? link: %s", status, errorSummary(body))
		}

		status, g := sam.get("/guidance/transfer_reason")
		e := guidance.Current().Get("transfer_reason")
		if status != 200 || !strings.Contains(g, e.Title) || !strings.Contains(g, "Where it comes from") ||
			!strings.Contains(g, "College of Policing") {
			t.Fatalf("guidance page: %d %s", status, g)
		}
		if status, _ := sam.get("/guidance/no_such_rule"); status != 404 {
			t.Fatalf("unknown guidance: %d, want 404", status)
		}
		status, idx := sam.get("/guidance")
		if status != 200 || strings.Count(idx, `href="/guidance/`) != len(guidance.Current().All()) {
			t.Fatalf("guidance index: %d, want a link to each of %d entries", status, len(guidance.Current().All()))
		}
	})
}

// TestFindingGuidancePage: a watchdog finding's Why? page is served and
// listed on the guidance index.
func TestFindingGuidancePage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		sam := newClient(t, base, "sam")
		status, g := sam.get("/guidance/accreditation_lapsed")
		if status != 200 || !strings.Contains(g, "Work held under a lapsed accreditation") {
			t.Errorf("the lapsed accreditation finding's guidance: %d", status)
		}
		if _, idx := sam.get("/guidance"); !strings.Contains(idx, `href="/guidance/accreditation_lapsed"`) {
			t.Error("the guidance index does not list the finding")
		}
	})
}
