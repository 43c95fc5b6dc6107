package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
)

// Links: the cases, open and closed, whose suspects share an identifier —
// a name and date of birth, a phone number, a vehicle or an address — as
// audit.SuspectLinks normalises them (docs/links.md). It is the analyst's
// view of a possible network; triage's suspect_shared reason is the same
// linking, seen from one closed case.

// linkReaders may see the links: analysts (whose job it is), auditors,
// managers and inspectors. Each sees only the cases they may see.
var linkReaders = []domain.Role{domain.RoleAnalyst, domain.RoleAuditor, domain.RoleManager, domain.RoleInspector}

// The kinds of identifier, as the API and the pages name them.
const (
	LinkKindNameDOB = "name_dob"
	LinkKindPhone   = "phone"
	LinkKindVehicle = "vehicle"
	LinkKindAddress = "address"
)

// LinkKinds lists the kinds in the order groups of equal size are shown.
var LinkKinds = []string{LinkKindPhone, LinkKindVehicle, LinkKindAddress, LinkKindNameDOB}

// linkKinds maps audit's names for the identifiers to the API's.
var linkKinds = map[string]string{
	audit.LinkNameDOB: LinkKindNameDOB,
	audit.LinkPhone:   LinkKindPhone,
	audit.LinkVehicle: LinkKindVehicle,
	audit.LinkAddress: LinkKindAddress,
}

// LinksQuery narrows the groups. Both are optional.
type LinksQuery struct {
	Kind string `json:"kind,omitempty"` // name_dob | phone | vehicle | address
	Case string `json:"case,omitempty"` // a case reference: only the groups that include it
}

// Links is every group of cases the actor may see whose suspects share an
// identifier.
type Links struct {
	AsOf time.Time `json:"as_of"`
	// Considered counts the cases read: those the actor may see.
	Considered int         `json:"considered"`
	Groups     []LinkGroup `json:"groups"`
}

// LinkGroup is one identifier and the two or more cases with a suspect
// bearing it, open cases first.
type LinkGroup struct {
	Kind string `json:"kind"` // name_dob | phone | vehicle | address
	// Key is the identifier normalised, as it was matched: +447700900123,
	// AB12CDE, "LS1 4AB|12 high street", "adam smith|1980-01-02".
	Key string `json:"key"`
	// Value is the identifier as recorded on the group's first case.
	Value string     `json:"value"`
	Open  int        `json:"open"` // how many of the cases are open
	Cases []LinkCase `json:"cases"`
}

// LinkCase is a case in a group.
type LinkCase struct {
	Ref    string        `json:"ref"`
	Status domain.Status `json:"status"`
	Open   bool          `json:"open"`
	TeamID string        `json:"team_id"`
	Team   string        `json:"team"`
	// Suspect names the suspect bearing the identifier on this case (its
	// description if unnamed; several joined by "; ").
	Suspect string `json:"suspect"`
	// Recorded is the identifier as recorded on this case's suspect.
	Recorded string `json:"recorded"`
}

// Links groups the cases the actor may see by the suspect identifiers
// they share. It writes nothing.
//
// Reads are recorded as the other lists record them: the case list,
// triage and the dashboard stream cases without an event per case, and so
// does this; opening a case from a group is a read of that case
// (ViewCase), recorded.
//
// Cost: one pass over every case projection per call (ScanCases; about
// 2,000 cases in the demo force: tens of milliseconds), holding only the
// identifiers in memory. Nothing is cached: the dashboard's warmed cache
// (WarmDashboard) holds per-team figures, not suspects, and links are
// read by a few analysts, not on every page. If a force grows past that,
// an index of identifier keys kept by the projection is the next step.
func (s *Service) Links(ctx context.Context, a *Actor, q LinksQuery) (*Links, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("see suspects linked across cases", linkReaders...); err != nil {
		return nil, err
	}
	q.Kind, q.Case = strings.TrimSpace(q.Kind), strings.TrimSpace(q.Case)
	var p domain.Problems
	if q.Kind != "" && !contains(LinkKinds, q.Kind) {
		p.Add("kind", "one_of", fmt.Sprintf("kind must be one of %s", strings.Join(LinkKinds, ", ")))
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	if q.Case != "" {
		// Outside the actor's need to know is the same as not there.
		if _, err := s.CaseID(ctx, a, q.Case); err != nil {
			return nil, err
		}
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	force := a.force(org)
	o := domain.Org{Units: org.Units}
	out := &Links{AsOf: s.clock.Now().UTC(), Groups: []LinkGroup{}}
	groups := map[string]*LinkGroup{}
	err = s.st.ScanCases(ctx, func(c *domain.Case) error {
		if !a.CanSee(org, c) || (!a.System && o.ForceOf(c.TeamID) != force) {
			return nil
		}
		out.Considered++
		at := map[string]*LinkCase{} // this case's entry in each group
		for _, su := range c.Suspects {
			for _, l := range audit.SuspectLinks(su) {
				kind := linkKinds[l.Kind]
				if q.Kind != "" && kind != q.Kind {
					continue
				}
				label, recorded := su.Label(60), l.Shown
				if l.Kind == audit.LinkNameDOB {
					recorded = su.Name + ", born " + su.DateOfBirth
				}
				if lc := at[l.Key]; lc != nil {
					// Two suspects of one case with one identifier: one case.
					if !strings.Contains("; "+lc.Suspect+"; ", "; "+label+"; ") {
						lc.Suspect += "; " + label
					}
					continue
				}
				g := groups[l.Key]
				if g == nil {
					_, key, _ := strings.Cut(l.Key, ":") // without the kind's prefix
					g = &LinkGroup{Kind: kind, Key: key}
					groups[l.Key] = g
				}
				g.Cases = append(
					g.Cases,
					LinkCase{Ref: c.Ref, Status: c.Status, Open: c.Status.IsOpen(), TeamID: c.TeamID,
						Team: teamName(org, c.TeamID), Suspect: label, Recorded: recorded},
				)
				at[l.Key] = &g.Cases[len(g.Cases)-1]
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	for _, g := range groups {
		if len(g.Cases) < 2 {
			continue
		}
		if q.Case != "" && !g.has(q.Case) {
			continue
		}
		sort.SliceStable(g.Cases, func(i, j int) bool {
			x, y := g.Cases[i], g.Cases[j]
			if x.Open != y.Open {
				return x.Open
			}
			return x.Ref < y.Ref
		})
		for _, c := range g.Cases {
			if c.Open {
				g.Open++
			}
		}
		g.Value = g.Cases[0].Recorded
		out.Groups = append(out.Groups, *g)
	}
	rank := map[string]int{}
	for i, k := range LinkKinds {
		rank[k] = i
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		x, y := out.Groups[i], out.Groups[j]
		switch {
		case len(x.Cases) != len(y.Cases):
			return len(x.Cases) > len(y.Cases)
		case x.Open != y.Open:
			return x.Open > y.Open
		case x.Kind != y.Kind:
			return rank[x.Kind] < rank[y.Kind]
		}
		return x.Key < y.Key
	})
	return out, nil
}

func (g *LinkGroup) has(ref string) bool {
	for _, c := range g.Cases {
		if c.Ref == ref {
			return true
		}
	}
	return false
}
