package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
	"net/url"
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
