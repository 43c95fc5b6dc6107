package service

// What the audit pages need beyond the commands and the report: the triage
// queue kept while no case changes, a plan previewed before it is
// recorded, a reviewer's own reviews, the reviewers a case may go to with
// their conflicts, the audit findings a person owes an answer to — and the
// record of each of these reads of personal data (issue 16, item 5).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// LogRead records one request that showed personal data from cases (a
// records.read event naming them), or from a query. Nothing is recorded
// when nothing was shown.
func (s *Service) LogRead(ctx context.Context, a *Actor, view string, caseIDs []string, query string) error {
	if a == nil {
		return ErrUnauthenticated
	}
	if len(caseIDs) == 0 && query == "" {
		return nil
	}
	e, err := domain.NewEvent(domain.EvRecordsRead, a.ID(), "", s.clock.Now(),
		domain.RecordsRead{View: view, Cases: caseIDs, Query: query})
	if err != nil {
		return err
	}
	if err := s.st.Write(ctx, func(tx store.Tx) error { return tx.Append(e) }); err != nil {
		return fmt.Errorf("record the read of %s: %w", view, err)
	}
	return nil
}

// triageCache keeps ranked queues while nothing they depend on changes:
// the cases (their count and versions), the organisation (the store's
// cached state, replaced on any change), the policy, the cases already
// reviewed, the criteria and who is asking. Decoding every case of a
// force took 1.5-2 s a page (issue 15); a queue kept costs one count.
//
// When cases change, only they are decoded and judged again: the kept
// triage knows the version it saw of every case, and the store's list of
// cases (no record decoded) says which moved. So the page stays fast while
// the force records, and the queue is the one a full pass would give
// (audit.TestIncrementalTriageEqualsFull).
type triageCache struct {
	mu      sync.Mutex
	entries map[string]*triageKept
}

type triageKept struct {
	mu    sync.Mutex // one update of an entry at a time
	print store.CasesPrint
	org   *domain.OrgState
	pol   *policy.Policy
	t     *audit.Triage
	seen  map[string]int64 // every case's version as the triage saw it, in sight or not
	q     []audit.Entry
	sum   audit.Summary
	used  time.Time // under triageCache.mu
	until time.Time // a deadline a reason waits for: stale from then
}

var triageCaches sync.Map // *Service → *triageCache

func (s *Service) triageCache() *triageCache {
	c, _ := triageCaches.LoadOrStore(s, &triageCache{entries: map[string]*triageKept{}})
	return c.(*triageCache)
}

// triageKey names a queue: the criteria, the reviewed cases, and the
// asker's sight (unit and roles).
func triageKey(a *Actor, cr domain.AuditCriteria, reviewed map[string]bool) string {
	h := sha256.New()
	b, _ := json.Marshal(cr)
	h.Write(b)
	ids := make([]string, 0, len(reviewed))
	for id, ok := range reviewed {
		if ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	fmt.Fprintf(h, "\x00%s\x00%t\x00%s\x00%v", strings.Join(ids, ","), a.System, a.User.UnitID, a.User.Roles)
	return hex.EncodeToString(h.Sum(nil))
}

// entry finds or makes the kept queue of key, forgetting the least
// recently used beyond 32.
func (tc *triageCache) entry(key string) *triageKept {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if k := tc.entries[key]; k != nil {
		k.used = time.Now()
		return k
	}
	if len(tc.entries) >= 32 {
		var old string
		var at time.Time
		for k, v := range tc.entries {
			if old == "" || v.used.Before(at) {
				old, at = k, v.used
			}
		}
		delete(tc.entries, old)
	}
	k := &triageKept{used: time.Now()}
	tc.entries[key] = k
	return k
}

// cachedTriage is triage through the cache, when the store can say
// whether cases changed.
func (s *Service) cachedTriage(
	ctx context.Context,
	a *Actor,
	org *domain.OrgState,
	cr domain.AuditCriteria,
	reviewed map[string]bool,
) ([]audit.Entry, audit.Summary, error) {
	fp, ok := s.st.(store.CasesFingerprinter)
	if !ok {
		t, _, err := s.triage(ctx, a, org, cr, reviewed)
		if err != nil {
			return nil, audit.Summary{}, err
		}
		q, sum := t.Queue()
		return q, sum, nil
	}
	// The print is read before the cases: a write during the pass moves
	// it, and the next read catches up with that write.
	print, err := fp.CasesFingerprint(ctx)
	if err != nil {
		return nil, audit.Summary{}, err
	}
	pol, now := s.Policy(), s.clock.Now()
	k := s.triageCache().entry(triageKey(a, cr, reviewed))
	k.mu.Lock()
	defer k.mu.Unlock()
	// The cases' reasons hold until the kept deadline, for this sight of
	// the force under this policy: within those, only changed cases need
	// judging again.
	current := k.t != nil && k.org == org && k.pol == pol && (k.until.IsZero() || now.Before(k.until))
	if current && k.print == print {
		return k.q, k.sum, nil
	}
	done := false
	if current {
		if done, err = s.retriage(ctx, a, org, k, now); err != nil {
			k.t = nil // half brought up to date: start afresh next time
			return nil, audit.Summary{}, err
		}
	}
	if !done {
		t, seen, err := s.triage(ctx, a, org, cr, reviewed)
		if err != nil {
			return nil, audit.Summary{}, err
		}
		k.t, k.seen, k.org, k.pol = t, seen, org, pol
	}
	k.print = print
	k.q, k.sum = k.t.Queue()
	k.until = k.t.Until()
	return k.q, k.sum, nil
}

// retriage brings a kept triage up to date with the cases whose version
// moved since, reading only those. It declines (false) when so many
// changed that one pass over every case is cheaper.
func (s *Service) retriage(ctx context.Context, a *Actor, org *domain.OrgState, k *triageKept, now time.Time) (bool, error) {
	rows, err := s.st.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		return false, err
	}
	var changed []string
	here := make(map[string]bool, len(rows))
	for _, r := range rows {
		here[r.ID] = true
		if v, ok := k.seen[r.ID]; !ok || v != r.Version {
			changed = append(changed, r.ID)
		}
	}
	if len(changed) > len(rows)/4+16 {
		return false, nil
	}
	k.t.SetAsOf(now)
	for id := range k.seen {
		if !here[id] {
			delete(k.seen, id)
			k.t.Remove(id)
		}
	}
	force, o := a.force(org), domain.Org{Units: org.Units}
	for _, id := range changed {
		c, err := s.st.Case(ctx, id)
		if err != nil {
			return false, err
		}
		k.seen[id] = c.Version
		if a.CanSee(org, c) && (a.System || o.ForceOf(c.TeamID) == force) {
			k.t.Add(c)
		} else {
			k.t.Remove(id)
		}
	}
	return true, nil
}

// AuditPreview is what an audit plan would sample, before it is recorded.
type AuditPreview struct {
	Criteria   domain.AuditCriteria `json:"criteria"`
	Population int                  `json:"population"`
	SampleSize int                  `json:"sample_size"`
	RiskTop    int                  `json:"risk_top"`
	Margin     float64              `json:"margin"`
	Expected   float64              `json:"expected"`
	HighRisk   int                  `json:"high_risk"` // cases in the population at or above the high-risk score
}

// PreviewAudit answers what CreateAudit would sample for in — the
// population meeting the criteria, the sample size for the margin of
// error — and records nothing but the read (auditors).
func (s *Service) PreviewAudit(ctx context.Context, a *Actor, in NewAudit) (*AuditPreview, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("plan an audit", auditors...); err != nil {
		return nil, err
	}
	cr, p := s.criteria(in.Preset, in.Criteria, audit.PresetRoutine)
	if in.ClosedFrom != "" {
		cr.ClosedFrom = in.ClosedFrom
	}
	if in.ClosedTo != "" {
		cr.ClosedTo = in.ClosedTo
	}
	if in.ClosedFrom != "" || in.ClosedTo != "" {
		for _, x := range audit.Validate(domain.AuditCriteria{ClosedFrom: cr.ClosedFrom, ClosedTo: cr.ClosedTo}, nil) {
			x.Field = strings.TrimPrefix(x.Field, "criteria.")
			p = append(p, x)
		}
	}
	if name := strings.TrimSpace(in.Name); name == "" || len(name) > 200 {
		p.Add("name", "required", "Name the audit (at most 200 characters), for example \"Q1 2026 closures\".")
	}
	if !(in.Margin > 0 && in.Margin <= 0.5) {
		p.Add("margin", "range", "Choose the margin of error.")
	}
	expected := in.Expected
	if expected == 0 {
		expected = 0.5
	}
	if in.RiskTop < 0 || in.RiskTop > 10000 {
		p.Add("risk_top", "range", "Give a number of riskiest cases to add between 0 and 10,000.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	q, _, err := s.cachedTriage(ctx, a, org, cr, st.Reviewed())
	if err != nil {
		return nil, err
	}
	out := &AuditPreview{Criteria: cr, Population: len(q), Margin: in.Margin, Expected: expected,
		RiskTop: in.RiskTop}
	if len(q) > 0 {
		out.SampleSize = audit.SampleSize(len(q), in.Margin, expected)
	}
	for _, e := range q {
		if e.HighRisk {
			out.HighRisk++
		}
	}
	// The preview shows counts, not the cases: the read is of the query.
	b, _ := json.Marshal(cr)
	return out, s.LogRead(ctx, a, "audits.preview", nil, string(b))
}

// ReviewItem is one sampled case as a reviewer's list shows it.
type ReviewItem struct {
	AuditID   string           `json:"audit_id"`
	AuditName string           `json:"audit_name"`
	Case      domain.AuditCase `json:"case"`
	Due       time.Time        `json:"due"`
	Overdue   bool             `json:"overdue"`
	SentBack  bool             `json:"sent_back"` // a second reviewer sent it back
	Note      string           `json:"note,omitempty"`
}

// MyReviews is a reviewer's work: reviews assigned to them, due first,
// and "no concerns" reviews by others awaiting a second reviewer.
type MyReviews struct {
	ToReview  []ReviewItem `json:"to_review"`
	ToSignOff []ReviewItem `json:"to_sign_off"`
}

// MyReviews lists the actor's reviews by due date, and the reviews they
// might sign off (auditors). The read of both is recorded.
func (s *Service) MyReviews(ctx context.Context, a *Actor) (*MyReviews, error) {
	out, err := s.myReviews(ctx, a)
	if err != nil {
		return nil, err
	}
	ids := reviewCases(out.ToReview)
	ids = append(ids, reviewCases(out.ToSignOff)...)
	return out, s.LogRead(ctx, a, "audits.my_reviews", ids, "")
}

// ReadWorkReviews is the view of the audit reviews on My work: those
// assigned to the reader, without the ones awaiting a second reviewer.
const ReadWorkReviews = "work.audit_reviews"

// MyReviewsToDo lists the reviews assigned to the actor, soonest due
// first, for My work (auditors). My work shows only these, so the read
// recorded names only their cases, under a view of its own.
func (s *Service) MyReviewsToDo(ctx context.Context, a *Actor) ([]ReviewItem, error) {
	out, err := s.myReviews(ctx, a)
	if err != nil {
		return nil, err
	}
	return out.ToReview, s.LogRead(ctx, a, ReadWorkReviews, reviewCases(out.ToReview), "")
}

// reviewCases are the ids of the cases of items.
func reviewCases(items []ReviewItem) []string {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.Case.CaseID)
	}
	return ids
}

// myReviews is MyReviews without recording the read: the callers record
// what they show.
func (s *Service) myReviews(ctx context.Context, a *Actor) (*MyReviews, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("read your reviews", auditors...); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	now, pol := s.clock.Now().UTC(), s.Policy()
	out := &MyReviews{ToReview: []ReviewItem{}, ToSignOff: []ReviewItem{}}
	for _, au := range st.List() {
		if !a.System && au.ForceID != a.force(org) {
			continue
		}
		for _, ac := range au.Cases {
			item := ReviewItem{AuditID: au.ID, AuditName: au.Name, Case: ac}
			switch {
			case ac.Status == domain.AuditCaseAssigned && ac.Reviewer == a.ID():
				from := ac.AssignedAt
				if n := len(ac.SignOffs); n > 0 && !ac.SignOffs[n-1].Agree && ac.SignOffs[n-1].At.After(from) {
					from, item.SentBack, item.Note = ac.SignOffs[n-1].At, true, ac.SignOffs[n-1].Note
				}
				item.Due = pol.Due(policyAuditReview, from, s.cal).UTC()
				out.ToReview = append(out.ToReview, item)
			case ac.Status == domain.AuditCaseAwaitingSignOff && ac.Review != nil && ac.Review.By != a.ID():
				item.Due = pol.Due(policyAuditSignOff, ac.Review.At, s.cal).UTC()
				out.ToSignOff = append(out.ToSignOff, item)
			}
		}
	}
	for _, l := range [][]ReviewItem{out.ToReview, out.ToSignOff} {
		for i := range l {
			l[i].Overdue = !l[i].Due.After(now)
		}
		sort.SliceStable(l, func(i, j int) bool { return l[i].Due.Before(l[j].Due) })
	}
	return out, nil
}

// ReviewerOption is an auditor a sampled case could go to, with every
// reason they may not (empty: they may).
type ReviewerOption struct {
	User      *domain.User    `json:"user"`
	Conflicts domain.Problems `json:"conflicts,omitempty"`
	Assigned  int             `json:"assigned"` // reviews they hold not yet complete, across audits
}

// ReviewerOptions lists the auditors of the force for a sampled case, each
// with the conflicts that would refuse the assignment, so they are seen
// before the refusal (auditors).
func (s *Service) ReviewerOptions(ctx context.Context, a *Actor, auditID, caseID string) ([]ReviewerOption, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("assign reviews", auditors...); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	au, _, err := findAuditCase(st, org, a, auditID, caseID)
	if err != nil {
		return nil, err
	}
	c, err := s.st.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if !a.CanSee(org, c) {
		return nil, ErrNotFound
	}
	load := map[string]int{}
	for _, x := range st.List() {
		for _, ac := range x.Cases {
			if ac.Reviewer != "" && ac.Status != domain.AuditCaseComplete {
				load[ac.Reviewer]++
			}
		}
	}
	out := []ReviewerOption{}
	for _, u := range org.Users {
		if !u.Active || !u.HasRole(domain.RoleAuditor) {
			continue
		}
		var p domain.Problems
		if err := s.checkReviewer(ctx, org, au, c, u, &p); err != nil {
			return nil, err
		}
		if len(p) > 0 && p[0].Rule == "other_force" {
			continue
		}
		cp := *u
		out = append(out, ReviewerOption{User: &cp, Conflicts: p, Assigned: load[u.ID]})
	}
	sort.Slice(out, func(i, j int) bool {
		if (len(out[i].Conflicts) == 0) != (len(out[j].Conflicts) == 0) {
			return len(out[i].Conflicts) == 0
		}
		return out[i].User.Name < out[j].User.Name
	})
	return out, nil
}

// OwedFinding is an audit finding a person is to answer.
type OwedFinding struct {
	CaseID   string         `json:"case_id"`
	Ref      string         `json:"ref"`
	Version  int64          `json:"version"`
	Finding  domain.Finding `json:"finding"`
	Due      time.Time      `json:"due"`
	Overdue  bool           `json:"overdue"`
	Status   domain.Status  `json:"status"`
	Answered bool           `json:"answered"`
}

// OwedFindings lists the audit findings the actor owes an answer to (the
// finding_response duties that are theirs), due first. The read is
// recorded.
func (s *Service) OwedFindings(ctx context.Context, a *Actor) ([]OwedFinding, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	ds, err := s.st.UserDuties(ctx, a.ID())
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	out := []OwedFinding{}
	var ids []string
	for _, d := range ds {
		if d.Kind != duty.FindingResponse {
			continue
		}
		c, err := s.st.Case(ctx, d.CaseID)
		if err != nil {
			return nil, err
		}
		if !a.CanSee(org, c) {
			continue
		}
		for _, f := range c.Findings {
			if f.ID == d.Subject && domain.IsAuditFinding(f.Kind) {
				out = append(out, OwedFinding{CaseID: c.ID, Ref: c.Ref, Version: c.Version, Finding: f, Due: d.Due,
					Overdue: !d.Due.After(now), Status: c.Status})
				if !slices.Contains(ids, c.ID) {
					ids = append(ids, c.ID)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out, s.LogRead(ctx, a, "audits.findings_owed", ids, "")
}

// AuditFindingOn is one audit finding on a case, for the page that answers
// it: the case's read is recorded as a view.
func (s *Service) AuditFindingOn(ctx context.Context, a *Actor, ref, findingID string) (*OwedFinding, error) {
	c, err := s.ViewCase(ctx, a, ref, "answer an audit finding")
	if err != nil {
		return nil, err
	}
	for _, f := range c.Findings {
		if f.ID == findingID && domain.IsAuditFinding(f.Kind) {
			return &OwedFinding{CaseID: c.ID, Ref: c.Ref, Version: c.Version, Finding: f, Status: c.Status,
				Due: s.Policy().Due(duty.FindingResponse, f.Raised, s.cal).UTC(), Answered: !f.Resolved.IsZero()}, nil
		}
	}
	return nil, fmt.Errorf("audit finding %s on %s: %w", findingID, c.Ref, ErrNotFound)
}

// OwedFindingCount counts the audit findings the actor is to answer,
// without reading the cases (for a page that links to them).
func (s *Service) OwedFindingCount(ctx context.Context, a *Actor) (int, error) {
	if a == nil {
		return 0, ErrUnauthenticated
	}
	ds, err := s.st.UserDuties(ctx, a.ID())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range ds {
		if d.Kind == duty.FindingResponse {
			n++
		}
	}
	return n, nil
}

// AuditHomeCounts is what an auditor's home counts of the audits' work
// beyond their own reviews: reviews by others waiting for a second
// reviewer (any auditor but the reviewer may sign one off), and sampled
// cases with no reviewer yet in the audits they planned (the planner drew
// the sample, so seeing it reviewed is theirs; any auditor may assign).
type AuditHomeCounts struct {
	ToSignOff, Unassigned int
}

// AuditHome counts the actor's audit work for their home (auditors). It
// names no case, so it reads none and records no read: the list pages it
// links to record theirs.
func (s *Service) AuditHome(ctx context.Context, a *Actor) (AuditHomeCounts, error) {
	var out AuditHomeCounts
	mine, err := s.myReviews(ctx, a)
	if err != nil {
		return out, err
	}
	out.ToSignOff = len(mine.ToSignOff)
	org, err := s.st.Org(ctx)
	if err != nil {
		return out, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return out, err
	}
	for _, au := range st.List() {
		if au.CreatedBy != a.ID() || au.ForceID != a.force(org) {
			continue
		}
		for _, ac := range au.Cases {
			if ac.Status == domain.AuditCaseUnassigned {
				out.Unassigned++
			}
		}
	}
	return out, nil
}
