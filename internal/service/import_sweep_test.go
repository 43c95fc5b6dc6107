package service_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// sweepForce is the force a migration file brings: its own team within
// the fixture's Public Protection, an investigator, a supervisor (by role,
// so duties and findings go to them and not to the administrator) and an
// officer who left before the move.
const sweepForce = `{"type":"unit","ref":"LT","name":"Legacy Team","kind":"team","parent":"Public Protection"}
{"type":"officer","ref":"O1","name":"DC Olu One","collar":"M1","rank":"constable","unit":"LT","roles":["investigator"]}
{"type":"officer","ref":"O2","name":"DS Tess Two","collar":"M2","rank":"sergeant","unit":"LT","roles":["supervisor"]}
{"type":"officer","ref":"O3","name":"DC Len Left","collar":"M3","rank":"constable","unit":"LT","roles":["investigator"],"left":"%s"}
`

// cleanCase is an open case kept properly up to the day of the import
// (now): owned, planned, reviewed, its victim's plan agreed and kept, her
// support referral and needs assessment made, told the suspect was
// interviewed, its actions within their targets.
func cleanCase(now time.Time) casefile.Case {
	d := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	return casefile.Case{
		Ref: "MIG/1", Team: "LT", Opened: d(60), Summary: "Girl, 14, groomed online by an adult",
		OffenceTypes: []string{"child_sexual_exploitation"}, Owner: "O1",
		Victims: []casefile.Victim{{Ref: "V1", Name: "Child M1", DOB: "2012-01-01", Added: d(60),
			ContactPlan: &casefile.ContactPlan{
				EveryDays: 14,
				Method:    "visit with her mother",
				Agreed:    d(59),
				By:        "O1",
			},
			SupportReferral: d(59), NeedsAssessment: d(59),
			Notifications: []casefile.Notification{
				{Decision: "suspect interviewed under caution", At: d(19), Method: "visit", By: "O1"},
			},
		}},
		Suspects: []casefile.Suspect{{Ref: "S1", Name: "Adult M9", Added: d(50), Status: "interviewed",
			StatusOn: d(20).Format(time.DateOnly)}},
		Actions: []casefile.Action{
			{
				Ref:         "A1",
				Title:       "Trace the account",
				Raised:      d(10),
				RaisedBy:    "O1",
				AllocatedTo: "O1",
				Target:      now.AddDate(0, 0, 10),
			},
			{Ref: "A2", Title: "Seize her phone", Raised: d(50), RaisedBy: "O1", AllocatedTo: "O1", Result: "Seized",
				Resulted: d(45), Filed: d(44), FiledBy: "O2"},
		},
		Contacts: []casefile.Contact{{Victim: "V1", At: d(3), Kind: "update", Method: "visit", By: "O1"}},
		Reviews:  []casefile.Review{{At: d(5), By: "O2", Summary: "On track"}},
		Plan:     &casefile.Plan{Text: "Trace the account holder; phone download; ABE interview", By: "O1", At: d(58)},
	}
}

// TestImportedCaseFirstSweep: an open case imported up to date raises
// nothing in the first sweep; one item left overdue raises exactly its duty
// or finding (and a case closed by the old system owes what outlives it).
func TestImportedCaseFirstSweep(t *testing.T) {
	now := fixture.Start
	d := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	told := func(k *casefile.Case, at time.Time) {
		v := &k.Victims[0]
		v.Notifications = append(
			v.Notifications,
			casefile.Notification{Decision: "investigation closed", At: at, By: "O1"},
		)
	}
	endActions := func(k *casefile.Case) { k.Actions = k.Actions[1:] }
	// One row per duty and finding kind a case file can leave overdue.
	// Not here, because no file can: closure_sent_back (a rejected
	// closure is not carried), break_glass_review and finding_response
	// (emergency access and audit findings happen in Holdfast), the audit
	// findings, and no_open_duty (an open case always owes its review;
	// internal/domain's TestImportedFlagsDatedFromHistory dates it).
	rows := []struct {
		name     string
		change   func(k *casefile.Case)
		duties   []string // kinds overdue
		findings []string
	}{
		{"clean", func(*casefile.Case) {}, nil, nil},
		{
			"allocate_referral",
			func(k *casefile.Case) { k.Owner, k.Actions = "", nil },
			[]string{"allocate_referral"},
			nil,
		},
		{"investigation_plan", func(k *casefile.Case) { k.Plan = nil }, []string{"investigation_plan"}, nil},
		{"first_victim_contact", func(k *casefile.Case) {
			no := false
			v := &k.Victims[0]
			v.Enhanced, v.SupportReferral, v.NeedsAssessment, v.Notifications = &no, time.Time{}, time.Time{}, nil
			k.Contacts, k.Suspects = nil, nil
		}, []string{"first_victim_contact"}, nil},
		{"contact_plan", func(k *casefile.Case) { k.Victims[0].ContactPlan = nil },
			[]string{"contact_plan"}, []string{"victim_without_contact_plan"}},
		{
			"support_referral",
			func(k *casefile.Case) { k.Victims[0].SupportReferral = time.Time{} },
			[]string{"support_referral"},
			nil,
		},
		{"victim_update", func(k *casefile.Case) {
			k.Victims[0].ContactPlan.EveryDays = 7
			k.Contacts[0].At = d(10)
		}, []string{"victim_update"}, nil},
		{
			"decision_notice",
			func(k *casefile.Case) { k.Victims[0].Notifications = nil },
			[]string{"decision_notice"},
			nil,
		},
		{"supervisory_review", func(k *casefile.Case) { k.Reviews[0].At = d(40) }, []string{"supervisory_review"}, nil},
		{"action_target", func(k *casefile.Case) { k.Actions[0].Target = d(2) }, []string{"action_target"}, nil},
		{"action_review", func(k *casefile.Case) { k.Actions[1].Filed, k.Actions[1].FiledBy = time.Time{}, "" },
			[]string{"action_review"}, nil},
		{"transfer_accept", func(k *casefile.Case) {
			k.Transfers = []casefile.Transfer{{At: d(10), To: "CSE Team South", Reason: "Victim moved", By: "O2"}}
		}, []string{"transfer_accept"}, []string{"transfer_not_accepted"}},
		{"closure_approval", func(k *casefile.Case) {
			k.Closure = &casefile.Closure{Outcome: "16", Proposed: d(10), ProposedBy: "O1"}
		}, []string{"closure_approval"}, nil},
		{"orphaned", func(k *casefile.Case) { k.Owner = "O3" }, nil, []string{"orphaned"}},
		{"no_owner", func(k *casefile.Case) {
			k.Transfers = []casefile.Transfer{
				{At: d(30), To: "CSE Team North", Reason: "Victim moved", By: "O2", Accepted: d(29)},
			}
		}, []string{"allocate_referral"}, []string{"no_owner"}},
		{"closed_with_open_work", func(k *casefile.Case) {
			k.Closure = &casefile.Closure{
				Outcome:    "16",
				Proposed:   d(2),
				ProposedBy: "O1",
				Approved:   d(1),
				ApprovedBy: "O2",
			}
			told(k, d(1))
		}, nil, []string{"closed_with_open_work"}},
		{"closed_without_approval", func(k *casefile.Case) {
			endActions(k)
			k.Closure = &casefile.Closure{Outcome: "16", Proposed: d(2), ProposedBy: "O1", Closed: d(1)}
			told(k, d(1))
		}, nil, []string{"closed_without_approval"}},
		{"decision_notice after closure", func(k *casefile.Case) {
			endActions(k)
			k.Closure = &casefile.Closure{
				Outcome:    "16",
				Proposed:   d(20),
				ProposedBy: "O1",
				Approved:   d(18),
				ApprovedBy: "O2",
			}
		}, []string{"decision_notice"}, nil},
		{"vrr_acknowledge", func(k *casefile.Case) {
			endActions(k)
			k.Closure = &casefile.Closure{Outcome: "16", Proposed: d(40), ProposedBy: "O1", Approved: d(39), ApprovedBy: "O2"}
			told(k, d(38))
			k.VRRs = []casefile.VRR{{Victim: "V1", Requested: d(20)}}
		}, []string{"vrr_acknowledge"}, nil},
		{"vrr_review", func(k *casefile.Case) {
			endActions(k)
			k.Closure = &casefile.Closure{Outcome: "16", Proposed: d(57), ProposedBy: "O1", Approved: d(56), ApprovedBy: "O2"}
			told(k, d(55))
			k.VRRs = []casefile.VRR{{Victim: "V1", Requested: d(50), Acknowledged: d(49), Reviewer: "O2"}}
		}, []string{"vrr_review"}, nil},
		{"vrr decided", func(k *casefile.Case) {
			endActions(k)
			k.Closure = &casefile.Closure{Outcome: "16", Proposed: d(57), ProposedBy: "O1", Approved: d(56), ApprovedBy: "O2"}
			told(k, d(55))
			k.VRRs = []casefile.VRR{{Victim: "V1", Requested: d(50), Acknowledged: d(49), Reviewer: "O2",
				Decision: "not_upheld", Reasons: "The decision stands", Decided: d(20)}}
			k.Notes = []casefile.Note{{At: d(19), By: "O2", Text: "Told her the review did not change it"}}
			k.Decisions = []casefile.Decision{{At: d(56), By: "O2", Decision: "Close", Rationale: "No realistic line left"}}
		}, nil, nil},
	}
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		imp := service.SystemActor("import")
		var b strings.Builder
		fmt.Fprintf(&b, sweepForce, d(30).Format(time.RFC3339))
		for i, r := range rows {
			k := cleanCase(now)
			k.Ref = fmt.Sprintf("MIG/%d", i)
			k.Summary = r.name
			r.change(&k)
			line, err := json.Marshal(k)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(`{"type":"case",` + string(line[1:]) + "\n")
		}
		file, err := casefile.ReadJSONL(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		dry, err := f.Svc.Import(ctx, imp, "migration.jsonl", file, true)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, imp, "migration.jsonl", file, false)
		if err != nil {
			t.Fatal(err)
		}
		sweep, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: now})
		if err != nil {
			t.Fatal(err)
		}
		// The dry run foretold the sweep: the same kinds, teams and counts.
		foretold, swept := map[string]int{}, map[string]int{}
		for _, g := range dry.FirstSweep.Overdue {
			foretold["duty "+g.Kind+" in "+g.Team] += g.Count
		}
		for _, g := range dry.FirstSweep.Findings {
			foretold["finding "+g.Kind+" in "+g.Team] += g.Count
		}
		for _, o := range sweep.Overdue {
			swept["duty "+o.Kind+" in "+o.Team]++
		}
		for _, fd := range sweep.Findings {
			c, err := db.CaseByRef(ctx, fd.Case)
			if err != nil {
				t.Fatal(err)
			}
			org, _ := db.Org(ctx)
			swept["finding "+fd.Kind+" in "+org.Units[c.TeamID].Name]++
		}
		if !maps.Equal(foretold, swept) {
			t.Errorf("the dry run foretold %v; the sweep raised %v", foretold, swept)
		}
		byRef := map[string]string{} // Holdfast ref -> row
		for i, ref := range rep.Refs {
			byRef[ref] = rows[i].name
		}
		duties, findings, escalated := map[string][]string{}, map[string][]string{}, map[string][]string{}
		for _, o := range sweep.Overdue {
			duties[byRef[o.Case]] = append(duties[byRef[o.Case]], o.Kind)
		}
		for _, e := range sweep.Escalations {
			escalated[byRef[e.Case]] = append(escalated[byRef[e.Case]], e.Kind)
			if e.To == "admin" {
				t.Errorf("%s: %s escalated to the bootstrap administrator", byRef[e.Case], e.Kind)
			}
		}
		for _, fd := range sweep.Findings {
			findings[byRef[fd.Case]] = append(findings[byRef[fd.Case]], fd.Kind)
			if fd.MustAct == "admin" || fd.MustAct == "" {
				t.Errorf("%s: finding %s is for %q, not a supervisor", byRef[fd.Case], fd.Kind, fd.MustAct)
			}
		}
		same := func(got, want []string) bool {
			sort.Strings(got)
			got = slices.Compact(got)
			return slices.Equal(got, want) || len(got) == 0 && len(want) == 0
		}
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("rebuild after import and sweep: %v %v", err, diff)
		}
		for _, r := range rows {
			if !same(duties[r.name], r.duties) {
				t.Errorf("%s: overdue %v, want %v", r.name, duties[r.name], r.duties)
			}
			if !same(escalated[r.name], r.duties) {
				t.Errorf("%s: escalated %v, want %v", r.name, escalated[r.name], r.duties)
			}
			if !same(findings[r.name], r.findings) {
				t.Errorf("%s: findings %v, want %v", r.name, findings[r.name], r.findings)
			}
		}
	})
}

// TestImportRefusesFutureDates: every date that records the past is
// refused in the future, each with its line and field, and nothing is
// written; a target date may lie ahead.
func TestImportRefusesFutureDates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		now := fixture.Start
		later := now.AddDate(1, 0, 0)
		k := cleanCase(now)
		v := &k.Victims[0]
		v.Added, v.SupportReferral, v.NeedsAssessment, v.ContactPlan.Agreed = later, later, later, later
		v.Notifications[0].At = later
		v.DOB = later.Format(time.DateOnly)
		k.Suspects[0].Added, k.Suspects[0].StatusOn = later, later.Format(time.DateOnly)
		k.Reviews[0].At, k.Plan.At = later, later
		k.Transfers = []casefile.Transfer{{At: later, To: "CSE Team South", Reason: "moved"}}
		line, _ := json.Marshal(k)
		in := fmt.Sprintf(sweepForce, later.Format(time.RFC3339)) + `{"type":"case",` + string(line[1:]) + "\n"
		file, err := casefile.ReadJSONL(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.LatestSeq(ctx)
		_, err = f.Svc.Import(ctx, service.SystemActor("import"), "future.jsonl", file, false)
		got := problems(t, err)
		for _, want := range []string{"line 4: left", "line 5: victims[0].added", "line 5: victims[0].dob",
			"line 5: victims[0].support_referral", "line 5: victims[0].contact_plan.agreed",
			"line 5: victims[0].notifications[0].at", "line 5: suspects[0].added", "line 5: suspects[0].status_on",
			"line 5: reviews[0].at", "line 5: plan.at", "line 5: transfers[0].at"} {
			if !strings.Contains(got, want) {
				t.Errorf("report lacks %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "actions[0].target") {
			t.Errorf("a target date ahead was refused:\n%s", got)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a refused import wrote %d events", after-before)
		}
	})
}

// TestImportedFlagsDatedFromHistory: an imported case left without an
// owner is flagged from when it lost its owner in the old system, not from
// the import, so a sweep dated before the import (but after that) raises
// no_owner, dated then; one dated before the loss raises nothing.
func TestImportedFlagsDatedFromHistory(t *testing.T) {
	now := fixture.Start
	d := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		k := cleanCase(now)
		k.Transfers = []casefile.Transfer{
			{At: d(30), To: "CSE Team North", Reason: "Victim moved", By: "O2", Accepted: d(29)},
		}
		line, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		in := fmt.Sprintf(sweepForce, d(40).Format(time.RFC3339)) + `{"type":"case",` + string(line[1:]) + "\n"
		file, err := casefile.ReadJSONL(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Import(ctx, service.SystemActor("import"), "history.jsonl", file, false); err != nil {
			t.Fatal(err)
		}
		sweep := func(at time.Time) []service.FindingEntry {
			rep, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"),
				service.SweepOptions{AsOf: at, DryRun: true, Overdue: service.OverdueNone})
			if err != nil {
				t.Fatal(err)
			}
			return rep.Findings
		}
		if got := sweep(d(29).Add(-time.Hour)); len(got) != 0 {
			t.Errorf("a sweep before the owner was lost raised %+v", got)
		}
		got := sweep(d(10))
		if len(got) != 1 || got[0].Kind != service.FindingNoOwner || !got[0].Since.Equal(d(29)) {
			t.Errorf("a sweep after the loss, before the import: %+v, want no_owner since %s", got, d(29))
		}
	})
}
