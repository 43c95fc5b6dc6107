package casefile

import (
	"strings"
	"testing"
)

// recordsCase carries notes, decisions and review requests (a fuzz seed).
const recordsCase = `{"type":"case","ref":"H1","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s","offence_types":["cse"],` +
	`"victims":[{"ref":"V1","name":"v","added":"2015-01-01T00:00:00Z"}],` +
	`"notes":[{"ref":"N1","at":"2015-01-02T00:00:00Z","by":"O","text":"taxi"},` +
	`{"at":"2015-01-03T00:00:00Z","text":"private hire, not a taxi","corrects":"N1"}],` +
	`"decisions":[{"at":"2015-01-04T00:00:00Z","by":"O","decision":"no interview yet","rationale":"not ready"}],` +
	`"closure":{"outcome":"16","proposed":"2015-02-01T00:00:00Z","proposed_by":"O","closed":"2015-02-02T00:00:00Z"},` +
	`"vrrs":[{"victim":"V1","requested":"2015-02-10T00:00:00Z","acknowledged":"2015-02-11T00:00:00Z","reviewer":"O",` +
	`"decision":"not_upheld","reasons":"stands","decided":"2015-03-01T00:00:00Z"},` +
	`{"victim":"V1","requested":"2015-03-02T00:00:00Z","late":true,"late_reason":"in hospital"}]}
`

func TestHistoryReadsAndIsChecked(t *testing.T) {
	f, err := ReadJSONL(strings.NewReader(recordsCase))
	if err != nil {
		t.Fatal(err)
	}
	k := f.Cases[0].Record
	if len(k.Notes) != 2 || k.Notes[1].Corrects != "N1" || len(k.Decisions) != 1 || len(k.VRRs) != 2 ||
		!k.VRRs[1].Late || k.VRRs[0].Decision != "not_upheld" {
		t.Fatalf("read %+v %+v %+v", k.Notes, k.Decisions, k.VRRs)
	}
	bad := strings.NewReplacer(
		`"corrects":"N1"`, `"corrects":"N9"`,
		`"rationale":"not ready"`, `"rationale":""`,
		`"late_reason":"in hospital"`, `"late_reason":""`,
		`"reviewer":"O",`, ``,
		`"decision":"not_upheld"`, `"decision":"maybe"`,
		`"requested":"2015-02-10T00:00:00Z"`, `"requested":"2015-01-10T00:00:00Z"`,
	).Replace(recordsCase)
	_, err = ReadJSONL(strings.NewReader(bad))
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("a bad history was read: %v", err)
	}
	got := ps.Error()
	for _, want := range []string{"notes[1].corrects", "decisions[0].rationale", "vrrs[1].late_reason",
		"vrrs[0].reviewer", "vrrs[0].decision", "vrrs[0].requested"} {
		if !strings.Contains(got, "line 1: "+want+":") {
			t.Errorf("no problem with %s:\n%s", want, got)
		}
	}
	noClosure := strings.Replace(recordsCase, `"closure":{"outcome":"16","proposed":"2015-02-01T00:00:00Z","proposed_by":"O","closed":"2015-02-02T00:00:00Z"},`, "", 1)
	if _, err := ReadJSONL(strings.NewReader(noClosure)); err == nil || !strings.Contains(err.Error(), "line 1: vrrs:") {
		t.Errorf("a review requested of a case never closed: %v", err)
	}
}
