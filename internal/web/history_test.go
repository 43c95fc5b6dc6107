package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
)

// A contact method is free text: the history must not say "by via the
// ISVA" (seen on the demo's cases).
func TestByMethodReadsAsEnglish(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"phone":                   " by phone",
		"  home visit ":           " by home visit",
		"via the ISVA":            " via the ISVA",
		"In person at school":     " In person at school",
		"by letter":               " by letter",
		"through their adviser":   " through their adviser",
		"video call":              " by video call",
		"invitation to interview": " by invitation to interview",
	} {
		if got := byMethod(in); got != want {
			t.Errorf("byMethod(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHistoryNotesHoldFindingAnswers: the history's Notes filter missed
// the notes written by answering an audit finding, which the case page's
// Notes section shows; with none it said "no entries, newest first.".
func TestHistoryNotesHoldFindingAnswers(t *testing.T) {
	at := time.Date(2026, 12, 6, 20, 43, 0, 0, time.UTC)
	v := &caseView{Case: &domain.Case{ID: "c1", Ref: "CSE/2026/000001"}, Org: &domain.OrgState{}, Now: at}
	h, _ := v.history(nil, url.Values{"kind": {"notes"}})
	if h.Total != 0 || h.Empty != "There are no notes on this case." {
		t.Errorf("no notes: %d, %q", h.Total, h.Empty)
	}
	note := domain.Note{ID: "n1", Text: "Spoke to the school", Author: "u1", At: at}
	answer := domain.Note{ID: "n2", Text: "Answer to the audit finding (victim contact): done since", Author: "u1", At: at}
	var evs []*event.Event
	for i, p := range []struct {
		typ string
		p   any
	}{{domain.EvNoteAdded, domain.NoteAdded{Note: note}},
		{domain.EvAuditFindingAnswered, domain.AuditFindingAnswered{FindingID: "f1", Note: answer}}} {
		e, err := domain.NewEvent(p.typ, "u1", "c1", at, p.p)
		if err != nil {
			t.Fatal(err)
		}
		e.Seq = int64(i + 1)
		evs = append(evs, e)
	}
	h, _ = v.history(evs, url.Values{"kind": {"notes"}})
	var ids []string
	for _, en := range h.Entries {
		ids = append(ids, en.NoteID)
	}
	if h.Total != 2 || len(ids) != 2 || ids[0] != "n2" || ids[1] != "n1" {
		t.Errorf("the notes filter lists %d entries, notes %v; want the answer and the note", h.Total, ids)
	}
	if h, _ = v.history(evs, url.Values{"kind": {"duties"}}); h.Total != 1 {
		t.Errorf("the duties filter lists %d entries, want the answer", h.Total)
	}
}
