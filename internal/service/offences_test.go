package service_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestReferralOffencesAreCodes: a referral's offences are recorded as
// codes, whether given as a code, a title or a mapped spelling; a text
// the classification does not know is refused with the nearest titles,
// and nothing is written.
func TestReferralOffencesAreCodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c, err := f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA, Summary: "a referral",
			OffenceTypes: []string{"child_sexual_exploitation", "Rape of a female child under 13", "20b", "CSE"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.OffenceTypes, ","); got != "CSE,19E,20B" {
			t.Fatalf("offences recorded as %s, want CSE,19E,20B", got)
		}
		before, _ := db.LatestSeq(ctx)
		_, err = f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA, Summary: "a referral",
			OffenceTypes: []string{"rape of a girl under 13", "19E", "burglary"}})
		p, isProblems := domain.AsProblems(err)
		if !isProblems || len(p) != 2 || p[0].Rule != "offence_unknown" || p[0].Field != "offence_types[0]" ||
			p[1].Field != "offence_types[2]" {
			t.Fatalf("want the two unknown texts refused, got %v", err)
		}
		if !strings.Contains(p[0].Message, "Rape of a female child under 13 (19E)") {
			t.Errorf("the refusal does not offer the nearest title: %s", p[0].Message)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Error("a refused referral wrote something")
		}
		// A correction maps too.
		c, err = f.Svc.UpdateCase(ctx, f.Investigator, c.ID, service.CaseUpdate{Version: c.Version,
			OffenceTypes: []string{"assault_of_a_child_under_13_by_penetration"}})
		if err != nil || strings.Join(c.OffenceTypes, ",") != "20B" {
			t.Fatalf("corrected offences %v, %v", c, err)
		}
	})
}

// TestClassifyOffencesUpgrade (issue 22, item 1): cases recorded with
// free-text offence types are upgraded by one event each, their old
// events untouched; texts no mapping knows stay and are reported with
// the nearest codes; a second run does nothing; the log replays to the
// same projections; Beaconport now selects the case recorded as
// assault of a child under 13 by penetration.
func TestClassifyOffencesUpgrade(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		a, err := service.OpenLegacyOffencesForTest(ctx, f.Svc, f.TeamA,
			[]string{"child_sexual_exploitation", "assault_of_a_child_under_13_by_penetration", "Hand-written: gross indecency"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := service.OpenLegacyOffencesForTest(ctx, f.Svc, f.TeamA, []string{"zzz unknown"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.ClassifyOffences(ctx, f.Investigator, true); err == nil {
			t.Fatal("an investigator ran the upgrade")
		}
		sys := service.SystemActor("upgrade")
		dry, err := f.Svc.ClassifyOffences(ctx, sys, true)
		if err != nil || dry.Cases != 1 {
			t.Fatalf("dry run %+v %v", dry, err)
		}
		if c, _ := db.Case(ctx, a.ID); c.Version != a.Version {
			t.Fatal("a dry run changed a case")
		}
		rep, err := f.Svc.ClassifyOffences(ctx, sys, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Cases != 1 || rep.Mapped["assault_of_a_child_under_13_by_penetration"] != "20B" ||
			rep.Mapped["child_sexual_exploitation"] != "CSE" || len(rep.Unmapped) != 2 ||
			rep.Unmapped[0].Text != "Hand-written: gross indecency" || rep.Unmapped[1].Text != "zzz unknown" ||
			rep.Unmapped[1].First[0] != b.Ref {
			t.Fatalf("report %+v", rep)
		}
		if !strings.Contains(rep.Assumed["assault_of_a_child_under_13_by_penetration"], "female") {
			t.Errorf("the report does not say what the mapping assumed: %+v", rep.Assumed)
		}
		c, err := db.Case(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.OffenceTypes, ","); got != "CSE,20B,Hand-written: gross indecency" {
			t.Fatalf("upgraded offences %s", got)
		}
		evs, err := db.CaseEvents(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var opened, classified bool
		for _, e := range evs {
			switch e.Type {
			case domain.EvCaseOpened:
				opened = strings.Contains(string(e.Payload), "assault_of_a_child_under_13_by_penetration")
			case domain.EvOffencesClassified:
				classified = strings.Contains(string(e.Payload), `"assumed"`)
			}
		}
		if !opened || !classified {
			t.Errorf("the opening event must keep its text (%t) and the upgrade be its own event (%t)", opened, classified)
		}
		again, err := f.Svc.ClassifyOffences(ctx, sys, false)
		if err != nil || again.Cases != 0 || len(again.Unmapped) != 2 {
			t.Fatalf("second run %+v %v: want nothing done, the same texts reported", again, err)
		}
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("replay: %v %v", diff, err)
		}
		// Beaconport's offence test on the upgraded case.
		c.Status, c.Closure = domain.StatusClosed, &domain.Closure{}
		if why := audit.Excluded(audit.Criteria{OffenceTypes: audit.ContactOffences}, c, false); why != "" {
			t.Errorf("the upgraded case is excluded: %s", why)
		}
	})
}
