package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// summaryHrefRE finds the error summary's links.
var summaryHrefRE = regexp.MustCompile(`(?s)<div class="govuk-error-summary".*?</ul>`)

// summaryTargetsExist fails t for every link of the error summary on body
// whose fragment names no element of the page, and returns the links.
func summaryTargetsExist(t *testing.T, body string) []string {
	t.Helper()
	sum := summaryHrefRE.FindString(body)
	var hrefs []string
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(sum, -1) {
		id := html.UnescapeString(m[1])
		hrefs = append(hrefs, id)
		if !strings.Contains(body, `id="`+html.EscapeString(id)+`"`) && !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("the error summary links to #%s, which is on no element of the page", id)
		}
	}
	return hrefs
}

// sampledAudit is an audit of two closed cases of the fixture, planned by
// its auditor, neither assigned.
func sampledAudit(t *testing.T, f *fixture.Force) (*domain.Audit, []*domain.Case) {
	t.Helper()
	cs := []*domain.Case{closedOwingVictim(t, f, "Child G"), closedOwingVictim(t, f, "Child H")}
	from := f.Clock.Now().AddDate(0, 0, -1).Format("2006-01-02")
	to := f.Clock.Now().AddDate(0, 0, 1).Format("2006-01-02")
	au, err := f.Svc.CreateAudit(context.Background(), f.Auditor, service.NewAudit{Name: "Routine",
		ClosedFrom: from, ClosedTo: to, Margin: 0.05, Seed: "forms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(au.Cases) != 2 {
		t.Fatalf("the audit sampled %d cases, want both", len(au.Cases))
	}
	return au, cs
}

// TestAuditPlanErrorsNameTheFields: a plan refused for its own criteria
// says what is wrong in the form's words, with the dates in words, and
// every link of the error summary leads to a field of the page, which
// shows the error beside it.
func TestAuditPlanErrorsNameTheFields(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	_, base := start(t, db)
	aud := newClient(t, base, "aud")
	_, form := aud.get("/audits/new")
	vals := url.Values{"csrf": {aud.csrf(form)}, "name": {"Summer closures"}, "preset": {"own"},
		"margin": {"0.1"}, "risk_top": {"2"}, "min_suspects": {"-2"},
		"closed_from-day": {"1"}, "closed_from-month": {"6"}, "closed_from-year": {"2026"},
		"closed_to-day": {"1"}, "closed_to-month": {"1"}, "closed_to-year": {"2026"}}
	status, body := aud.post("/audits/new", vals)
	if status != 422 {
		t.Fatalf("a plan with a negative number of suspects: %d", status)
	}
	sum := errorSummary(body)
	for _, want := range []string{"Minimum number of suspects must be between 0 and 1,000",
		"Closed to (1 January 2026) must be the same as or after closed from (1 June 2026)"} {
		if !strings.Contains(html.UnescapeString(sum), want) {
			t.Errorf("the error summary lacks %q: %s", want, sum)
		}
	}
	for _, bad := range []string{"Min_suspects", "min_suspects must", "2026-01-01", "criteria."} {
		if strings.Contains(sum, bad) {
			t.Errorf("the error summary says %q: %s", bad, sum)
		}
	}
	hrefs := summaryTargetsExist(t, body)
	if len(hrefs) != 2 {
		t.Errorf("the error summary links to %v, want the two fields", hrefs)
	}
	if !strings.Contains(body, `id="f-min_suspects-error"`) || !strings.Contains(body, `id="f-closed_to-error"`) {
		t.Error("the fields refused show no error beside them")
	}
}

// TestAuditReviewRefusedAtOnce: a review with its questions unanswered and
// a finding with a kind alone is refused once, with every reason, each
// linked to its field.
func TestAuditReviewRefusedAtOnce(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	au, cs := sampledAudit(t, f)
	if _, err := f.Svc.AssignReview(context.Background(), f.Auditor, service.AssignReview{Audit: au.ID,
		Case: cs[0].ID, Reviewer: f.Auditor.ID()}); err != nil {
		t.Fatal(err)
	}
	aud := newClient(t, base, "aud")
	path := "/audits/" + au.ID + "/cases/" + request.PathRef(cs[0].Ref) + "/review"
	_, form := aud.get(path)
	// As a browser sends the form: every text box, empty or not, and
	// each select's choice.
	sent := url.Values{"csrf": {aud.csrf(form)}, "form.lines_missed": {""}, "form.summary": {""}}
	for i := range 3 {
		pre := "findings[" + string(rune('0'+i)) + "]."
		sent.Set(pre+"kind", "")
		sent.Set(pre+"detail", "")
		sent.Set(pre+"action", "none")
	}
	sent.Set("findings[0].kind", "suspect_not_pursued")
	status, body := aud.post(path, sent)
	if status != 422 {
		t.Fatalf("an empty review with a bare finding: %d", status)
	}
	hrefs := summaryTargetsExist(t, body)
	for _, want := range []string{"f-form.victim_account", "f-form.suspects_pursued", "f-form.outcome_justified",
		"f-form.summary", "f-findings[0].severity", "f-findings[0].detail"} {
		if !strings.Contains(strings.Join(hrefs, " "), want) {
			t.Errorf("the error summary has no link to %s: %v", want, hrefs)
		}
	}
}

// TestAuditAssignManyOnItsPage: on the audit's page an auditor ticks the
// unassigned cases ("Select all unassigned") and assigns them to one
// reviewer at once; a case refused is listed with its reason, linked to
// its box, and nothing is assigned until the choice is put right.
func TestAuditAssignManyOnItsPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		au, cs := sampledAudit(t, f)
		// The first case is already the auditor's: assigning it to them
		// again is refused, by the single assignment's gate.
		if _, err := f.Svc.AssignReview(ctx, f.Auditor, service.AssignReview{Audit: au.ID, Case: cs[0].ID,
			Reviewer: f.Auditor.ID()}); err != nil {
			t.Fatal(err)
		}
		aud := newClient(t, base, "aud")
		path := "/audits/" + au.ID
		status, page := aud.get(path + "?select=unassigned")
		box := func(c *domain.Case) string { return `id="f-cases-` + request.PathRef(c.Ref) + `"` }
		if status != 200 || !strings.Contains(page, `id="select-unassigned"`) || !strings.Contains(page, box(cs[0])) ||
			!regexp.MustCompile(box(cs[1])+`[^>]*checked`).MatchString(page) ||
			regexp.MustCompile(box(cs[0])+`[^>]*checked`).MatchString(page) {
			t.Fatalf("the audit page does not offer the cases to tick, the unassigned ticked: %d", status)
		}
		status, body := aud.post(path+"/assign", url.Values{"csrf": {aud.csrf(page)},
			"cases": {cs[0].Ref, cs[1].Ref}, "reviewer": {f.Auditor.ID()}})
		if status != 422 {
			t.Fatalf("a choice with a refused case: %d", status)
		}
		hrefs := summaryTargetsExist(t, body)
		if !slices.Contains(hrefs, "f-cases-"+request.PathRef(cs[0].Ref)) ||
			!strings.Contains(errorSummary(body), cs[0].Ref+": ") {
			t.Errorf("the refusal does not name %s, linked to its box: %v %s", cs[0].Ref, hrefs, errorSummary(body))
		}
		if !regexp.MustCompile(box(cs[1]) + `[^>]*checked`).MatchString(body) {
			t.Error("the cases chosen are not still ticked")
		}
		if got, _ := f.Svc.Audit(ctx, f.Auditor, au.ID); got.Case(cs[1].ID).Status != domain.AuditCaseUnassigned {
			t.Fatal("a refused choice assigned a case")
		}
		status, body = aud.post(path+"/assign", url.Values{"csrf": {aud.csrf(page)}, "cases": {cs[1].Ref},
			"reviewer": {f.Auditor.ID()}})
		if status != 200 || !strings.Contains(body, "1 case assigned to") {
			t.Fatalf("assign one case: %d %s", status, errorSummary(body))
		}
		if got, _ := f.Svc.Audit(ctx, f.Auditor, au.ID); got.Case(cs[1].ID).Reviewer != f.Auditor.ID() {
			t.Error("the case ticked is not assigned")
		}
		// Nothing chosen: said, linked to the cases and the reviewer.
		_, page = aud.get(path)
		status, body = aud.post(path+"/assign", url.Values{"csrf": {aud.csrf(page)}})
		if status != 422 || len(summaryTargetsExist(t, body)) != 2 {
			t.Fatalf("nothing chosen: %d %s", status, errorSummary(body))
		}
	})
}
