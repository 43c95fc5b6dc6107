package service

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
)

// The notes, decision log and Victims' Right to Review requests of an
// imported case (docs/import-format.md): each becomes the event the same
// act in Holdfast makes, at its historic time.

// historyStep is one event of a case's history, before it is folded.
type historyStep struct {
	at    time.Time
	actor string
	typ   string
	p     any
}

// checkHistory checks what the reader cannot: the officers the notes,
// decisions and reviews name.
func (im *importer) checkHistory(line int, k casefile.Case, who func(field, ref string)) {
	for i, n := range k.Notes {
		who(fmt.Sprintf("notes[%d].by", i), n.By)
	}
	for i, d := range k.Decisions {
		who(fmt.Sprintf("decisions[%d].by", i), d.By)
	}
	for i, v := range k.VRRs {
		who(fmt.Sprintf("vrrs[%d].reviewer", i), v.Reviewer)
		im.past(line, fmt.Sprintf("vrrs[%d].requested", i), v.Requested)
		im.past(line, fmt.Sprintf("vrrs[%d].acknowledged", i), v.Acknowledged)
		im.past(line, fmt.Sprintf("vrrs[%d].decided", i), v.Decided)
	}
	for i, n := range k.Notes {
		im.past(line, fmt.Sprintf("notes[%d].at", i), n.At)
	}
	for i, d := range k.Decisions {
		im.past(line, fmt.Sprintf("decisions[%d].at", i), d.At)
	}
}

// historySteps is k's notes, decisions and reviews as events; victims maps
// the file's victim refs to their ids, by resolves an officer ref to the
// actor who did it.
func (im *importer) historySteps(k casefile.Case, victims map[string]string, by func(string) string) []historyStep {
	var out []historyStep
	noteIDs := map[string]string{}
	for _, n := range k.Notes {
		id := im.s.newID()
		if n.Ref != "" {
			noteIDs[n.Ref] = id
		}
		out = append(out, historyStep{n.At, by(n.By), domain.EvNoteAdded, domain.NoteAdded{Note: domain.Note{
			ID: id, Text: n.Text, Author: by(n.By), At: n.At.UTC(), Corrects: noteIDs[n.Corrects]}}})
	}
	for i, d := range k.Decisions {
		out = append(out, historyStep{d.At, by(d.By), domain.EvDecisionRecorded, domain.DecisionRecorded{
			Decision: domain.Decision{Number: i + 1, Decision: d.Decision, Rationale: d.Rationale,
				DecidedBy: by(d.By), DecidedAt: d.At.UTC(), RecordedBy: by(d.By), RecordedAt: d.At.UTC()}}})
	}
	for _, v := range k.VRRs {
		id := im.s.newID()
		out = append(out, historyStep{v.Requested, "system:import", domain.EvVRRRequested, domain.VRRRequested{
			VRR: domain.VRR{ID: id, VictimID: victims[v.Victim], At: v.Requested.UTC(), Late: v.Late,
				LateReason: v.LateReason, Grounds: v.Grounds}}})
		if !v.Acknowledged.IsZero() {
			out = append(out, historyStep{v.Acknowledged, "system:import", domain.EvVRRAcknowledged,
				domain.VRRAcknowledged{ID: id, Reviewer: im.officer(v.Reviewer)}})
		}
		if v.Decision != "" {
			out = append(out, historyStep{v.Decided, by(v.Reviewer), domain.EvVRRDecided,
				domain.VRRDecided{ID: id, Decision: v.Decision, Reasons: v.Reasons}})
			if v.Decision == "upheld" {
				// As DecideVRR does: an upheld review reopens the case.
				out = append(out, historyStep{v.Decided, by(v.Reviewer), domain.EvCaseReopened, domain.CaseReopened{
					Reason: "Victims' Right to Review upheld: " + v.Reasons, Route: "vrr"}})
			}
		}
	}
	return out
}
