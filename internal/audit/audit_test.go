package audit_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

var (
	pol      = policy.Default()
	cal      = calendar.Default()
	reported = time.Date(2014, 5, 1, 10, 0, 0, 0, time.UTC)
	closed   = time.Date(2014, 5, 9, 10, 0, 0, 0, time.UTC)
)

func org() *domain.OrgState {
	o := domain.NewOrgState()
	for _, u := range []domain.User{
		{ID: "pc", Name: "PC Prop", Rank: domain.RankConstable},
		{ID: "ds", Name: "DS Sarge", Rank: domain.RankSergeant},
		{ID: "di", Name: "DI Insp", Rank: domain.RankInspector},
	} {
		u := u
		o.Users[u.ID] = &u
	}
	return o
}

// beaconportCase is in Beaconport's scope and has every risk reason but
// shared suspects: NFA (15) with named suspects, one never interviewed, an
// action open, approved by a sergeant where an inspector is needed, a
// victim never told nor heard, closed eight days after the referral.
func beaconportCase(ref string) *domain.Case {
	return &domain.Case{
		ID: "id-" + ref, Ref: ref, TeamID: "team", Status: domain.StatusClosed, Outcome: "15",
		OffenceTypes: []string{"child_sexual_exploitation", "rape_of_a_child"},
		ReportedAt:   reported, OpenedAt: reported, ClosedAt: closed,
		Victims: []domain.Victim{
			{ID: "v1", Name: "Child A", Enhanced: true, AccountTaken: true},
			{
				ID:        "v2",
				Name:      "Child B",
				Enhanced:  true,
				NoticeDue: &domain.Notice{Decision: "investigation closed (outcome 15)", At: closed},
			},
		},
		Suspects: []domain.Suspect{
			{ID: "s1", Name: "Adam Smith", DateOfBirth: "1980-01-02", Status: domain.SuspectIdentified},
			{ID: "s2", Name: "Bob Jones", DateOfBirth: "1979-03-04", Status: domain.SuspectInterviewed},
		},
		Actions: []domain.Action{{ID: "a1", Number: 1, Title: "Download phone", State: domain.ActionStateAllocated}},
		Closure: &domain.Closure{ID: "cl", Outcome: "15", ProposedBy: "pc", ApprovedBy: "ds"},
	}
}

func codes(rs []domain.RiskReason) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return strings.Join(out, ",")
}

// TestRiskScoreExplainsItself: each reason is named with its weight and a
// sentence, and the score is their sum.
func TestRiskScoreExplainsItself(t *testing.T) {
	m := audit.DefaultModel()
	env := audit.Env{Policy: pol, Org: org()}
	c := beaconportCase("CSE/2014/000001")
	rs := m.Assess(c, env)
	want := []string{audit.ReasonNFANamedSuspect, audit.ReasonSuspectNotInterviewed, audit.ReasonActionsOpenAtClosure,
		audit.ReasonApproverBelowRank, audit.ReasonVictimNotTold, audit.ReasonVictimAccountNotTaken, audit.ReasonQuickClosure}
	if got := codes(rs); got != strings.Join(want, ",") {
		t.Fatalf("reasons %s, want %s", got, strings.Join(want, ","))
	}
	sum := 0
	for _, r := range rs {
		if r.Weight != m.Weights[r.Code] || r.Detail == "" {
			t.Errorf("reason %+v: weight must be the model's and the detail said", r)
		}
		sum += r.Weight
	}
	if audit.Total(rs) != sum || sum != 25+20+20+15+15+10+10 {
		t.Fatalf("total %d, want the sum of the weights", audit.Total(rs))
	}
	for _, frag := range []string{"Adam Smith", "action A1 (Download phone, allocated)", "inspector", "Child B", "8 days"} {
		if !strings.Contains(describe(rs), frag) {
			t.Errorf("the reasons do not say %q: %s", frag, describe(rs))
		}
	}

	// A reason recorded for not interviewing halves that weight.
	c.Suspects[0].Explanation = "left the country; circulated as wanted"
	for _, r := range m.Assess(c, env) {
		if r.Code == audit.ReasonSuspectNotInterviewed && r.Weight != m.Weights[r.Code]/2 {
			t.Errorf("an explained non-interview weighs %d, want half", r.Weight)
		}
	}
	// Approved by its proposer (a legacy closure): that reason instead of rank.
	c.Closure.ApprovedBy = "pc"
	if got := codes(m.Assess(c, env)); !strings.Contains(got, audit.ReasonSelfApproved) ||
		strings.Contains(got, audit.ReasonApproverBelowRank) {
		t.Errorf("self-approval: reasons %s", got)
	}
	c.Closure.ApprovedBy = "someone-imported"
	if got := codes(m.Assess(c, env)); !strings.Contains(got, audit.ReasonApproverUnknown) {
		t.Errorf("unknown approver: reasons %s", got)
	}
	// A clean case scores nothing.
	clean := &domain.Case{
		Ref:        "X",
		Status:     domain.StatusClosed,
		Outcome:    "1",
		ReportedAt: reported,
		ClosedAt:   reported.AddDate(0, 3, 0),
		Closure:    &domain.Closure{Outcome: "1", ProposedBy: "pc", ApprovedBy: "di"},
	}
	if rs := m.Assess(clean, env); len(rs) != 0 {
		t.Errorf("a charged case closed by the book scores %v", rs)
	}
	// A weight of zero turns a reason off.
	m.Weights[audit.ReasonQuickClosure] = 0
	if strings.Contains(codes(m.Assess(beaconportCase("Y"), env)), audit.ReasonQuickClosure) {
		t.Error("a reason with weight 0 still counted")
	}
}

func describe(rs []domain.RiskReason) string {
	b, _ := json.Marshal(rs)
	return string(b)
}

// TestBeaconportCriteria: a case in scope matches; changing any one thing
// the review's scope names leaves it out, with that reason.
func TestBeaconportCriteria(t *testing.T) {
	cr := audit.Beaconport()
	if p := audit.Validate(cr, pol); len(p) != 0 {
		t.Fatalf("the preset is invalid: %v", p)
	}
	if why := audit.Excluded(cr, beaconportCase("A"), false); why != "" {
		t.Fatalf("a case in scope was excluded: %s", why)
	}
	for _, tc := range []struct {
		name     string
		change   func(c *domain.Case)
		reviewed bool
		want     string
	}{
		{"still open", func(c *domain.Case) { c.Status = domain.StatusOpen }, false, audit.ExNotClosed},
		{"reported in 2009", func(c *domain.Case) { c.ReportedAt = time.Date(2009, 12, 31, 12, 0, 0, 0, time.UTC) }, false, audit.ExReportedPeriod},
		{"reported April 2025", func(c *domain.Case) { c.ReportedAt = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC) }, false, audit.ExReportedPeriod},
		{"charged", func(c *domain.Case) { c.Outcome = "1" }, false, audit.ExOutcome},
		{"one suspect", func(c *domain.Case) { c.Suspects = c.Suspects[:1] }, false, audit.ExSuspects},
		{"one victim", func(c *domain.Case) { c.Victims = c.Victims[:1] }, false, audit.ExVictims},
		{"non-contact offences", func(c *domain.Case) { c.OffenceTypes = []string{"indecent_images_of_children"} }, false, audit.ExOffence},
		{"every suspect dead", func(c *domain.Case) {
			for i := range c.Suspects {
				c.Suspects[i].Status = domain.SuspectDeceased
			}
		}, false, audit.ExNoLivingSusp},
		{"reviewed in an earlier audit", func(*domain.Case) {}, true, audit.ExReviewed},
		{"Right to Review decided", func(c *domain.Case) {
			c.VRRs = []domain.VRR{{ID: "r", DecidedAt: closed.AddDate(0, 1, 0), Decision: "not_upheld"}}
		}, false, audit.ExReviewed},
	} {
		c := beaconportCase("B")
		tc.change(c)
		if why := audit.Excluded(cr, c, tc.reviewed); why != tc.want {
			t.Errorf("%s: excluded for %q, want %q", tc.name, why, tc.want)
		}
	}
	// The boundaries are inclusive, in London time: 31 March 2025 at
	// 23:30 BST is still in scope.
	c := beaconportCase("C")
	c.ReportedAt = time.Date(2025, 3, 31, 22, 30, 0, 0, time.UTC)
	if why := audit.Excluded(cr, c, false); why != "" {
		t.Errorf("a case reported on the last day was excluded: %s", why)
	}
	if !audit.Priority(cr, beaconportCase("D")) {
		t.Error("a rape allegation is not a priority")
	}
}

// TestTriageQueue: rape allegations first, then by score; suspects shared
// with other cases (by name and date of birth, whatever the spelling's
// case and spacing) are a reason; every exclusion is counted.
func TestTriageQueue(t *testing.T) {
	tr := audit.NewTriage(audit.Beaconport(), audit.DefaultModel(), audit.Env{Policy: pol, Org: org()}, nil)
	a := beaconportCase("CSE/2014/000001") // rape, scored
	b := beaconportCase("CSE/2014/000002")
	b.OffenceTypes = []string{"sexual_activity_with_a_child"} // not a priority
	b.Suspects[0].Name = "  ADAM   smith "                    // the same man as on a
	b.Closure.ApprovedBy = "pc"                               // self-approved: a higher score
	open := &domain.Case{ID: "open", Ref: "CSE/2024/000009", Status: domain.StatusOpen,
		Suspects: []domain.Suspect{{Name: "Adam Smith", DateOfBirth: "1980-01-02"}}}
	otherDOB := &domain.Case{ID: "dob", Ref: "CSE/2024/000010", Status: domain.StatusOpen,
		Suspects: []domain.Suspect{{Name: "Adam Smith", DateOfBirth: "1981-01-02"}}}
	for _, c := range []*domain.Case{b, open, a, otherDOB} {
		tr.Add(c)
	}
	q, sum := tr.Queue()
	if len(q) != 2 || q[0].Ref != a.Ref || q[1].Ref != b.Ref {
		t.Fatalf("queue %+v: want the rape allegation first", q)
	}
	if !q[0].Priority || q[1].Priority || q[1].Score <= q[0].Score {
		t.Fatalf("priority must outrank a higher score: %+v", q)
	}
	for _, e := range q {
		if e.Score != audit.Total(e.Reasons) || !e.HighRisk {
			t.Errorf("%s: score %d is not the sum of its reasons, or not high-risk", e.Ref, e.Score)
		}
		var shared *domain.RiskReason
		for i := range e.Reasons {
			if e.Reasons[i].Code == audit.ReasonSuspectShared {
				shared = &e.Reasons[i]
			}
		}
		if shared == nil || !strings.Contains(shared.Detail, "CSE/2024/000009") ||
			strings.Contains(shared.Detail, "CSE/2024/000010") {
			t.Errorf(
				"%s: shared-suspect reason %+v: want the open case with the same name and date of birth, not the other",
				e.Ref,
				shared,
			)
		}
	}
	if sum.Considered != 4 || sum.Matched != 2 || sum.Excluded[audit.ExNotClosed] != 2 {
		t.Errorf("summary %+v", sum)
	}
}

// TestConflicts: every hand the reviewer had in the case is a reason,
// each listed once; someone with none may review.
func TestConflicts(t *testing.T) {
	c := beaconportCase("CSE/2014/000001")
	c.OwnerID = "owner"
	c.AddReview(domain.Review{By: "sup"}) // the document keeps who reviewed
	c.AddReview(domain.Review{By: "sup"})
	c.Closures = []domain.Closure{*c.Closure}
	c.Actions[0].AllocatedTo = "dc"
	c.Transfers = []domain.Transfer{{ProposedBy: "t1", DecidedBy: "t2"}}
	c.VRRs = []domain.VRR{{Reviewer: "vrr"}}
	// A supervisor who owed the reviews and never did one.
	c.Duties = append(
		c.Duties,
		domain.Duty{Kind: "supervisory_review", Accountable: "absent"},
		domain.Duty{Kind: "victim_update", Accountable: "liaison"},
	)
	for _, tc := range []struct {
		user   string
		former []string
		want   string
	}{
		{"owner", nil, "coi_owner"},
		{"old", []string{"old"}, "coi_owner"},
		{"sup", nil, "coi_supervisor"},
		{"absent", nil, "coi_supervisor"},
		{"liaison", nil, ""}, // owed the victim updates: not a supervisor's hand
		{"pc", nil, "coi_proposer"},
		{"ds", nil, "coi_approver"},
		{"dc", nil, "coi_enquiries"},
		{"t2", nil, "coi_transfer"},
		{"vrr", nil, "coi_vrr"},
		{"auditor", nil, ""},
	} {
		p := audit.Conflicts(c, &domain.User{ID: tc.user, Name: "User " + tc.user}, tc.former)
		var got []string
		for _, x := range p {
			got = append(got, x.Rule)
			if x.Field != "reviewer" || !strings.Contains(x.Message, "User "+tc.user) {
				t.Errorf("%s: problem %+v must name the reviewer", tc.user, x)
			}
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s: conflicts %v, want %q", tc.user, got, tc.want)
		}
	}
	// Several hands: every reason, listed once each.
	c.Closure.ProposedBy, c.Closures[0].ProposedBy = "sup", "sup"
	if p := audit.Conflicts(c, &domain.User{ID: "sup"}, []string{"sup"}); len(p) != 3 {
		t.Errorf("owner, supervisor and proposer: got %v", p)
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"rape*", "rape_of_a_child", true},
		{"rape*", "RAPE", true},
		{"*_rape*", "attempted_rape", true},
		{"*rape", "rape_of_a_child", false},
		{"*sexual_activity*", "causing_or_inciting_child_sexual_activity", true},
		{"sexual_assault", "sexual_assault_of_a_child", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"**", "", true},
		{"", "", true},
		{"", "x", false},
	} {
		if got := audit.Match(tc.p, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}

// FuzzMatch holds the glob to a regular expression's verdict.
func FuzzMatch(f *testing.F) {
	f.Add("rape*", "rape_of_a_child")
	f.Add("*a*b*", "xxaxxbxx")
	f.Add("a**", "A")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 40 || len(s) > 80 {
			return
		}
		parts := strings.Split(strings.ToLower(p), "*")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re, err := regexp.Compile("(?s)^" + strings.Join(parts, ".*") + "$")
		if err != nil {
			return
		}
		// Byte-wise lower-casing, as the glob compares bytes.
		if want := re.MatchString(strings.ToLower(s)); audit.Match(p, s) != want && strings.ToValidUTF8(s, "") == s &&
			strings.ToValidUTF8(p, "") == p {
			t.Fatalf("Match(%q, %q) = %v, regexp says %v", p, s, !want, want)
		}
	})
}

// FuzzParseCriteria: whatever the bytes, parsing never panics, refuses
// with problems rather than a bare error, and what it accepts survives a
// round trip unchanged.
func FuzzParseCriteria(f *testing.F) {
	for _, cr := range audit.Presets() {
		b, _ := json.Marshal(cr)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","closed_from":"2026-02-30"}`))
	f.Add([]byte(`{"min_suspects":-1,"outcomes":["99"]}`))
	f.Add([]byte(`{"name":"x"} {}`))
	f.Add([]byte(`{"nme":"typo"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cr, err := audit.ParseCriteria(b, pol)
		if err != nil {
			if _, ok := domain.AsProblems(err); !ok {
				t.Fatalf("refusal is not a list of problems: %v", err)
			}
			return
		}
		again, err := json.Marshal(cr)
		if err != nil {
			t.Fatal(err)
		}
		cr2, err := audit.ParseCriteria(again, pol)
		if err != nil {
			t.Fatalf("accepted criteria do not parse again: %v (%s)", err, again)
		}
		if b2, _ := json.Marshal(cr2); string(b2) != string(again) {
			t.Fatalf("round trip changed the criteria: %s → %s", again, b2)
		}
	})
}

func TestParseCriteriaListsEveryProblem(t *testing.T) {
	_, err := audit.ParseCriteria(
		[]byte(`{"closed_from":"2026-03-10","closed_to":"2026-03-01","reported_from":"2010-13-01",
		"min_victims":-2,"outcomes":["15","99"],"offence_types":[""]}`),
		pol,
	)
	p, ok := domain.AsProblems(err)
	if !ok {
		t.Fatalf("want problems, got %v", err)
	}
	var fields []string
	for _, x := range p {
		fields = append(fields, x.Field)
	}
	want := "criteria.reported_from,criteria.closed_to,criteria.min_victims,criteria.outcomes[1],criteria.offence_types[0]"
	if strings.Join(fields, ",") != want {
		t.Errorf("problems name %v, want %s", fields, want)
	}
}

// TestVictimNotToldOnlyWhenOverdue: the reason waits for the notice's
// deadline (the decision_notice duty's, by duty.NoticeDeadline when the
// case holds none), judged at the triage's time.
func TestVictimNotToldOnlyWhenOverdue(t *testing.T) {
	m := audit.DefaultModel()
	c := beaconportCase("CSE/2014/000002")
	// Closed on a Friday afternoon: an enhanced victim must be told by
	// the end of Monday, the next working day.
	c.Victims[1].NoticeDue.At = time.Date(2014, 5, 9, 14, 0, 0, 0, time.UTC)
	has := func(asOf time.Time) bool {
		env := audit.Env{Policy: pol, Org: org(), Calendar: cal, AsOf: asOf}
		return strings.Contains(codes(m.Assess(c, env)), audit.ReasonVictimNotTold)
	}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2014, 5, 9, 16, 0, 0, 0, time.UTC), false},  // two hours after
		{time.Date(2014, 5, 12, 12, 0, 0, 0, time.UTC), false}, // Monday noon: due by the day's end
		{time.Date(2014, 5, 13, 9, 0, 0, 0, time.UTC), true},   // Tuesday: overdue
	} {
		if got := has(tc.at); got != tc.want {
			t.Errorf("as of %s: victim_not_told %t, want %t", tc.at, got, tc.want)
		}
	}
	// An open duty on the case is what the watchdog escalates: its due
	// time rules.
	c.Duties = []domain.Duty{{Kind: "decision_notice", Subject: "v2", Status: domain.DutyOpen,
		Due: time.Date(2014, 6, 1, 0, 0, 0, 0, time.UTC)}}
	if has(time.Date(2014, 5, 20, 9, 0, 0, 0, time.UTC)) {
		t.Error("flagged before the open duty's due time")
	}
	if !has(time.Date(2014, 6, 2, 9, 0, 0, 0, time.UTC)) {
		t.Error("not flagged after the open duty's due time")
	}
}
