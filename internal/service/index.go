package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// Matching a person against the POLE index (docs/persons.md#the-index):
// the person's blocking keys and the objects they bear are looked up in
// the index (each key one bounded range of an index), and the people
// found are scored with the stored Fellegi–Sunter model. It runs when a
// person is recorded, not in a nightly batch.

// matchModel is the stored model, decoded once.
var matchModel = sync.OnceValue(persons.DefaultModel)

// MatchThreshold is the least match probability at which two people on
// cases of different teams (or an open case and a closed one) are put to
// their owners as possibly one person by the shipped policy
// (policy.DefaultLinkAlertAt); the policy in force says (raisable).
const MatchThreshold = policy.DefaultLinkAlertAt

// MatchOffered is the least probability a match is offered at to an
// officer who asks for a person's matches.
const MatchOffered = 0.5

// matchPerKey is the most people one key may lead to: a key borne more
// widely ("john" with family initial "s" in a national index) says little
// and would make the lookup unbounded, so it is skipped; the other keys
// must find the person.
const matchPerKey = 200

// indexer is the store's POLE index.
func (s *Service) indexer() (store.Indexer, error) {
	ix, ok := s.st.(store.Indexer)
	if !ok {
		return nil, fmt.Errorf("the %s store keeps no index of people", s.st.Engine())
	}
	return ix, nil
}

// indexMatch is a person in the index scored against another.
type indexMatch struct {
	store.PoleCandidate
	Probability float64
	Weight      float64
	Terms       []persons.Term
	// Shared names the objects both bear: phone, vehicle, address.
	Shared []string
}

// personEntry is person id of c as the index holds them, with their keys.
func personEntry(c *domain.Case, id string) (store.PolePerson, []store.PoleKey, bool) {
	people, keys, _ := store.PoleEntries(c)
	for _, p := range people {
		if p.PersonID == id {
			var mine []store.PoleKey
			for _, k := range keys {
				if k.PersonID == id {
					mine = append(mine, k)
				}
			}
			return p, mine, true
		}
	}
	return store.PolePerson{}, nil, false
}

// matchIndex scores the people of other cases in the index who share a
// blocking key or an object with p: those at least min probable, or
// bearing an object p bears, strongest first.
func matchIndex(ctx context.Context, ix store.Indexer, p store.PolePerson, keys []store.PoleKey,
	min float64) ([]indexMatch, error) {
	cands, err := ix.PoleCandidates(ctx, keys, matchPerKey)
	if err != nil {
		return nil, err
	}
	m := storedModel(ctx, ix)
	rec := p.Record()
	var out []indexMatch
	for _, c := range cands {
		if c.CaseID == p.CaseID {
			continue
		}
		var shared []string
		if p.Phone != "" && p.Phone == c.Phone {
			shared = append(shared, store.ObjectPhone)
		}
		if p.Vehicle != "" && p.Vehicle == c.Vehicle {
			shared = append(shared, store.ObjectVehicle)
		}
		if p.Postcode != "" && p.Postcode == c.Postcode && p.Address == c.Address {
			shared = append(shared, store.ObjectAddress)
		}
		var pair persons.Pair
		var terms []persons.Term
		if strings.TrimSpace(p.Name) != "" && strings.TrimSpace(c.Name) != "" {
			pair, terms = m.Score(rec, c.Record())
		}
		if pair.Probability < min && len(shared) == 0 {
			continue
		}
		out = append(out, indexMatch{PoleCandidate: c, Probability: pair.Probability, Weight: pair.Weight,
			Terms: terms, Shared: shared})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Probability != out[j].Probability {
			return out[i].Probability > out[j].Probability
		}
		if out[i].Case.Ref != out[j].Case.Ref {
			return out[i].Case.Ref < out[j].Case.Ref
		}
		return out[i].PersonID < out[j].PersonID
	})
	return out, nil
}

// MatchesQuery is the input of Service.PersonMatches.
type MatchesQuery struct {
	Case   string `json:"case"`   // the case's reference
	Person string `json:"person"` // the victim's, suspect's or person's id on it
	// Page is the page of MatchesPerPage matches wanted, from 1 (one past the
	// last gives the last); 0 lists every match at once (the API's
	// default). Only the matches listed are read, and the read recorded.
	Page int `json:"page,omitempty"`
}

// MatchesPerPage is how many matches one page of a person's matches holds.
const MatchesPerPage = 20

// PersonMatches is the index's likely matches for one person on a case.
type PersonMatches struct {
	Case   string `json:"case"`
	Person string `json:"person"`
	Name   string `json:"name"`
	// Role is the person's on the case (victim, suspect, or a person's
	// role), and Described their description when they have no name.
	Role      string `json:"role"`
	Described string `json:"described,omitempty"`
	// Matches are this page's (every match with Page 0), strongest first.
	Matches []PersonMatch `json:"matches"`
	// Total counts the matches on every page; Page and Pages say which
	// page this is, of how many (both 1 when every match is listed).
	Total int      `json:"total"`
	Page  int      `json:"page"`
	Pages int      `json:"pages"`
	Model []string `json:"model"` // the comparisons the model makes, in order
}

// PersonMatch is one person in the index who may be the person asked
// about. On a case the reader may not see, only "a case in another team"
// and whom to ask are given: Visible is false and the case, the person and
// the explanation are left out.
type PersonMatch struct {
	Visible  bool          `json:"visible"`
	Ref      string        `json:"ref,omitempty"`
	Status   domain.Status `json:"status,omitempty"`
	Team     string        `json:"team"`
	PersonID string        `json:"person_id,omitempty"`
	Role     string        `json:"role,omitempty"`
	Name     string        `json:"name,omitempty"`
	DOB      string        `json:"dob,omitempty"`
	// Described is the person's description when they have no name, as
	// recorded on their case ("" when it holds none either).
	Described   string         `json:"described,omitempty"`
	Probability float64        `json:"probability"`
	Shared      []string       `json:"shared,omitempty"`
	Terms       []persons.Term `json:"terms,omitempty"`
	// Ask names whom to ask about a case the reader may not see: its
	// team's supervisor, by name and rank.
	Ask string `json:"ask,omitempty"`
}

// PersonMatches lists the index's likely matches for a person on a case
// the actor may see: strongest first, every one or a page of them, those
// on cases they may not see given only as "a case in another team" and
// whom to ask. Showing them is a read of the cases named on the page
// (only those: the page of 20 read every matched case, shown or not),
// recorded as one event.
func (s *Service) PersonMatches(ctx context.Context, a *Actor, q MatchesQuery) (*PersonMatches, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if q.Page < 0 {
		var p domain.Problems
		p.Add("page", "min", "Choose a page of 1 or more.")
		return nil, fmt.Errorf("matches: %w", p.Err())
	}
	id, err := s.CaseID(ctx, a, strings.TrimSpace(q.Case))
	if err != nil {
		return nil, err
	}
	c, err := s.st.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	p, keys, ok := personEntry(c, q.Person)
	if !ok {
		return nil, fmt.Errorf("matches: no person %q on %s: %w", q.Person, c.Ref, ErrNotFound)
	}
	ix, err := s.indexer()
	if err != nil {
		return nil, err
	}
	ms, err := matchIndex(ctx, ix, p, keys, MatchOffered)
	if err != nil {
		return nil, fmt.Errorf("matches: %w", err)
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	out := &PersonMatches{Case: c.Ref, Person: p.PersonID, Name: p.Name, Role: p.Role,
		Described: described(c, p.PersonID), Matches: []PersonMatch{}, Total: len(ms), Page: 1, Pages: 1,
		Model: storedModel(ctx, ix).Comparisons()}
	if q.Page > 0 {
		out.Pages = max(1, (len(ms)+MatchesPerPage-1)/MatchesPerPage)
		out.Page = min(q.Page, out.Pages)
		from := (out.Page - 1) * MatchesPerPage
		ms = ms[from:min(len(ms), from+MatchesPerPage)]
	}
	read := []string{c.ID}
	for _, m := range ms {
		pm := s.shownMatch(a, org, m)
		if pm.Visible {
			read = append(read, m.CaseID)
			if pm.Name == "" {
				mc, err := s.st.Case(ctx, m.CaseID)
				if err != nil {
					return nil, err
				}
				pm.Described = described(mc, m.PersonID)
			}
		}
		out.Matches = append(out.Matches, pm)
	}
	what := c.Ref + " " + p.PersonID
	if out.Page > 1 {
		what += fmt.Sprintf(" page %d", out.Page)
	}
	if err := s.RecordRead(ctx, a, ReadMatches, what, read); err != nil {
		return nil, err
	}
	return out, nil
}

// described is the description of person id of c when they have no name:
// only a suspect may be recorded without one.
func described(c *domain.Case, id string) string {
	for _, s := range c.Suspects {
		if s.ID == id && strings.TrimSpace(s.Name) == "" {
			return strings.Join(strings.Fields(s.Description), " ")
		}
	}
	return ""
}

// ReadMatches is the view a person's matches are read through.
const ReadMatches = "matches"

// shownMatch is m as the actor may see it.
func (s *Service) shownMatch(a *Actor, org *domain.OrgState, m indexMatch) PersonMatch {
	pm := PersonMatch{Probability: m.Probability, Shared: m.Shared, Team: teamName(org, m.Case.TeamID)}
	if !s.canSee(a, org, &domain.Case{ID: m.CaseID, TeamID: m.Case.TeamID}) {
		pm.Team = "a case in another team"
		pm.Ask = domain.PersonName(org.Users[duty.Supervisor(org, m.Case.TeamID)])
		return pm
	}
	pm.Visible, pm.Ref, pm.Status = true, m.Case.Ref, m.Case.Status
	pm.PersonID, pm.Role, pm.Name, pm.DOB, pm.Terms = m.PersonID, m.Role, m.Name, m.DOB, m.Terms
	return pm
}
