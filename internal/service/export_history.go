package service

import (
	"fmt"
	"sort"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
)

// exportHistory adds c's notes, decision log and the Victims' Right to
// Review requests about its closure to k, in the import's format; who
// names an officer by collar number.
//
// Only the requests made since the case was last closed are exported: a
// request before it was about a closure a review overturned, and the
// format holds one closure, the last.
func exportHistory(c *domain.Case, k *casefile.Case, who func(string) string) {
	refs := map[string]string{} // note id -> ref
	for _, n := range c.Notes {
		refs[n.ID] = fmt.Sprintf("N%d", len(refs)+1)
	}
	corrected := map[string]bool{}
	for _, n := range c.Notes {
		corrected[n.Corrects] = true
	}
	for _, n := range c.Notes {
		en := casefile.Note{At: n.At, By: who(n.Author), Text: n.Text, Corrects: refs[n.Corrects]}
		if corrected[n.ID] {
			en.Ref = refs[n.ID]
		}
		k.Notes = append(k.Notes, en)
	}
	decisions := append([]domain.Decision(nil), c.Decisions...)
	sort.SliceStable(decisions, func(i, j int) bool { return decisions[i].Number < decisions[j].Number })
	for _, d := range decisions {
		k.Decisions = append(k.Decisions, casefile.Decision{At: d.DecidedAt, By: who(d.DecidedBy),
			Decision: d.Decision, Rationale: d.Rationale})
	}
	if c.Status != domain.StatusClosed {
		return
	}
	victims := map[string]string{}
	for i, v := range c.Victims {
		victims[v.ID] = fmt.Sprintf("V%d", i+1)
	}
	for _, v := range c.VRRs {
		if v.At.Before(c.ClosedAt) {
			continue
		}
		k.VRRs = append(k.VRRs, casefile.VRR{Victim: victims[v.VictimID], Requested: v.At, Late: v.Late,
			LateReason: v.LateReason, Grounds: v.Grounds, Acknowledged: v.AckAt, Reviewer: who(v.Reviewer), Decision: v.Decision,
			Reasons: v.Reasons, Decided: v.DecidedAt})
	}
}
