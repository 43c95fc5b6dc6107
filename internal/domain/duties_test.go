package domain

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestClosedDutiesLeaveTheDocument: a duty met or cancelled leaves the
// case's document for ClosedDuties, a waived one stays; the count, the
// last close and the closure approval's end are kept; and an old document
// split by SplitDuties reads as the fold now makes it.
func TestClosedDutiesLeaveTheDocument(t *testing.T) {
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var evs []*step
	add := func(typ string, p any) {
		at = at.Add(time.Hour)
		evs = append(evs, &step{typ, at, p})
	}
	add(EvCaseOpened, CaseOpened{ID: "c1", Ref: "R1", ForceID: "f", TeamID: "t"})
	for i, k := range []string{"a", "closure_approval", "b", "c"} {
		add(EvDutyOpened, DutyOpened{Duty: Duty{ID: fmt.Sprintf("c1.d%d", i+1), Kind: k, Subject: "s", TeamID: "t",
			Status: DutyOpen}})
	}
	add(EvDutyClosed, DutyClosed{ID: "c1.d1", Status: DutyMet})
	add(EvDutyClosed, DutyClosed{ID: "c1.d3", Status: DutyWaived, Reason: "why"})
	add(EvDutyClosed, DutyClosed{ID: "c1.d2", Status: DutyCancelled, Reason: "gone"})
	last := at

	c, old := fold(t, evs)
	ids := func(ds []Duty) (out []string) {
		for _, d := range ds {
			out = append(out, d.ID+" "+string(d.Status))
		}
		return out
	}
	if got := fmt.Sprint(ids(c.Duties)); got != "[c1.d3 waived c1.d4 open]" {
		t.Errorf("document's duties: %s", got)
	}
	if got := fmt.Sprint(ids(c.ClosedDuties)); got != "[c1.d1 met c1.d2 cancelled]" {
		t.Errorf("closed duties: %s", got)
	}
	if c.DutyCount != 4 || !c.LastDutyClosed.Equal(last) ||
		c.ApprovalEnded == nil || c.ApprovalEnded.Subject != "s" || !c.ApprovalEnded.At.Equal(last) {
		t.Errorf("count %d, last closed %s, approval ended %+v", c.DutyCount, c.LastDutyClosed, c.ApprovalEnded)
	}
	if !c.HadDuty("c1.d1") || c.HadDuty("c1.d4") || c.HadDuty("c1.d5") || c.HadDuty("c1.d01") {
		t.Error("HadDuty names the wrong duties")
	}
	old.SplitDuties()
	a, _ := json.Marshal(c)
	b, _ := json.Marshal(old)
	if string(a) != string(b) {
		t.Errorf("split old document differs from the fold:\n%s\n%s", b, a)
	}
	if fmt.Sprint(ids(old.ClosedDuties)) != fmt.Sprint(ids(c.ClosedDuties)) {
		t.Errorf("split closed duties %v, fold %v", ids(old.ClosedDuties), ids(c.ClosedDuties))
	}
}

type step struct {
	typ string
	at  time.Time
	p   any
}

// fold folds evs into a case as the fold does, and into one as it did
// before the duty history (every duty kept in the document, no count).
func fold(t testing.TB, evs []*step) (*Case, *Case) {
	t.Helper()
	var c *Case
	old := &Case{}
	for i, x := range evs {
		e, err := NewEvent(x.typ, "u", "c1", x.at, x.p)
		if err != nil {
			t.Fatal(err)
		}
		e.Seq = int64(i + 1)
		if c, err = ApplyCase(c, e); err != nil {
			t.Fatal(err)
		}
		switch p := x.p.(type) {
		case DutyOpened:
			old.Duties = append(old.Duties, p.Duty)
		case DutyClosed:
			for j := range old.Duties {
				if old.Duties[j].ID == p.ID {
					old.Duties[j].Status, old.Duties[j].Closed, old.Duties[j].Reason = p.Status, x.at, p.Reason
				}
			}
		}
	}
	cp := *c
	cp.Duties, cp.DutyCount, cp.LastDutyClosed, cp.ApprovalEnded, cp.ClosedDuties = old.Duties, 0, time.Time{}, nil, nil
	return c, &cp
}
