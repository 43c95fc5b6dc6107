package service

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/store"
)

// Finding cases: search by reference (any spelling), name, phone, vehicle
// or postcode; the case list page by page; and the record of who read
// what. Search and the lists read the find index the store keeps beside
// each case (store.Finder), never every case document, and only the
// cases the searcher may see.

// finder is the store's find index.
func (s *Service) finder() (store.Finder, error) {
	f, ok := s.st.(store.Finder)
	if !ok {
		return nil, fmt.Errorf("the %s store keeps no find index", s.st.Engine())
	}
	return f, nil
}

// forceEvents lists the force's own events of types (the audits' record),
// through the store's index of them when it has one.
func (s *Service) forceEvents(ctx context.Context, types ...string) ([]*event.Event, error) {
	if f, ok := s.st.(store.Finder); ok {
		return f.ForceEvents(ctx, types)
	}
	evs, err := s.st.CaseEvents(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []*event.Event
	for _, e := range evs {
		if contains(types, e.Type) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Views that record bulk reads (domain.RecordsRead.View).
const (
	ReadSearch  = "search"
	ReadLinks   = "links"
	ReadInbox   = "inbox"
	ReadWork    = "work"
	ReadLiaison = "liaison"
	ReadTeam    = "team"
	ReadAccess  = "access"
)

// RecordRead records that the actor was shown the cases (by id) in one
// list, with what they asked (a search's words, a filter): one event per
// request, so "who looked at this victim" has a complete answer. A list
// that showed no case and answered no question records nothing. Pages and
// the API call it for every list that shows personal data.
func (s *Service) RecordRead(ctx context.Context, a *Actor, view, query string, caseIDs []string) error {
	if a == nil {
		return ErrUnauthenticated
	}
	if len(caseIDs) == 0 && query == "" {
		return nil
	}
	ids := make([]string, 0, len(caseIDs))
	seen := map[string]bool{}
	for _, id := range caseIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return s.LogRead(ctx, a, view, ids, clip(query, 200))
}

// SearchQuery is the input of Service.Search.
type SearchQuery struct {
	Q     string `json:"q"`               // a reference, a name, a date of birth, a phone number, a vehicle or a postcode
	Limit int    `json:"limit,omitempty"` // at most this many cases (default and most: SearchLimit)
}

// SearchLimit is the most cases one search lists.
const SearchLimit = 50

// SearchResult is what a search found among the cases the searcher may see.
type SearchResult struct {
	Query string `json:"query"`
	// Ref is set when the query was a case reference the searcher may
	// see: the one case it names.
	Ref string `json:"ref,omitempty"`
	// As says what the query was read as: reference, phone, vehicle,
	// postcode, name.
	As   []string    `json:"as"`
	Hits []SearchHit `json:"hits"`
	// More is true when more cases matched than are listed.
	More bool `json:"more"`
	// Note says, in plain words, what was not listed and how to narrow
	// the search, when the search read as many as it may (a date of birth
	// more than BirthDateSearchMost people share).
	Note string `json:"note,omitempty"`
}

// SearchHit is one case found, with who or what on it matched.
type SearchHit struct {
	store.CaseRow
	Matched []string `json:"matched"` // e.g. "Suspect: Adam Smith — phone 07700 900123"
	// Similar is true when a word of the name searched for matched only a
	// spelling variant of it (Muhammad for Mohammed, John for Jon): listed
	// after every exact match, each such name marked "similar name".
	Similar bool `json:"similar,omitempty"`
	// Apart is true when the words of the name searched for are each on
	// the case but no one person there bears them all (Mark Green and
	// Yusuf Okafor, for "Yusuf Green"): listed after every case on which
	// one person does, "Names match different people in this case".
	Apart bool `json:"apart,omitempty"`
}

var (
	outcodeRe  = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]?$`)
	postcodeRe = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$`)
	phoneish   = regexp.MustCompile(`^[+0-9][0-9 ()\-.]{8,}$`)
)

// Search finds the cases the actor may see by reference, name, date of
// birth, phone, vehicle or postcode, and records the search as a read of every case it
// shows, naming the query.
func (s *Service) Search(ctx context.Context, a *Actor, in SearchQuery) (*SearchResult, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	q := strings.TrimSpace(in.Q)
	var p domain.Problems
	switch {
	case q == "":
		p.Add("q", "required", "Enter a case reference, a name, a date of birth, a phone number, a vehicle "+
			"registration or a postcode.")
	case len([]rune(q)) > 100:
		p.Add("q", "too_long", "Enter no more than 100 characters.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit <= 0 || limit > SearchLimit {
		limit = SearchLimit
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	teams := a.visibleTeams(org, nil)
	out := &SearchResult{Query: q, As: []string{}, Hits: []SearchHit{}}
	hits := map[string]*SearchHit{}
	add := func(id, why string) {
		h := hits[id]
		if h == nil {
			h = &SearchHit{CaseRow: store.CaseRow{ID: id}}
			hits[id] = h
		}
		if why != "" && !contains(h.Matched, why) {
			h.Matched = append(h.Matched, why)
		}
	}
	if ref, ok := domain.ParseRef(q); ok {
		out.As = append(out.As, "reference")
		if id, err := s.CaseID(ctx, a, ref); err == nil {
			out.Ref = ref
			add(id, "Reference "+ref)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	var byName map[string]int // how a name search found each case (searchNames)
	up := strings.ToUpper(q)
	term := func(kind, as string, terms []string, why func(store.TermMatch) string) error {
		if len(terms) == 0 {
			return nil
		}
		out.As = append(out.As, as)
		ms, err := f.TermMatches(ctx, kind, terms, teams, 4*limit)
		if err != nil {
			return err
		}
		for _, m := range ms {
			add(m.CaseID, why(m))
		}
		return nil
	}
	shown := func(what string) func(store.TermMatch) string {
		return func(m store.TermMatch) string { return m.Label + " — " + what + " " + m.Shown }
	}
	dob, isDOB := birthDateQuery(q)
	if out.Ref == "" && isDOB {
		if err := s.searchBirthDate(ctx, teams, dob, out, add); err != nil {
			return nil, err
		}
	}
	if out.Ref == "" && !isDOB {
		if phoneish.MatchString(q) {
			if n := audit.NormalisePhone(q); n != "" {
				if err := term(store.TermPhone, "phone", []string{n}, shown("phone")); err != nil {
					return nil, err
				}
			}
		}
		if pc := strings.ReplaceAll(up, " ", ""); postcodeRe.MatchString(pc) {
			if err := term(store.TermPostcode, "postcode", []string{pc}, shown("address")); err != nil {
				return nil, err
			}
		} else if oc := strings.ReplaceAll(up, " ", ""); outcodeRe.MatchString(oc) {
			if err := term(store.TermOutcode, "postcode", []string{oc}, shown("address")); err != nil {
				return nil, err
			}
		}
		if v := audit.NormaliseVehicle(q); v != "" && len(out.As) == 0 {
			if err := term(store.TermVehicle, "vehicle", []string{v}, shown("vehicle")); err != nil {
				return nil, err
			}
		}
		if words := store.NameWords(q); len(words) > 0 && hasLetter(q) && len(out.As) == 0 {
			if byName, err = s.searchNames(ctx, f, teams, words, 4*limit, out, add); err != nil {
				return nil, err
			}
		}
	}
	ids := make([]string, 0, len(hits))
	for id := range hits {
		ids = append(ids, id)
	}
	rows, err := f.CaseRowsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Newest first, the exact matches of a name before its variants',
	// and both before the cases whose words are different people's.
	sort.SliceStable(rows, func(i, j int) bool { return byName[rows[i].ID] < byName[rows[j].ID] })
	for _, r := range rows {
		if !contains(teams, r.TeamID) {
			continue // every finder is asked for teams' cases only: a row of another is never shown
		}
		if len(out.Hits) == limit {
			out.More = true
			break
		}
		h := hits[r.ID]
		sort.Strings(h.Matched)
		out.Hits = append(out.Hits, SearchHit{CaseRow: r, Matched: h.Matched,
			Similar: byName[r.ID] == onePersonSimilar, Apart: byName[r.ID] == apartPeople})
	}
	shownIDs := make([]string, len(out.Hits))
	for i, h := range out.Hits {
		shownIDs[i] = h.ID
	}
	if err := s.RecordRead(ctx, a, ReadSearch, q, shownIDs); err != nil {
		return nil, err
	}
	return out, nil
}

// How a name search found a case (searchNames), best first: the order
// in which the results list them, newest first within each.
const (
	onePerson        = iota // one person bears every word of the name
	onePersonSimilar        // one person bears it, some word as a variant
	apartPeople             // each word is someone's, but no one bears them all
)

// searchNames finds the cases on which one person — a victim, a suspect or
// another person — bears every word of the query, or a spelling variant
// of it (nameVariants), each listed with that person: a name matched by a
// variant alone marked "similar name". The first and last words are found
// together in the index's name pairs (store.TermPair), so a search for
// "Yusuf Green" is one look-up of the pairs its spellings make, not an
// intersection of every Yusuf and every Green; the words between them are
// checked against the person's name as recorded.
//
// After those come the cases on which each word is someone's but no one
// person bears them all (Mark Green and Yusuf Okafor, for "Yusuf Green"),
// marked "Names match different people in this case" (SearchHit.Apart).
// They are listed, not dropped: a detective searching a name wants first
// the cases where that person is, but a family recorded under the wrong
// surname, or a victim and suspect whose names were swapped, is a lead
// they would want to see, and seeing it below every true match, said to be
// a match of different people, misleads no one. A search of one word
// matches one person's name whenever it matches and is as it always was.
//
// It answers how each case was found (onePerson, onePersonSimilar,
// apartPeople).
func (s *Service) searchNames(ctx context.Context, f store.Finder, teams, words []string, limit int,
	out *SearchResult, add func(id, why string)) (map[string]int, error) {
	out.As = append(out.As, "name")
	words = distinct(words)
	variants, err := s.nameVariants(ctx, f, words)
	if err != nil {
		return nil, err
	}
	found := map[string]int{}
	if len(words) > 1 {
		if err := searchPairs(ctx, f, teams, words, variants, 10*limit, found, add); err != nil {
			return nil, err
		}
	}
	const exact, variant = 2, 1
	perCase := map[string]map[string]int{} // case → word → how it matched
	labels := map[string][]string{}
	var alike []string // every variant searched for
	for _, w := range words {
		for _, how := range []int{exact, variant} {
			terms := []string{w}
			if how == variant {
				if terms = variants[w]; len(terms) == 0 {
					continue
				}
				alike = append(alike, terms...)
			}
			ms, err := f.TermMatches(ctx, store.TermName, terms, teams, 10*limit)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if perCase[m.CaseID] == nil {
					perCase[m.CaseID] = map[string]int{}
				}
				perCase[m.CaseID][w] = max(perCase[m.CaseID][w], how)
				for _, l := range strings.Split(m.Label, "; ") {
					if !contains(labels[m.CaseID], l) {
						labels[m.CaseID] = append(labels[m.CaseID], l)
					}
				}
			}
		}
	}
	for id, got := range perCase {
		if len(got) < len(words) {
			continue
		}
		if _, ok := found[id]; ok && len(words) > 1 {
			continue // one person bears the name: listed as that person
		}
		found[id] = onePerson
		if len(words) > 1 {
			found[id] = apartPeople
		}
		for _, how := range got {
			if how == variant && len(words) == 1 {
				found[id] = onePersonSimilar
			}
		}
		for _, l := range labels[id] {
			// Only the people whose name holds one of the words, or a
			// variant: marked when a word is there only as a variant.
			if !nameHasAny(l, words) && !nameHasAny(l, alike) {
				continue
			}
			why := l
			for _, w := range words {
				if !nameHasAny(l, []string{w}) && nameHasAny(l, variants[w]) {
					why = l + " — similar name"
				}
			}
			add(id, why)
		}
	}
	return found, nil
}

// searchPairs finds the cases on which one person's name holds the first
// and the last of words, each or a spelling variant of it, and every word
// between: into found as onePerson or onePersonSimilar, with add naming
// the person.
func searchPairs(ctx context.Context, f store.Finder, teams, words []string, variants map[string][]string,
	limit int, found map[string]int, add func(id, why string)) error {
	first, last := words[0], words[len(words)-1]
	terms := []string{store.PairTerm(first, last)}
	for _, a := range append([]string{first}, variants[first]...) {
		for _, b := range append([]string{last}, variants[last]...) {
			if t := store.PairTerm(a, b); a != b && !contains(terms, t) {
				terms = append(terms, t)
			}
		}
	}
	ms, err := f.TermMatches(ctx, store.TermPair, terms, teams, limit)
	if err != nil {
		return err
	}
	for _, m := range ms {
		for _, l := range strings.Split(m.Label, "; ") {
			how, ok := onePerson, true
			for _, w := range words {
				switch {
				case nameHasAny(l, []string{w}):
				case nameHasAny(l, variants[w]):
					how = onePersonSimilar
				default:
					ok = false // a word between that is not theirs
				}
			}
			if !ok {
				continue
			}
			why := l
			if how == onePersonSimilar {
				why += " — similar name"
			}
			if old, seen := found[m.CaseID]; !seen || how < old {
				found[m.CaseID] = how
			}
			add(m.CaseID, why)
		}
	}
	return nil
}

// distinct is words without repeats, in order.
func distinct(words []string) []string {
	var out []string
	for _, w := range words {
		if !contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// NameVariantsMost is the most spelling variants one word of a name is
// searched by.
const NameVariantsMost = 40

// nameVariants are, for each word of a name, the other words of the find
// index's names said alike (persons.NameKey: Muhammad for Mohammed, Smyth
// for Smith) and its other forms as a given name (persons.NameForms: John
// for Jon), nearest in spelling first (Jaro-Winkler, as the matcher
// compares names). A word whose key is a single sound has no variants:
// "Al" would find every name that starts with a vowel and has an l.
func (s *Service) nameVariants(ctx context.Context, f store.Finder, words []string) (map[string][]string, error) {
	byKey, err := s.nameKeys(ctx, f)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, w := range words {
		var vs []string
		if k := persons.NameKey(w); len(k) >= 2 {
			for _, v := range byKey[k] {
				if v != w {
					vs = append(vs, v)
				}
			}
		}
		for _, v := range persons.NameForms(w) {
			if !contains(vs, v) {
				vs = append(vs, v)
			}
		}
		sort.SliceStable(vs, func(i, j int) bool { return persons.Similarity(w, vs[i]) > persons.Similarity(w, vs[j]) })
		out[w] = vs[:min(len(vs), NameVariantsMost)]
	}
	return out, nil
}

// termLister is a find index that can list its distinct terms of a kind
// (the SQL store's).
type termLister interface {
	DistinctTerms(ctx context.Context, kind string) ([]string, error)
}

// nameKeyIndex keeps the index's name words by key while no case changes.
type nameKeyIndex struct {
	mu    sync.Mutex
	print store.CasesPrint
	byKey map[string][]string
}

var nameKeyIndexes sync.Map // *Service → *nameKeyIndex

// nameKeys are the find index's name words by their phonetic key, read
// once while no case changes (CasesFingerprint), else every time.
func (s *Service) nameKeys(ctx context.Context, f store.Finder) (map[string][]string, error) {
	tl, ok := f.(termLister)
	if !ok {
		return nil, nil
	}
	var print store.CasesPrint
	var ix *nameKeyIndex
	if fp, ok := s.st.(store.CasesFingerprinter); ok {
		var err error
		if print, err = fp.CasesFingerprint(ctx); err != nil {
			return nil, err
		}
		v, _ := nameKeyIndexes.LoadOrStore(s, &nameKeyIndex{})
		ix = v.(*nameKeyIndex)
		ix.mu.Lock()
		byKey, kept := ix.byKey, ix.print == print && ix.byKey != nil
		ix.mu.Unlock()
		if kept {
			return byKey, nil
		}
	}
	terms, err := tl.DistinctTerms(ctx, store.TermName)
	if err != nil {
		return nil, err
	}
	byKey := map[string][]string{}
	for _, t := range terms {
		if k := persons.NameKey(t); len(k) >= 2 {
			byKey[k] = append(byKey[k], t)
		}
	}
	if ix != nil {
		ix.mu.Lock()
		ix.print, ix.byKey = print, byKey
		ix.mu.Unlock()
	}
	return byKey, nil
}

func nameHasAny(label string, words []string) bool {
	_, name, _ := strings.Cut(label, ": ")
	for _, w := range store.NameWords(name) {
		if contains(words, w) {
			return true
		}
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// CaseListQuery is the input of Service.CaseList: filters and a cursor.
type CaseListQuery struct {
	Status  string `json:"status,omitempty"`   // referral | open | closure_proposed | closed
	TeamID  string `json:"team_id,omitempty"`  // one team (or a unit: its teams)
	OwnerID string `json:"owner_id,omitempty"` // one owner
	Overdue bool   `json:"overdue,omitempty"`  // only cases with an overdue duty
	// Before and After are cursors: the page of cases older than the
	// reference Before, or newer than After (a "previous" link).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Limit  int    `json:"limit,omitempty"` // default and most CaseListLimit
}

// CaseListLimit is the most cases one page of the list holds.
const CaseListLimit = 50

// CaseList is one page of the cases the actor may see, newest first.
type CaseList struct {
	Cases []store.CaseRow `json:"cases"`
	// Next is the cursor of the following (older) page, Prev of the
	// preceding (newer) one: "" when there is none.
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// CaseList lists one page of the cases the actor may see, newest first,
// filtered by status, team, owner and overdue duties.
func (s *Service) CaseList(ctx context.Context, a *Actor, in CaseListQuery) (*CaseList, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	var p domain.Problems
	filter := store.CasePageFilter{OwnerID: in.OwnerID}
	switch in.Status {
	case "":
	case string(domain.StatusReferral), string(domain.StatusOpen), string(domain.StatusClosureProposed),
		string(domain.StatusClosed):
		filter.Status = []string{in.Status}
	default:
		p.Add("status", "one_of", "Choose a status from the list.")
	}
	var want []string
	if in.TeamID != "" {
		if org.Units[in.TeamID] == nil {
			p.Add("team_id", "unknown_unit", "Choose a team from the list.")
		}
		o := domain.Org{Units: org.Units}
		for id, u := range org.Units {
			if u.Kind == domain.UnitTeam && o.Within(id, in.TeamID) {
				want = append(want, id)
			}
		}
		if want == nil {
			want = []string{}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	filter.TeamIDs = a.visibleTeams(org, want)
	if in.Overdue {
		filter.OverdueAt = s.clock.Now()
	}
	limit := in.Limit
	if limit <= 0 || limit > CaseListLimit {
		limit = CaseListLimit
	}
	filter.Limit = limit + 1
	out := &CaseList{}
	if in.After != "" && in.Before == "" {
		// The page before: the limit cases just newer than After (and one
		// more, to know whether a newer page remains), newest first.
		filter.After = in.After
		rows, err := f.CasePage(ctx, filter)
		if err != nil {
			return nil, err
		}
		if len(rows) > limit {
			rows = rows[1:]
			out.Prev = rows[0].Ref
		}
		out.Cases = rows
		if len(rows) > 0 {
			out.Next = rows[len(rows)-1].Ref
		}
	} else {
		filter.Before = in.Before
		rows, err := f.CasePage(ctx, filter)
		if err != nil {
			return nil, err
		}
		if len(rows) > limit {
			rows = rows[:limit]
			out.Next = rows[limit-1].Ref
		}
		out.Cases = rows
		if in.Before != "" && len(rows) > 0 {
			out.Prev = rows[0].Ref
		}
	}
	if out.Cases == nil {
		out.Cases = []store.CaseRow{}
	}
	return out, nil
}

// AccessQuery is the input of Service.AccessReport: who read which case.
type AccessQuery struct {
	UserID string    `json:"user_id,omitempty"` // one reader
	Case   string    `json:"case,omitempty"`    // one case, by reference in any spelling
	From   time.Time `json:"from,omitzero"`     // on or after
	To     time.Time `json:"to,omitzero"`       // before
	Before int64     `json:"before,omitempty"`  // cursor: reads recorded before this event
	Limit  int       `json:"limit,omitempty"`   // default and most AccessLimit
}

// AccessLimit is the most reads one page of the access report lists.
const AccessLimit = 100

// AccessReport is one page of the force's reads of cases, newest first.
type AccessReport struct {
	Reads []store.ReadRow `json:"reads"`
	Next  int64           `json:"next,omitempty"` // cursor of the following page
}

// accessReaders may read the force-wide access report: the audit team and
// the inspectorate.
var accessReaders = []domain.Role{domain.RoleAuditor, domain.RoleInspector}

// AccessReport lists who read which case of the actor's force — every case
// opened and every list that showed it — filtered by reader, case and
// date, for the audit team. Reading it is itself a recorded read.
func (s *Service) AccessReport(ctx context.Context, a *Actor, in AccessQuery) (*AccessReport, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("read the access report", accessReaders...); err != nil {
		return nil, err
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	var p domain.Problems
	filter := store.ReadFilter{UserID: in.UserID, From: in.From, To: in.To, BeforeSeq: in.Before}
	if in.UserID != "" && org.Users[in.UserID] == nil {
		p.Add("user_id", "unknown_user", "Choose a person from the list.")
	}
	if in.Case != "" {
		ref, ok := domain.ParseRef(in.Case)
		if !ok {
			p.Add("case", "not_a_reference", "Enter a case reference, like CSE/2025/000123.")
		} else if id, err := s.CaseID(ctx, a, ref); err == nil {
			filter.CaseID = id
		} else if errors.Is(err, ErrNotFound) {
			p.Add("case", "no_such_case", fmt.Sprintf("There is no case %s in your force.", ref))
		} else {
			return nil, err
		}
	}
	if !in.From.IsZero() && !in.To.IsZero() && !in.To.After(in.From) {
		p.Add("to", "before_from", "The end date must be after the start date.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit <= 0 || limit > AccessLimit {
		limit = AccessLimit
	}
	filter.Limit = limit + 1
	var out AccessReport
	o := domain.Org{Units: org.Units}
	force := a.force(org)
	for {
		rows, err := f.Reads(ctx, filter)
		if err != nil {
			return nil, err
		}
		// Only this force's readers and cases (ids of another force's
		// cases never resolve here, and its readers are not this force's).
		for _, r := range rows {
			if len(out.Reads) == limit {
				// A page ends between events, never inside one (a list
				// read names many cases under one sequence number).
				last := out.Reads[limit-1].Seq
				if r.Seq == last {
					keep := len(out.Reads)
					for keep > 0 && out.Reads[keep-1].Seq == last {
						keep--
					}
					if keep > 0 {
						out.Reads = out.Reads[:keep]
						last = out.Reads[keep-1].Seq
					}
				}
				out.Next = last
				break
			}
			u := org.Users[r.UserID]
			if !a.System && u != nil && o.ForceOf(u.UnitID) != force {
				continue
			}
			out.Reads = append(out.Reads, r)
		}
		if out.Next != 0 || len(rows) < filter.Limit {
			break
		}
		filter.BeforeSeq = rows[len(rows)-1].Seq
	}
	if out.Reads == nil {
		out.Reads = []store.ReadRow{}
	}
	ids := make([]string, 0, len(out.Reads))
	for _, r := range out.Reads {
		ids = append(ids, r.CaseID)
	}
	if err := s.RecordRead(ctx, a, ReadAccess, accessQueryText(in), ids); err != nil {
		return nil, err
	}
	return &out, nil
}

func accessQueryText(in AccessQuery) string {
	var parts []string
	if in.UserID != "" {
		parts = append(parts, "reader "+in.UserID)
	}
	if in.Case != "" {
		parts = append(parts, "case "+in.Case)
	}
	if !in.From.IsZero() {
		parts = append(parts, "from "+in.From.Format(time.DateOnly))
	}
	if !in.To.IsZero() {
		parts = append(parts, "to "+in.To.Format(time.DateOnly))
	}
	return strings.Join(parts, ", ")
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
