package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAuditPlanMarginsInOrderAndInWords: the margins of error were offered
// ±5, ±10, ±3 and the sample size said "±10.0% at 95% confidence", which
// reads as a tenth of the rate. They are offered narrowest first, in
// percentage points, with what the margin means; the check page and the
// audit's page say what the sample's size buys in the same words.
func TestAuditPlanMarginsInOrderAndInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newDemoWorld(t, db, 40)
		lead := w.as(t, "auditor")
		_, form := lead.get("/audits/new")
		sel := regexp.MustCompile(`(?s)<select class="govuk-select" id="f-margin"[^>]*>(.*?)</select>`).FindStringSubmatch(form)
		if sel == nil {
			t.Fatal("the plan form has no margin of error to choose")
		}
		var vals []string
		for _, m := range regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(sel[1], -1) {
			vals = append(vals, m[1])
		}
		if strings.Join(vals, " ") != "0.03 0.05 0.1" {
			t.Errorf("margins offered in the order %v, want 0.03 0.05 0.1", vals)
		}
		if !strings.Contains(sel[1], "Within 3 percentage points") || !strings.Contains(form, "19 times in 20") {
			t.Errorf("the margins are not said in words: %s", sel[1])
		}
		status, body := lead.post("/audits/new", url.Values{"csrf": {lead.csrf(form)}, "name": {"Words"},
			"preset": {"beaconport"}, "margin": {"0.1"}, "risk_top": {"2"}, "seed": {"w1"}})
		size := regexp.MustCompile(`(?s)id="sample-size">(.*?)</dd>`).FindStringSubmatch(body)
		if status != 200 || size == nil || !strings.Contains(size[1], "within 10 percentage points") ||
			strings.Contains(size[1], "10.0%") {
			t.Errorf("the check page's sample size: %d %v", status, size)
		}
	})
}

// TestRandomSampleSaysChosenAtRandom: a case drawn at random carries the
// risk reasons triage gave it, and its review page showed them as "why it
// was sampled". It was chosen at random and says so; a case added for its
// risk keeps its reasons.
func TestRandomSampleSaysChosenAtRandom(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newDemoWorld(t, db, 40)
		sys := service.SystemActor("test")
		org, _ := w.hf.Svc.Org(ctx, sys)
		var lead, reviewer *domain.User
		for _, u := range org.Users {
			switch u.Username {
			case w.accounts["auditor"]:
				lead = u
			case w.accounts["auditor (reviewer)"]:
				reviewer = u
			}
		}
		if lead == nil || reviewer == nil {
			t.Fatal("no auditors in the demo")
		}
		au, err := w.hf.Svc.CreateAudit(ctx, &service.Actor{User: *lead}, service.NewAudit{Name: "Why sampled",
			Preset: "beaconport", Margin: 0.3, RiskTop: 3, Seed: "why"})
		if err != nil {
			t.Fatal(err)
		}
		var random, risky *domain.AuditCase
		for i := range au.Cases {
			ac := &au.Cases[i]
			if ac.Drawn == domain.DrawnRandom && len(ac.Reasons) > 0 && random == nil {
				random = ac
			}
			if ac.Drawn == domain.DrawnRisk && len(ac.Reasons) > 0 && risky == nil {
				risky = ac
			}
		}
		if random == nil || risky == nil {
			t.Fatal("the sample has no random case with risk reasons, or no case added for its risk")
		}
		why := func(ac *domain.AuditCase) string {
			if _, err := w.hf.Svc.AssignReview(ctx, &service.Actor{User: *lead}, service.AssignReview{Audit: au.ID,
				Case: ac.CaseID, Reviewer: reviewer.ID}); err != nil {
				t.Fatalf("assign %s: %v", ac.Ref, err)
			}
			status, body := w.as(t, "auditor (reviewer)").get("/audits/" + au.ID + "/cases/" +
				strings.ReplaceAll(ac.Ref, "/", "-") + "/review")
			m := regexp.MustCompile(`(?s)Why it was sampled</dt><dd class="govuk-summary-list__value">(.*?)</dd>`).FindStringSubmatch(body)
			if status != http.StatusOK || m == nil {
				t.Fatalf("review page of %s: %d", ac.Ref, status)
			}
			return m[1]
		}
		if got := why(random); got != "Chosen at random" {
			t.Errorf("a case drawn at random says it was sampled for %q", got)
		}
		if got := why(risky); strings.Contains(got, "random") || got == "" {
			t.Errorf("a case added for its risk says it was sampled for %q", got)
		}
	})
}

// TestAuditorPicksOffencesByName: an auditor's own criteria asked for raw
// offence codes, separated with commas. The plan form offers the
// classification's offences by name, grouped, as checkboxes; the check
// page and the audit's page name them; the plan stores their codes; an
// offence the classification lacks is refused by the service and shown
// against the checkboxes, with what was ticked still ticked.
func TestAuditorPicksOffencesByName(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newDemoWorld(t, db, 40)
		lead := w.as(t, "auditor")
		tags := regexp.MustCompile(`(?s)<[^>]*>`)
		codeRE := regexp.MustCompile(`\b(19[C-H]|20B|17A|22A)\b`)
		_, form := lead.get("/audits/new")
		if !regexp.MustCompile(`name="offence_types" type="checkbox" value="19E"><label class="govuk-label govuk-checkboxes__label" for="[^"]+">Rape of a female child under 13</label>`).MatchString(form) ||
			!strings.Contains(form, `<legend class="govuk-fieldset__legend govuk-fieldset__legend--xs">Rape</legend>`) {
			t.Fatal("the plan form does not offer the offences by name, grouped")
		}
		if m := codeRE.FindString(tags.ReplaceAllString(form, " ")); m != "" || strings.Contains(form, "Offence codes") {
			t.Errorf("the plan form shows the code %q or asks for codes", m)
		}
		vals := url.Values{"csrf": {lead.csrf(form)}, "name": {"Contact offences"}, "preset": {"own"},
			"margin": {"0.1"}, "risk_top": {"1"}, "seed": {"o1"}, "offence_types": {"19E", "XX9"}}
		status, body := lead.post("/audits/new", vals)
		if status != 422 || !strings.Contains(body, `href="#f-offence_types"`) ||
			!regexp.MustCompile(`value="19E"\s+checked`).MatchString(body) {
			t.Fatalf("an offence the classification lacks: %d %s", status, errorSummary(body))
		}
		vals["offence_types"] = audit.ContactOffences
		status, body = lead.post("/audits/new", vals)
		names := regexp.MustCompile(`(?s)id="plan-offences">(.*?)</dd>`).FindStringSubmatch(body)
		if status != 200 || names == nil || !strings.Contains(names[1], "Rape of a female child under 13") ||
			codeRE.MatchString(names[1]) {
			t.Fatalf("the check page's offences: %d %v", status, names)
		}
		hidden := url.Values{}
		for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(body, -1) {
			hidden.Set(m[1], html.UnescapeString(m[2]))
		}
		noRedirect := *lead.http
		noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := noRedirect.PostForm(w.base+"/audits", hidden)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("plan the audit: %d %s", res.StatusCode, errorSummary(string(b)))
		}
		list, err := w.hf.Svc.Audits(ctx, service.SystemActor("test"))
		if err != nil {
			t.Fatal(err)
		}
		var id string
		for _, a := range list {
			if a.Name == "Contact offences" {
				id = a.ID
			}
		}
		au, err := w.hf.Svc.Audit(ctx, service.SystemActor("test"), id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(au.Criteria.OffenceTypes, audit.ContactOffences) {
			t.Errorf("the plan stored offences %v, want the codes ticked", au.Criteria.OffenceTypes)
		}
		_, body = lead.get("/audits/" + id)
		shown := regexp.MustCompile(`(?s)id="audit-offences">(.*?)</p>`).FindStringSubmatch(body)
		if shown == nil || !strings.Contains(shown[1], "Rape of a male child under 13") || codeRE.MatchString(shown[1]) {
			t.Errorf("the audit's page does not name its offences: %v", shown)
		}
	})
}
