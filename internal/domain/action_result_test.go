package domain

import (
	"encoding/json"
	"testing"
	"time"
)

// TestActionResultOldAndNewReplay: a result recorded before outcomes were
// asked ({"action_id","result"} alone) still replays, as what was done
// with no outcome or reference; one recorded now keeps all three; and a
// result after a referral back replaces the earlier one whole.
func TestActionResultOldAndNewReplay(t *testing.T) {
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var c *Case
	var seq int64
	apply := func(typ string, p any) {
		t.Helper()
		at = at.Add(time.Hour)
		e, err := NewEvent(typ, "u", "c1", at, p)
		if err != nil {
			t.Fatal(err)
		}
		seq++
		e.Seq = seq
		if c, err = ApplyCase(c, e); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	apply(EvCaseOpened, CaseOpened{ID: "c1", Ref: "R1", ForceID: "f", TeamID: "t"})
	apply(EvActionRaised, ActionRaised{Action: Action{ID: "c1.a1", Number: 1, Title: "Download the phone",
		State: ActionStateRaised}})
	apply(EvActionAllocated, ActionAllocated{ActionID: "c1.a1", To: "u2", Target: at.Add(72 * time.Hour)})
	apply(EvActionResulted, json.RawMessage(`{"action_id":"c1.a1","result":"Phone downloaded; two numbers of interest"}`))
	a := c.Action("c1.a1")
	if a.State != ActionStateResulted || a.Result != "Phone downloaded; two numbers of interest" ||
		a.Outcome != "" || a.Reference != "" {
		t.Fatalf("an old result replays as %+v, want what was done alone", a)
	}
	if ActionOutcomeLabel(a.Outcome) != "" {
		t.Errorf("an old result's outcome reads %q, want nothing", ActionOutcomeLabel(a.Outcome))
	}
	apply(EvActionReferredBack, ActionReferredBack{ActionID: "c1.a1", Direction: "Exhibit the download"})
	apply(EvActionResulted, ActionResulted{ActionID: "c1.a1", Result: "Download exhibited", Outcome: ActionCompleted,
		Reference: "EX/IV/1"})
	a = c.Action("c1.a1")
	if a.Result != "Download exhibited" || a.Outcome != ActionCompleted || a.Reference != "EX/IV/1" || a.Direction != "" {
		t.Fatalf("a result now replays as %+v", a)
	}
	apply(EvActionReferredBack, ActionReferredBack{ActionID: "c1.a1", Direction: "Try the handset again"})
	apply(EvActionResulted, ActionResulted{ActionID: "c1.a1", Result: "Handset wiped", Outcome: ActionNotPossible})
	if a = c.Action("c1.a1"); a.Outcome != ActionNotPossible || a.Reference != "" {
		t.Fatalf("a later result kept the earlier one's reference: %+v", a)
	}
}
