package policy

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// withTraining is the default policy with extra lines in its training
// section (after override_max), and the line the first of them is on.
func withTraining(t *testing.T, extra string) ([]byte, int) {
	t.Helper()
	anchor := []byte("  override_max: 7 days\n")
	i := bytes.Index(defaultYAML, anchor)
	if i < 0 {
		t.Fatal("the default policy has no training.override_max line")
	}
	at := i + len(anchor)
	line := bytes.Count(defaultYAML[:at], []byte("\n")) + 1
	out := append(bytes.Clone(defaultYAML[:at]), extra...)
	return append(out, defaultYAML[at:]...), line
}

func TestTrainingDefaults(t *testing.T) {
	tr := Default().Training
	for _, k := range []string{"pip1", "pip2", "pip3", "abe", "cse_course"} {
		if tr.Kind(k) == nil || tr.Kind(k).Source == "" {
			t.Errorf("the default policy lacks accreditation kind %s with its source", k)
		}
	}
	if tr.Kind("pip9") != nil || tr.KindLabel("pip9") != "pip9" {
		t.Errorf("an unknown kind is found, or labelled other than by its key")
	}
	if tr.OverrideMax.String() != "7 days" {
		t.Errorf("override_max %s, want 7 days", tr.OverrideMax)
	}
}

// TestTrainingRequirements: a requirement applies when all its conditions
// hold; one naming an unknown kind or role is refused with its line.
func TestTrainingRequirements(t *testing.T) {
	b, _ := withTraining(t, `  requirements:
    owner:
      - {id: owner_pip2, needs: pip2, why: "serious and complex"}
      - {id: owner_many, needs: pip3, min_victims: 3, why: "many victims"}
      - {id: owner_rape, needs: cse_course, groups: [rape], min_suspects: 2, why: "group offending"}
      - {id: owner_child, needs: abe, offences: [rape_child], sensitive: true, why: "a child"}
    action:
      - {id: abe_child, needs: abe, actions: [abe_interview], child_victim: true, why: "ABE of a child"}
      - {id: high_pip1, needs: pip1, priorities: [high], why: "high priority"}
    approver:
      - {id: approve_nfa, needs: pip2, outcomes: ["15"], why: "an evidential decision"}
`)
	p, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	needs := func(role string, w Work) string {
		var ks []string
		for _, r := range p.Training.Needs(role, w) {
			ks = append(ks, r.ID)
		}
		return strings.Join(ks, ",")
	}
	for _, c := range []struct {
		role string
		w    Work
		want string
	}{
		{NeedOwner, Work{Victims: 1}, "owner_pip2"},
		{NeedOwner, Work{Victims: 3}, "owner_pip2,owner_many"},
		{NeedOwner, Work{Groups: []string{"rape"}, Suspects: 1}, "owner_pip2"},
		{NeedOwner, Work{Groups: []string{"rape"}, Suspects: 2}, "owner_pip2,owner_rape"},
		{NeedOwner, Work{Offences: []string{"rape_child"}}, "owner_pip2"},
		{NeedOwner, Work{Offences: []string{"rape_child"}, Sensitive: true}, "owner_pip2,owner_child"},
		{NeedAction, Work{Action: "abe_interview", Priority: "medium"}, ""},
		{NeedAction, Work{Action: "abe_interview", ChildVictim: true, Priority: "high"}, "abe_child,high_pip1"},
		{NeedAction, Work{Action: "cctv", ChildVictim: true, Priority: "low"}, ""},
		{NeedApprover, Work{Outcome: "15"}, "approve_nfa"},
		{NeedApprover, Work{Outcome: "16"}, ""},
	} {
		if got := needs(c.role, c.w); got != c.want {
			t.Errorf("%s of %+v needs %q, want %q", c.role, c.w, got, c.want)
		}
	}
	if r := p.Training.Requirement("abe_child"); r == nil || r.Needs != "abe" {
		t.Errorf("rule abe_child found as %v", r)
	}
}

// TestTrainingRequirementsRefused: every problem with the rules is
// reported with its line and field, and the policy is refused whole.
func TestTrainingRequirementsRefused(t *testing.T) {
	b, ln := withTraining(t, `  requirements:
    owner:
      - {id: a, needs: pip9, why: "x"}
    custodian:
      - {id: b, needs: pip2, why: "x"}
    action:
      - {id: a, needs: abe, actions: [tea_making], priorities: [urgent]}
      - {needs: abe, groups: [burglary], outcomes: ["15"], min_suspects: -1, why: "x"}
    approver:
      - {id: c, needs: pip2, outcomes: ["99"], actions: [cctv], why: "x"}
`)
	_, err := Parse(b)
	if err == nil {
		t.Fatal("a policy naming unknown kinds, roles, actions and outcomes was accepted")
	}
	l := func(n int) string { return "line " + strconv.Itoa(ln+n) + ": " }
	for _, want := range []string{
		l(2) + `training.requirements.owner: needs: unknown accreditation kind "pip9"`,
		l(3) + `training.requirements: unknown role "custodian"`,
		l(6) + `training.requirements.action: id: "a" is used twice`,
		l(6) + `training.requirements.action: actions: unknown standard action "tea_making"`,
		l(6) + `training.requirements.action: priorities: unknown priority "urgent"`,
		l(6) + `training.requirements.action: why: say in plain words`,
		l(7) + `training.requirements.action: id: every requirement needs an id`,
		l(7) + `training.requirements.action: groups: unknown offence group "burglary"`,
		l(7) + `training.requirements.action: outcomes apply to the approver role only`,
		l(7) + `training.requirements.action: min_suspects must not be negative`,
		l(9) + `training.requirements.approver: outcomes: unknown outcome code "99"`,
		l(9) + `training.requirements.approver: actions and priorities apply to the action role only`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	b, ln = withTraining(t, "  kinds_extra: 1\n")
	if _, err := Parse(b); err == nil || !strings.Contains(err.Error(), "line "+strconv.Itoa(ln)) {
		t.Errorf("an unknown field in training: %v, want line %d", err, ln)
	}
}
