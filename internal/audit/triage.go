package audit

import (
	"fmt"
	"maps"
	"slices"
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
//
// It also remembers what each case added, so a kept triage can follow
// changes: Add a changed case again (it replaces the old one) or Remove
// it, then Queue again — the result is the same as a triage built afresh
// from the cases as they now are, at a fraction of the cost of decoding
// them all (TestIncrementalTriageEqualsFull).
type Triage struct {
	cr       Criteria
	model    Model
	env      Env
	reviewed map[string]bool
	// suspects maps a suspect link's key (SuspectLinks) to the cases with
	// a suspect bearing it, in case id order: the order a scan of the
	// store (ScanCases, by id) adds them, whatever order changes come in.
	suspects map[string][]caseRef
	cases    map[string]*added // by case id
	sum      Summary
}

type caseRef struct{ id, ref string }

// added is what one case put into a triage, so that it can be taken out.
type added struct {
	keys     []string   // its suspect link keys, each once
	excluded string     // why it is left out ("": a candidate)
	cand     *candidate // nil when excluded
	until    time.Time  // the next deadline after AsOf its reasons wait for
}

type candidate struct {
	Entry
	links []caseLink // each key once, in the order of the case's suspects
}

// caseLink is a suspect link on one case, and which suspect bears it.
type caseLink struct {
	SuspectLink
	suspect int    // index in the case's suspects
	label   string // how the detail names the suspect
}

// NewTriage starts a triage. reviewed holds the case ids already reviewed
// in an earlier audit (nil: none).
func NewTriage(cr Criteria, m Model, env Env, reviewed map[string]bool) *Triage {
	return &Triage{
		cr:       cr,
		model:    m,
		env:      env,
		reviewed: reviewed,
		suspects: map[string][]caseRef{},
		cases:    map[string]*added{},
		sum:      Summary{Excluded: map[string]int{}},
	}
}

// SetAsOf moves the time cases added from now on are judged at. A kept
// triage may be brought up to date this way only before its Until: the
// reasons of the cases not added again hold until then.
func (t *Triage) SetAsOf(at time.Time) { t.env.AsOf = at }

// Add considers one case, in place of what it added before if it was
// added already.
func (t *Triage) Add(c *domain.Case) {
	t.Remove(c.ID)
	a := &added{}
	t.cases[c.ID] = a
	var links []caseLink
	seen := map[string]bool{}
	for i, s := range c.Suspects {
		for _, l := range SuspectLinks(s) {
			if seen[l.Key] {
				continue // two suspects of one case with one phone: one link
			}
			seen[l.Key] = true
			t.link(l.Key, caseRef{c.ID, c.Ref})
			a.keys = append(a.keys, l.Key)
			links = append(links, caseLink{SuspectLink: l, suspect: i, label: suspectLabel(s)})
		}
	}
	t.sum.Considered++
	if why := Excluded(t.cr, c, t.reviewed[c.ID]); why != "" {
		t.sum.Excluded[why]++
		a.excluded = why
		return
	}
	t.sum.Matched++
	for i := range c.Victims {
		if v := &c.Victims[i]; v.NoticeDue != nil {
			if due := t.env.noticeDue(c, v); due.After(t.env.asOf()) && (a.until.IsZero() || due.Before(a.until)) {
				a.until = due
			}
		}
	}
	a.cand = &candidate{
		Entry: Entry{CaseID: c.ID, Ref: c.Ref, TeamID: c.TeamID, Outcome: c.Outcome, ClosedAt: c.ClosedAt,
			Priority: Priority(t.cr, c), Reasons: t.model.Assess(c, t.env)},
		links: links,
	}
}

// Remove takes back what a case added (nothing if it was not added): for
// a case gone from the auditor's sight.
func (t *Triage) Remove(caseID string) {
	a, ok := t.cases[caseID]
	if !ok {
		return
	}
	delete(t.cases, caseID)
	for _, k := range a.keys {
		t.unlink(k, caseID)
	}
	t.sum.Considered--
	if a.excluded == "" {
		t.sum.Matched--
		return
	}
	if t.sum.Excluded[a.excluded]--; t.sum.Excluded[a.excluded] == 0 {
		delete(t.sum.Excluded, a.excluded)
	}
}

// link files a case under a suspect link key, in id order.
func (t *Triage) link(key string, c caseRef) {
	cs := t.suspects[key]
	i := sort.Search(len(cs), func(i int) bool { return cs[i].id >= c.id })
	t.suspects[key] = slices.Insert(cs, i, c)
}

func (t *Triage) unlink(key, id string) {
	cs := t.suspects[key]
	i := sort.Search(len(cs), func(i int) bool { return cs[i].id >= id })
	if i < len(cs) && cs[i].id == id {
		cs = slices.Delete(cs, i, i+1)
	}
	if len(cs) == 0 {
		delete(t.suspects, key)
		return
	}
	t.suspects[key] = cs
}

// Until is when the queue may next change with nothing recorded: the
// earliest deadline, after the time triage judged at, that one of its
// reasons waits for (zero: none). A cached queue is good until then.
func (t *Triage) Until() time.Time {
	var until time.Time
	for _, a := range t.cases {
		if !a.until.IsZero() && (until.IsZero() || a.until.Before(until)) {
			until = a.until
		}
	}
	return until
}

// Queue finishes the scores and returns the matched cases in order:
// priority offences first, then highest score, then longest closed, then
// by reference. Calling it again returns the same queue.
func (t *Triage) Queue() ([]Entry, Summary) {
	out := make([]Entry, 0, t.sum.Matched)
	for _, a := range t.cases {
		c := a.cand
		if c == nil {
			continue
		}
		e := c.Entry
		e.Reasons = append([]domain.RiskReason{}, c.Reasons...)
		// Per suspect, in the case's order: each identifier that links
		// them, and the other cases it links them to.
		var shared, parts []string
		others := map[string]bool{}
		for i, l := range c.links {
			var refs []string
			for _, o := range t.suspects[l.Key] {
				if o.ref != c.Ref {
					refs = append(refs, o.ref)
					others[o.ref] = true
				}
			}
			if len(refs) > 0 {
				what := l.Kind
				if l.Shown != "" {
					what += " " + l.Shown
				}
				parts = append(parts, fmt.Sprintf("%s also on %s", what, strings.Join(refs, ", ")))
			}
			if last := i == len(c.links)-1 || c.links[i+1].suspect != l.suspect; last && len(parts) > 0 {
				shared = append(shared, fmt.Sprintf("%s (%s)", l.label, strings.Join(parts, "; ")))
				parts = parts[:0]
			}
		}
		if len(shared) > 0 && t.model.Weights[ReasonSuspectShared] > 0 {
			e.Reasons = append(
				e.Reasons,
				t.model.reason(
					ReasonSuspectShared,
					"suspect %s: a possible network across %s",
					strings.Join(shared, "; "),
					domain.Plural(len(others), "other case", "other cases"),
				),
			)
		}
		e.Score = Total(e.Reasons)
		e.HighRisk = t.model.HighRisk > 0 && e.Score >= t.model.HighRisk
		out = append(out, e)
	}
	SortQueue(out)
	// A copy: the kept triage's counts move with later changes.
	sum := Summary{Considered: t.sum.Considered, Matched: t.sum.Matched, Excluded: maps.Clone(t.sum.Excluded)}
	return out, sum
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

// suspectLabel names a suspect in a reason's detail: by name, or by the
// start of an unnamed one's description, quoted.
func suspectLabel(s domain.Suspect) string {
	if s.Name != "" || strings.TrimSpace(s.Description) == "" {
		return s.Label(40)
	}
	return fmt.Sprintf("%q", s.Label(40))
}
