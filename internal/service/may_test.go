package service_test

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// permCase builds the cases the permission test runs over, each in one
// state a page must answer for.
type permCase struct {
	f *fixture.Force
	t testing.TB
}

func (p permCase) must(c *domain.Case, err error) *domain.Case {
	p.t.Helper()
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// working is an allocated case with a child victim, a named suspect and
// actions raised, allocated and resulted (by the second investigator).
func (p permCase) working() *domain.Case {
	f, svc := p.f, p.f.Svc
	c := f.Allocated(p.t)
	c = p.must(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
		DateOfBirth: "2011-03-02"}))
	c = p.must(svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult X"}))
	for _, title := range []string{"Raised only", "Allocated", "Resulted"} {
		c = p.must(svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: title}))
	}
	for _, i := range []int{1, 2} {
		c = p.must(svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: c.Actions[i].ID, To: f.Investigator2.ID()}))
	}
	return p.must(svc.ResultAction(ctx, f.Investigator2, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
		Version: c.Version,
		Action:  c.Actions[2].ID, Result: "Messages recovered"}))
}

// ready is a case whose closure with outcome 15 passes the gate; a child
// victim makes it need an inspector's approval.
func (p permCase) ready() *domain.Case {
	f, svc := p.f, p.f.Svc
	c := f.Allocated(p.t)
	c = p.must(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
		DateOfBirth: "2011-03-02"}))
	v := c.Victims[0]
	for _, k := range []string{domain.ContactAccount, domain.ContactSupportReferral} {
		c = p.must(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
			Kind: k, Method: "phone"}))
	}
	c = p.must(svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v.ID,
		EveryDays: 14, Method: "phone"}))
	c = p.must(svc.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: v.ID,
		View: "Does not want to go to court now"}))
	c = p.must(svc.SetPlan(ctx, f.Investigator, c.ID, service.SetPlan{Version: c.Version, Plan: "Safeguard"}))
	return p.must(svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
		Summary: "Reviewed: evidential difficulties"}))
}

var rationale = domain.Rationale{
	LinesConsidered: "Phone download, suspect enquiries, CCTV",
	WhyNoneRemain:   "All enquiries complete and filed",
	SuspectsStatus:  "No suspect identified despite enquiries",
	VictimView:      "Victim does not support a prosecution now",
}

func (p permCase) proposed() *domain.Case {
	c := p.ready()
	return p.must(p.f.Svc.ProposeClosure(ctx, p.f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "15", Rationale: rationale}))
}

func (p permCase) closed() *domain.Case {
	c := p.proposed()
	return p.must(p.f.Svc.ApproveClosure(ctx, p.f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
}

// runners run each case command with input that is valid for the case, so
// that only who is asking and the case's state can refuse it.
func runners(f *fixture.Force) map[string]func(a *service.Actor, c *domain.Case, target string) error {
	svc := f.Svc
	ctx := service.DryRun(ctx)
	other := func(c *domain.Case) string {
		if c.OwnerID == f.Investigator2.ID() {
			return f.Investigator.ID()
		}
		return f.Investigator2.ID()
	}
	summary := "Corrected summary of the referral"
	return map[string]func(a *service.Actor, c *domain.Case, target string) error{
		"update-case": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.UpdateCase(ctx, a, c.ID, service.CaseUpdate{Version: c.Version, Summary: &summary})
			return err
		},
		"assign-owner": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AssignOwner(ctx, a, c.ID, service.AssignOwner{Version: c.Version, OwnerID: other(c)})
			return err
		},
		"add-victim": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AddVictim(ctx, a, c.ID, service.NewVictim{Version: c.Version, Name: "Child C"})
			return err
		},
		"add-suspect": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AddSuspect(ctx, a, c.ID, service.NewSuspect{Version: c.Version, Description: "tall man"})
			return err
		},
		"add-person": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AddPerson(ctx, a, c.ID, service.NewPerson{Version: c.Version, Name: "W", Role: "witness"})
			return err
		},
		"raise-action": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.RaiseAction(ctx, a, c.ID, service.NewAction{Version: c.Version, Title: "CCTV"})
			return err
		},
		"raise-standard": func(a *service.Actor, c *domain.Case, key string) error {
			_, err := svc.RaiseAction(ctx, a, c.ID, service.NewAction{Version: c.Version, Standard: key})
			return err
		},
		"add-note": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AddNote(ctx, a, c.ID, service.NewNote{Version: c.Version, Text: "A note"})
			return err
		},
		"allocate-action": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.AllocateAction(ctx, a, c.ID, service.AllocateAction{Version: c.Version, Action: id,
				To: f.Investigator2.ID()})
			return err
		},
		"result-action": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.ResultAction(ctx, a, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
				Version: c.Version, Action: id,
				Result: "Found it"})
			return err
		},
		"file-action": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.FileAction(ctx, a, c.ID, service.FileAction{Version: c.Version, Action: id})
			return err
		},
		"refer-back-action": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.ReferBackAction(ctx, a, c.ID, service.ReferBackAction{Version: c.Version, Action: id,
				Direction: "Ask the neighbours too"})
			return err
		},
		"cancel-action": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.CancelAction(ctx, a, c.ID, service.CancelAction{Version: c.Version, Action: id,
				Reason: "Overtaken by the arrest of the suspect"})
			return err
		},
		"contact-plan": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.AgreeContactPlan(ctx, a, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: id,
				EveryDays: 7, Method: "phone"})
			return err
		},
		"record-contact": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.RecordContact(ctx, a, c.ID, service.RecordContact{Version: c.Version, Victim: id,
				Kind: domain.ContactUpdate, Method: "phone", Note: "told of progress"})
			return err
		},
		"victim-view": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.RecordVictimView(ctx, a, c.ID, service.RecordVictimView{Version: c.Version, Victim: id,
				View: "Wants to go on"})
			return err
		},
		"correct-person": func(a *service.Actor, c *domain.Case, id string) error {
			in := service.CorrectPerson{Version: c.Version, PersonID: id, Name: "Corrected Name",
				Reason: "The name was misspelt when first recorded"}
			if v := c.Victim(id); v != nil {
				in.DOB, in.Phone = v.DateOfBirth, v.Contact
			}
			if sp := c.Suspect(id); sp != nil {
				in.DOB, in.Phone, in.Vehicle, in.Address = sp.DateOfBirth, sp.Phone, sp.Vehicle, sp.Address
			}
			_, err := svc.CorrectPerson(ctx, a, c.ID, in)
			return err
		},
		"suspect-status": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.SetSuspectStatus(ctx, a, c.ID, service.SetSuspectStatus{Version: c.Version, Suspect: id,
				Status: domain.SuspectLocated})
			return err
		},
		"review": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.RecordReview(ctx, a, c.ID, service.RecordReview{Version: c.Version, Summary: "Reviewed"})
			return err
		},
		"plan": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.SetPlan(ctx, a, c.ID, service.SetPlan{Version: c.Version, Plan: "A plan"})
			return err
		},
		"decision": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.RecordDecision(ctx, a, c.ID, service.RecordDecision{Version: c.Version, Decision: "D",
				Rationale: "R"})
			return err
		},
		"transfer": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.ProposeTransfer(ctx, a, c.ID, service.ProposeTransfer{Version: c.Version, ToTeam: f.TeamC,
				Reason: "The suspect lives there"})
			return err
		},
		"override-training": func(a *service.Actor, c *domain.Case, _ string) error {
			to := other(c)
			if c.Transfer != nil {
				to = f.OtherTeam.ID()
			}
			_, err := svc.OverrideTraining(ctx, a, c.ID, service.OverrideTraining{Version: c.Version, Work: "owner",
				User: to, Reason: "Only officer on duty tonight", Hours: 12})
			return err
		},
		"accept-transfer": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AcceptTransfer(ctx, a, c.ID, service.AcceptTransfer{Version: c.Version,
				OwnerID: f.OtherTeam.ID()})
			return err
		},
		"reject-transfer": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.RejectTransfer(ctx, a, c.ID, service.RejectTransfer{Version: c.Version,
				Reason: "No capacity here"})
			return err
		},
		"propose-closure": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.ProposeClosure(ctx, a, c.ID, service.ClosureProposal{Version: c.Version, Outcome: "15",
				Rationale: rationale})
			return err
		},
		"approve-closure": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.ApproveClosure(ctx, a, c.ID, service.ApproveClosure{Version: c.Version})
			return err
		},
		"reject-closure": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.RejectClosure(ctx, a, c.ID, service.RejectClosure{Version: c.Version,
				Reason: "Download the phone first"})
			return err
		},
		"reopen": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.Reopen(ctx, a, c.ID, service.Reopen{Version: c.Version,
				Reason: "New evidence has come to light"})
			return err
		},
		"request-vrr": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.RequestVRR(ctx, a, c.ID, service.RequestVRR{Version: c.Version, VictimID: id,
				LateReason: "Accepted: the victim was in hospital"})
			return err
		},
		"acknowledge-vrr": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.AcknowledgeVRR(ctx, a, c.ID, service.AcknowledgeVRR{Version: c.Version,
				Reviewer: f.Manager.ID()})
			return err
		},
		"decide-vrr": func(a *service.Actor, c *domain.Case, _ string) error {
			_, err := svc.DecideVRR(ctx, a, c.ID, service.DecideVRR{Version: c.Version, Decision: "not_upheld",
				Reasons: "The closure was right"})
			return err
		},
		"waive-duty": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.WaiveDuty(ctx, a, c.ID, service.WaiveDuty{Version: c.Version, Duty: id,
				Reason: "Agreed at the strategy meeting"})
			return err
		},
		"review-break-glass": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.ReviewBreakGlass(ctx, a, c.ID, service.ReviewBreakGlass{Version: c.Version, Access: id,
				Note: "Justified: the suspect was arrested in their area"})
			return err
		},
		"answer-finding": func(a *service.Actor, c *domain.Case, id string) error {
			_, err := svc.AnswerFinding(ctx, a, c.ID, service.AnswerFinding{Version: c.Version, Finding: id,
				Answer: "The victim has been contacted"})
			return err
		},
	}
}

// targets lists what a command's target may be on c: every action,
// victim, suspect, duty or standard action, or one that does not exist.
func targets(f *fixture.Force, cmd *service.CaseCommand, c *domain.Case) []string {
	var out []string
	switch cmd.Target {
	case "":
		return []string{""}
	case "action":
		for _, a := range c.Actions {
			out = append(out, a.ID)
		}
	case "victim":
		for _, v := range c.Victims {
			out = append(out, v.ID)
		}
	case "suspect":
		for _, s := range c.Suspects {
			out = append(out, s.ID)
		}
	case "person":
		for _, v := range c.Victims {
			out = append(out, v.ID)
		}
		for _, s := range c.Suspects {
			out = append(out, s.ID)
		}
		for _, p := range c.People {
			out = append(out, p.ID)
		}
	case "duty":
		for _, d := range c.Duties {
			out = append(out, d.ID)
		}
	case "finding":
		for _, x := range c.Findings {
			out = append(out, x.ID)
		}
	case "access":
		for _, g := range c.BreakGlass {
			out = append(out, g.ID)
		}
	case "standard":
		for _, sa := range f.Svc.Policy().StandardActions {
			out = append(out, sa.Key)
		}
	}
	return append(out, "no-such-target")
}

// inputRules are refusals of what was proposed rather than of who asks or
// the case's state: the closure gate's checklist, which the close journey
// shows, is not a permission.
func inputRules() map[string]bool {
	out := map[string]bool{}
	for _, r := range gate.Rules {
		if r.Gate == "closure" {
			out[r.ID] = true
		}
	}
	return out
}

// TestPermissionsMatchCommands: for every fixture role, every case command
// and every case state (and target), Permissions says a command may be run
// exactly when running it with valid input is accepted — both run the same
// checks — and a read-only role is allowed nothing.
func TestPermissionsMatchCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		p := permCase{f: f, t: t}
		states := map[string]*domain.Case{"referral": f.Referral(t), "working": p.working()}
		c := p.working()
		states["transfer"] = p.must(svc.ProposeTransfer(ctx, f.Investigator, c.ID, service.ProposeTransfer{
			Version: c.Version, ToTeam: f.TeamC, Reason: "The suspect lives there"}))
		states["closure_proposed"] = p.proposed()
		states["closed"] = p.closed()
		c = p.closed()
		states["vrr_requested"] = p.must(svc.RequestVRR(ctx, f.Liaison, c.ID, service.RequestVRR{Version: c.Version,
			VictimID: c.Victims[0].ID}))
		c = p.closed()
		c = p.must(svc.RequestVRR(ctx, f.Liaison, c.ID, service.RequestVRR{Version: c.Version,
			VictimID: c.Victims[0].ID}))
		states["vrr_acknowledged"] = p.must(svc.AcknowledgeVRR(ctx, f.Inspector, c.ID, service.AcknowledgeVRR{
			Version: c.Version, Reviewer: f.Manager.ID()}))

		c = p.working()
		if _, err := svc.BreakGlass(ctx, f.OtherTeam, service.BreakGlassRequest{Case: c.Ref,
			Reason: "Suspect arrested in our area tonight"}); err != nil {
			t.Fatal(err)
		}
		states["break_glass"] = p.must(svc.ViewCase(ctx, f.Supervisor, c.Ref, "test"))

		actors := f.Actors()
		actors["investigator2"], actors["inspector_di"] = f.Investigator2, f.Inspector
		run := runners(f)
		for _, cmd := range service.CaseCommands {
			if run[cmd.Name] == nil {
				t.Errorf("case command %s has no runner in this test: add one", cmd.Name)
			}
		}
		input := inputRules()
		var names []string
		for n := range states {
			names = append(names, n)
		}
		sort.Strings(names)
		checked := 0
		for _, state := range names {
			// Reload: setting up a later state can move an earlier one on
			// (a person recorded on one case raises a link on another).
			c, err := f.Store.Case(ctx, states[state].ID)
			if err != nil {
				t.Fatal(err)
			}
			for who, a := range actors {
				perm, err := svc.Permissions(ctx, a, c.ID)
				if errors.Is(err, service.ErrNotFound) {
					// Outside need-to-know: every command is not found.
					for _, cmd := range service.CaseCommands {
						if err := run[cmd.Name](a, c, ""); !errors.Is(err, service.ErrNotFound) {
							t.Errorf("%s, %s on a case they cannot see: %v", state, who, err)
						}
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if (who == "inspector" || who == "analyst") && perm.Any() {
					t.Errorf("%s: read-only %s is allowed a write", state, who)
				}
				for _, cmd := range service.CaseCommands {
					for _, target := range targets(f, cmd, c) {
						err := run[cmd.Name](a, c, target)
						checked++
						var ran, can bool
						ran = errors.Is(err, service.ErrDryRun)
						if target == "" {
							can = perm.Can(cmd.Name)
						} else {
							can = perm.CanOn(cmd.Name, target)
						}
						where := state + ", " + who + ", " + cmd.Name
						if target != "" {
							where += " on " + target
						}
						plainRefusal(t, where, err)
						switch {
						case ran && !can:
							t.Errorf("%s: Permissions refuses (%s) but the command runs", where,
								perm.Why(cmd.Name))
						case !ran && can && !onlyInput(err, input):
							t.Errorf("%s: Permissions allows but the command is refused: %v", where, err)
						case !ran && !can && perm.WhyOn(cmd.Name, target) == "":
							t.Errorf("%s: refused without a reason", where)
						}
					}
				}
			}
		}
		if checked < 1000 {
			t.Fatalf("only %d checks ran", checked)
		}
	})
}

// plainRefusal: every refusal a page shows is a capitalised sentence with
// no Go list in it.
func plainRefusal(t *testing.T, where string, err error) {
	t.Helper()
	var msgs []string
	if f, ok := service.AsForbidden(err); ok {
		msgs = append(msgs, f.Message)
	} else if ps, ok := domain.AsProblems(err); ok {
		for _, p := range ps {
			msgs = append(msgs, p.Message)
		}
	}
	for _, m := range msgs {
		if m == "" || m != domain.Sentence(m) || strings.ContainsAny(m, "[]") || strings.Contains(m, "(s)") ||
			strings.Contains(m, " a inspector") {
			t.Errorf("%s: refusal %q is not a plain sentence", where, m)
		}
	}
}

func onlyInput(err error, input map[string]bool) bool {
	ps, ok := domain.AsProblems(err)
	if !ok {
		return false
	}
	for _, p := range ps {
		if !input[p.Rule] {
			return false
		}
	}
	return true
}

// TestPermissionsSayWhoMay: a sergeant may not approve a closure that
// needs an inspector, and Why names the rank and who may, by rank and name:
// first the officer the approval duty fell to (as the proposer was told),
// then the others, most senior first.
func TestPermissionsSayWhoMay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := p.proposed()
		perm, err := f.Svc.Permissions(ctx, f.Supervisor, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := "Closures with outcome 15 on this case (a child victim or a named suspect) are approved by an " +
			"inspector or above: DI Ines Inspector and DCI Max Manager."
		if perm.Can("approve-closure") || perm.Why("approve-closure") != want {
			t.Errorf("sergeant approving outcome 15 with a child victim: can %v, why %q; want %q",
				perm.Can("approve-closure"), perm.Why("approve-closure"), want)
		}
		if got := perm.Get("approve-closure").Who; len(got) != 2 || got[0] != f.Inspector.ID() ||
			got[1] != f.Manager.ID() {
			t.Errorf("who may approve: %v, want the inspector the approval fell to, then the manager", got)
		}
		ext, err := f.Svc.Permissions(ctx, f.External, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		why := ext.Why("add-note")
		if why != "Only investigators, supervisors, managers and victim liaison officers on this case's team, "+
			"or above it, can add notes." {
			t.Errorf("inspectorate adding a note: %q", why)
		}
		// The command says the same, as a 403.
		_, err = f.Svc.AddNote(ctx, f.External, c.ID, service.NewNote{Version: c.Version, Text: "x"})
		if !errors.Is(err, service.ErrForbidden) || err.Error() != why {
			t.Errorf("the command's refusal %q differs from Permissions' %q", err, why)
		}
		if strings.Contains(why, "[") {
			t.Errorf("a Go list in a refusal: %q", why)
		}
	})
}

// BenchmarkPermissions is one person's whole answer for a case at work
// (every command, every target), read from the store as a page asks it.
func BenchmarkPermissions(b *testing.B) {
	db := testdb.Open(b, "sqlite")
	f := fixture.New(b, db)
	c := permCase{f: f, t: b}.working()
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.Svc.Permissions(ctx, f.Supervisor, c.ID); err != nil {
			b.Fatal(err)
		}
	}
}
