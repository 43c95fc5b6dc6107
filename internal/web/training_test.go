package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// trainingForce gives the fixture's force a training requirement (the
// owner of a CSE case holds PIP2), cases owned by officers without it, and
// accreditations lapsing soon. It returns the first case.
func trainingForce(t *testing.T, f *fixture.Force, extra int) *domain.Case {
	t.Helper()
	ctx := context.Background()
	c := f.Allocated(t)
	src := strings.Replace(strings.Replace(string(policy.DefaultYAML()), "mfa_required: all", "mfa_required: none", 1), "  override_max: 7 days", "  override_max: 7 days\n"+
		"  requirements:\n    owner:\n      - {id: cse_owner_pip2, needs: pip2, offences: [CSE], why: serious and complex}", 1)
	pol, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.SetPolicy(pol); err != nil {
		t.Fatal(err)
	}
	today := f.Clock.Now()
	if _, err := f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: f.Supervisor.ID(),
		Kind: "abe", AwardedOn: today.AddDate(-3, 0, 0).Format(time.DateOnly),
		Expires: today.AddDate(0, 0, 20).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	// Ian holds PIP2 and owns a case: accredited work for the chart.
	if _, err := f.Svc.AwardAccreditation(ctx, f.Admin, service.AwardAccreditation{User: f.Investigator2.ID(),
		Kind: "pip2", AwardedOn: today.AddDate(-1, 0, 0).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	r := f.Referral(t)
	if _, err := f.Svc.AssignOwner(ctx, f.Supervisor, r.ID, service.AssignOwner{Version: r.Version,
		OwnerID: f.Investigator2.ID(), Reason: "allocation"}); err != nil {
		t.Fatal(err)
	}
	// More officers, each owning a case they lack PIP2 for (owners are
	// given the case before the requirement would refuse them: set up
	// through a policy with no requirements).
	if extra > 0 {
		if err := f.Svc.SetPolicy(policy.DemoDefault()); err != nil {
			t.Fatal(err)
		}
		for i := range extra {
			u := f.AddUser(t, service.NewUser{Username: fmt.Sprintf("dc%02d", i), Name: fmt.Sprintf("Officer %02d", i),
				Collar: fmt.Sprintf("X%02d", i), Rank: domain.RankConstable, UnitID: f.TeamA,
				Roles: []domain.Role{domain.RoleInvestigator}, Password: fixture.Password})
			r := f.Referral(t)
			if _, err := f.Svc.AssignOwner(ctx, f.Supervisor, r.ID, service.AssignOwner{Version: r.Version,
				OwnerID: u.ID(), Reason: "allocation"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Svc.SetPolicy(pol); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestTrainingNeedsPage: a manager sees officers lacking what their work
// needs (by rank and name, with the cases), lapsing accreditations and the
// chart with its table; long tables are paged; each table downloads as
// CSV; an investigator is refused.
func TestTrainingNeedsPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := trainingForce(t, f, service.TrainingPageSize) // ivy + 25 officers: two pages
		max := newClient(t, base, "max")
		status, page := max.get("/training")
		if status != 200 {
			t.Fatalf("training needs: %d", status)
		}
		for _, want := range []string{"DC Ivy Investigator", c.Ref, "PIP level 2", "DS Sam Supervisor",
			"Achieving Best Evidence", "Does not need it", `class="govuk-pagination"`, `aria-label="Page 2"`,
			"Work done by accredited officers", `<svg class="hf-chart"`, "1 of 27 (3.7%)", "/training/gaps.csv",
			"26 rows"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page does not show %q", want)
			}
		}
		if strings.Contains(page, f.Investigator.ID()) {
			t.Error("the page shows a user id")
		}
		_, page2 := max.get("/training?gaps_page=2&expiries_page=1")
		if strings.Count(page2, "data-officer=") != 1 || !strings.Contains(page2, `aria-current="page">2<`) {
			t.Errorf("page 2 of the gaps should hold the one row left")
		}

		status, body := max.get("/training/gaps.csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if status != 200 || err != nil || len(rows) != 27 || rows[0][1] != "officer" {
			t.Fatalf("gaps.csv: %d %v, %d rows", status, err, len(rows))
		}
		if status, body := max.get("/training/share.csv"); status != 200 || !strings.Contains(body, ",pip2,") {
			t.Errorf("share.csv: %d %s", status, body)
		}
		if status, _ := max.get("/training/nothing.csv"); status != 404 {
			t.Errorf("an unknown table: %d", status)
		}
		ivy := newClient(t, base, "ivy")
		if status, _ := ivy.get("/training"); status != 403 {
			t.Errorf("an investigator on /training: %d, want 403", status)
		}
		if status, _ := ivy.get("/training/gaps.csv"); status != 403 {
			t.Errorf("an investigator on the CSV: %d, want 403", status)
		}
	})
}

// TestTrainingPageForeignTeam: a supervisor asking for a team outside
// their command gets the training page of their own teams with the reason
// in a GOV.UK error summary, not a bare error page.
func TestTrainingPageForeignTeam(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		olly := newClient(t, base, "olly")
		status, page := olly.get("/training?team=" + f.TeamA)
		if status != 422 || !strings.Contains(page, "govuk-error-summary") || errorSummary(page) == "" ||
			!strings.Contains(page, "Training needs") {
			t.Errorf("a foreign team: %d, summary %q", status, errorSummary(page))
		}
		if strings.Contains(page, "Unprocessable Entity") {
			t.Error("the page is the bare error page")
		}
	})
}

// TestTrainingPageBadPageNumber: a page number that is not one is refused
// with the reason, as the API refuses it — not silently read as the first
// page — and both tables' problems are listed at once.
func TestTrainingPageBadPageNumber(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		mgr := newClient(t, base, "max")
		status, page := mgr.get("/training?gaps_page=abc&expiries_page=0")
		sum := errorSummary(page)
		if status != 422 || !strings.Contains(sum, `gaps table must be a number from 1, not "abc"`) ||
			!strings.Contains(sum, `expiries table must be a number from 1, not "0"`) ||
			!strings.Contains(page, "Training needs") {
			t.Errorf("bad page numbers: status %d, summary %q", status, sum)
		}
		if status, _ := mgr.get("/training?gaps_page=1"); status != 200 {
			t.Errorf("gaps_page=1: status %d", status)
		}
	})
}
