package audit

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// Entry is a case in a triage queue, with the reasons for its place.
type Entry struct {
	CaseID   string              `json:"case_id"`
	Ref      string              `json:"ref"`
	TeamID   string              `json:"team_id"`
	Outcome  string              `json:"outcome"`
	ClosedAt time.Time           `json:"closed_at"`
	Priority bool                `json:"priority"` // matches a priority offence (Beaconport: rape)
	Score    int                 `json:"score"`
	HighRisk bool                `json:"high_risk"`
	Reasons  []domain.RiskReason `json:"reasons"`
}

// Summary counts what triage saw and why cases were left out.
type Summary struct {
	Considered int            `json:"considered"`
	Matched    int            `json:"matched"`
	Excluded   map[string]int `json:"excluded"`
}

// Triage builds a ranked queue from a stream of cases. Add every case the
// auditor may see (open ones too: a suspect shared with an open case is a
// reason), then call Queue. It keeps only the candidates and a suspect
// index in memory, so a force's whole record can stream through it.
type Triage struct {
	cr       Criteria
	model    Model
	env      Env
	reviewed map[string]bool
	// suspects maps a suspect key to the refs of the cases naming them.
	suspects map[string][]string
	cands    []*candidate
	sum      Summary
}

type candidate struct {
	Entry
	keys map[string]string // suspect key → the suspect's name on this case
}

// NewTriage starts a triage. reviewed holds the case ids already reviewed
// in an earlier audit (nil: none).
func NewTriage(cr Criteria, m Model, env Env, reviewed map[string]bool) *Triage {
	return &Triage{cr: cr, model: m, env: env, reviewed: reviewed, suspects: map[string][]string{}, sum: Summary{Excluded: map[string]int{}}}
}

// Add considers one case.
func (t *Triage) Add(c *domain.Case) {
	keys := map[string]string{}
	for _, s := range c.Suspects {
		if k := SuspectKey(s); k != "" {
			if _, seen := keys[k]; !seen {
				t.suspects[k] = append(t.suspects[k], c.Ref)
			}
			keys[k] = s.Name
		}
	}
	t.sum.Considered++
	if why := Excluded(t.cr, c, t.reviewed[c.ID]); why != "" {
		t.sum.Excluded[why]++
		return
	}
	t.sum.Matched++
	t.cands = append(t.cands, &candidate{
		Entry: Entry{CaseID: c.ID, Ref: c.Ref, TeamID: c.TeamID, Outcome: c.Outcome, ClosedAt: c.ClosedAt,
			Priority: Priority(t.cr, c), Reasons: t.model.Assess(c, t.env)},
		keys: keys,
	})
}

// Queue finishes the scores and returns the matched cases in order:
// priority offences first, then highest score, then longest closed, then
// by reference. Calling it again returns the same queue.
func (t *Triage) Queue() ([]Entry, Summary) {
	out := make([]Entry, 0, len(t.cands))
	for _, c := range t.cands {
		e := c.Entry
		e.Reasons = append([]domain.RiskReason{}, c.Reasons...)
		var shared []string
		others := map[string]bool{}
		names := make([]string, 0, len(c.keys))
		for k := range c.keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			var refs []string
			for _, ref := range t.suspects[k] {
				if ref != c.Ref {
					refs = append(refs, ref)
					others[ref] = true
				}
			}
			if len(refs) > 0 {
				shared = append(shared, fmt.Sprintf("%s (also on %s)", c.keys[k], strings.Join(refs, ", ")))
			}
		}
		if len(shared) > 0 && t.model.Weights[ReasonSuspectShared] > 0 {
			e.Reasons = append(e.Reasons, t.model.reason(ReasonSuspectShared, "suspect %s: a possible network across %d other case(s)", strings.Join(shared, "; "), len(others)))
		}
		e.Score = Total(e.Reasons)
		e.HighRisk = t.model.HighRisk > 0 && e.Score >= t.model.HighRisk
		out = append(out, e)
	}
	SortQueue(out)
	return out, t.sum
}

// SortQueue orders a queue: priority first, then score, then the longest
// closed, then reference.
func SortQueue(q []Entry) {
	sort.SliceStable(q, func(i, j int) bool {
		a, b := q[i], q[j]
		if a.Priority != b.Priority {
			return a.Priority
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if !a.ClosedAt.Equal(b.ClosedAt) {
			return a.ClosedAt.Before(b.ClosedAt)
		}
		return a.Ref < b.Ref
	})
}
