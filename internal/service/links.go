package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
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

// LinksQuery narrows the groups. Every field is optional.
type LinksQuery struct {
	Kind string `json:"kind,omitempty"` // name_dob | phone | vehicle | address
	Case string `json:"case,omitempty"` // a case reference: only the groups that include it
	// Key is one identifier, as a group's key (with Kind): only its group.
	Key string `json:"key,omitempty"`
	// Page is the page of LinksPerPage groups wanted, from 1; 0 lists
	// every group at once (the API's default).
	Page int `json:"page,omitempty"`
	// Most is the most cases listed in each group (0: all); a group's
	// Size says how many it has.
	Most int `json:"most,omitempty"`
}

// LinksPerPage is how many groups one page of links holds.
const LinksPerPage = 20

// Links is the groups of cases the actor may see whose suspects share an
// identifier: every group, or one page of them.
type Links struct {
	AsOf time.Time `json:"as_of"`
	// Considered counts the cases looked through: those the actor may see.
	Considered int         `json:"considered"`
	Groups     []LinkGroup `json:"groups"`
	// Total counts the groups on every page; Page and Pages say which
	// page this is, of how many (both 1 when every group is listed).
	Total int `json:"total"`
	Page  int `json:"page"`
	Pages int `json:"pages"`
}

// LinkGroup is one identifier and the two or more cases with a suspect
// bearing it, open cases first.
type LinkGroup struct {
	Kind string `json:"kind"` // name_dob | phone | vehicle | address
	// Key is the identifier normalised, as it was matched: +447700900123,
	// AB12CDE, "LS1 4AB|12 high street", "adam smith|1980-01-02".
	Key string `json:"key"`
	// Value is the identifier as recorded on the group's first case.
	Value string `json:"value"`
	Open  int    `json:"open"` // how many of the cases are open
	Size  int    `json:"size"` // how many cases in all (Cases may list fewer: LinksQuery.Most)
	// Cases are the group's cases, open first: all, or the first Most.
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

// linkPrefix is the find index's key prefix of each kind (audit.SuspectLinks).
var linkPrefix = map[string]string{
	LinkKindNameDOB: "name:",
	LinkKindPhone:   audit.LinkPhone + ":",
	LinkKindVehicle: audit.LinkVehicle + ":",
	LinkKindAddress: audit.LinkAddress + ":",
}

// Links groups the cases the actor may see by the suspect identifiers
// they share, largest groups first, then those with most open cases.
//
// It reads the find index the store keeps of every case's suspect
// identifiers (store.CaseTerms: audit.SuspectLinks' keys), grouped in the
// database, and then the cases of the one page asked for: never every case
// document. Showing the groups is a read of the suspects of every case
// listed, recorded as one event naming them and the filter.
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
		p.Add("kind", "one_of", "Choose what the cases are linked by from the list: "+
			"a phone, a vehicle, an address, or a name and date of birth.")
	}
	if q.Page < 0 {
		p.Add("page", "min", "Choose a page of 1 or more.")
	}
	if q.Key != "" && q.Kind == "" {
		p.Add("kind", "required", "Choose what the identifier is: a phone, a vehicle, "+
			"an address, or a name and date of birth.")
	}
	filter := store.LinkFilter{Kind: linkPrefix[q.Kind]}
	if q.Key != "" {
		filter.Term = linkPrefix[q.Kind] + q.Key
	}
	if q.Case != "" {
		// Outside the actor's need to know is the same as not there, and
		// both are refused on the form, as the network page does (a
		// mistyped reference was "Page not found", the form lost).
		id, err := s.CaseID(ctx, a, refAsWritten(q.Case))
		switch {
		case errors.Is(err, ErrNotFound):
			p.Add("case", "exists", "There is no case "+q.Case+
				" that you may see: check the reference, for example CSE/2025/000123 or 2025/123")
		case err != nil:
			return nil, err
		}
		filter.CaseID = id
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	filter.TeamIDs = a.visibleTeams(org, nil)
	out := &Links{AsOf: s.clock.Now().UTC(), Groups: []LinkGroup{}, Page: 1, Pages: 1}
	all, considered, err := s.linkGroups(ctx, f, filter)
	if err != nil {
		return nil, err
	}
	out.Considered, out.Total = considered, len(all)
	groups := all
	if q.Page > 0 {
		out.Page, out.Pages = q.Page, max(1, (len(all)+LinksPerPage-1)/LinksPerPage)
		from := min(len(all), (q.Page-1)*LinksPerPage)
		groups = all[from:min(len(all), from+LinksPerPage)]
	}
	keys := make([]string, len(groups))
	for i, g := range groups {
		keys[i] = g.Key
	}
	members, err := f.LinkMembers(ctx, keys, filter.TeamIDs)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	byKey := map[string][]LinkCase{}
	ids := map[string]string{} // ref → id
	for _, m := range members {
		r := m.CaseRow
		byKey[m.Key] = append(byKey[m.Key], LinkCase{Ref: r.Ref, Status: r.Status, Open: r.Status.IsOpen(),
			TeamID: r.TeamID, Team: teamName(org, r.TeamID), Suspect: m.Label, Recorded: m.Shown})
		ids[r.Ref] = r.ID
	}
	var read []string
	kindOf := map[string]string{}
	for k, pre := range linkPrefix {
		kindOf[pre] = k
	}
	for _, g := range groups {
		cs := byKey[g.Key]
		sort.SliceStable(cs, func(i, j int) bool {
			if cs[i].Open != cs[j].Open {
				return cs[i].Open
			}
			return cs[i].Ref < cs[j].Ref
		})
		pre, key, _ := strings.Cut(g.Key, ":")
		lg := LinkGroup{Kind: kindOf[pre+":"], Key: key, Open: g.Open, Size: len(cs), Cases: cs}
		if len(cs) > 0 {
			lg.Value = cs[0].Recorded
		}
		if q.Most > 0 && len(cs) > q.Most {
			lg.Cases = cs[:q.Most]
		}
		for _, c := range lg.Cases {
			read = append(read, ids[c.Ref])
		}
		out.Groups = append(out.Groups, lg)
	}
	query := strings.TrimSpace(strings.Join([]string{q.Kind, q.Key, q.Case}, " "))
	if q.Page > 1 {
		query = strings.TrimSpace(fmt.Sprintf("%s page %d", query, q.Page))
	}
	if err := s.RecordRead(ctx, a, ReadLinks, query, read); err != nil {
		return nil, err
	}
	return out, nil
}

// linkCache keeps every group of a query (who may see what, and the
// filter) while no case changes: grouping every case's identifiers is the
// cost of the page, and the groups change only when a case does.
type linkCache struct {
	mu      sync.Mutex
	entries map[string]linkKept
}

type linkKept struct {
	print      store.CasesPrint
	groups     []store.LinkGroupRow
	considered int
}

var linkCaches sync.Map // *Service → *linkCache

// linkGroups lists every group of filter and counts the cases considered,
// from the cache while the cases' fingerprint stays the same.
func (s *Service) linkGroups(ctx context.Context, f store.Finder, filter store.LinkFilter) (
	[]store.LinkGroupRow, int, error) {
	fp, ok := s.st.(store.CasesFingerprinter)
	var print store.CasesPrint
	key := ""
	var c *linkCache
	if ok {
		var err error
		if print, err = fp.CasesFingerprint(ctx); err != nil {
			return nil, 0, err
		}
		teams := append([]string(nil), filter.TeamIDs...)
		sort.Strings(teams)
		key = strings.Join(append(teams, "|"+filter.Kind, filter.Term, filter.CaseID), ",")
		v, _ := linkCaches.LoadOrStore(s, &linkCache{entries: map[string]linkKept{}})
		c = v.(*linkCache)
		c.mu.Lock()
		k, hit := c.entries[key]
		c.mu.Unlock()
		if hit && k.print == print {
			return k.groups, k.considered, nil
		}
	}
	filter.Offset, filter.Limit = 0, 0
	groups, _, err := f.LinkGroups(ctx, filter)
	if err != nil {
		return nil, 0, fmt.Errorf("links: %w", err)
	}
	considered, err := f.CountCases(ctx, filter.TeamIDs)
	if err != nil {
		return nil, 0, err
	}
	if c != nil {
		c.mu.Lock()
		if len(c.entries) >= 64 {
			c.entries = map[string]linkKept{}
		}
		c.entries[key] = linkKept{print: print, groups: groups, considered: considered}
		c.mu.Unlock()
	}
	return groups, considered, nil
}

// refAsWritten is a case reference typed into a form, as the record writes
// it if domain.ParseRef reads it (2025/123 is CSE/2025/000123), else as
// typed, so a reference it cannot read is simply not found.
func refAsWritten(s string) string {
	if r, ok := domain.ParseRef(s); ok {
		return r
	}
	return strings.TrimSpace(s)
}
