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
      - {needs: pip2}
      - {needs: pip3, min_victims: 3}
      - {needs: abe, offences: [rape_child]}
    approver:
      - {needs: pip2}
`)
	p, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	needs := func(role string, offences []string, victims int) string {
		var ks []string
		for _, r := range p.Training.Needs(role, offences, victims) {
			ks = append(ks, r.Needs)
		}
		return strings.Join(ks, ",")
	}
	for _, c := range []struct {
		role     string
		offences []string
		victims  int
		want     string
	}{
		{NeedOwner, nil, 1, "pip2"},
		{NeedOwner, nil, 3, "pip2,pip3"},
		{NeedOwner, []string{"rape_child"}, 1, "pip2,abe"},
		{NeedApprover, nil, 5, "pip2"},
	} {
		if got := needs(c.role, c.offences, c.victims); got != c.want {
			t.Errorf("%s of a case with %v and %d victims needs %q, want %q", c.role, c.offences, c.victims, got, c.want)
		}
	}
	b, ln := withTraining(t, `  requirements:
    owner:
      - {needs: pip9}
    custodian:
      - {needs: pip2}
`)
	_, err = Parse(b)
	if err == nil {
		t.Fatal("a policy naming an unknown kind and role was accepted")
	}
	for _, want := range []string{
		"line " + strconv.Itoa(ln+2) + `: training.requirements.owner: needs: unknown accreditation kind "pip9"`,
		"line " + strconv.Itoa(ln+3) + `: training.requirements: unknown role "custodian"`,
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
