package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/network"
	"github.com/holdfast/holdfast/internal/store"
)

// The analyst's network view (issue 19): the component of the POLE index
// around a case — its people, the phones, vehicles and places they bear,
// the other cases whose people bear them too, and the people linked
// across cases (confirmed links merge two records into one person;
// pending ones are drawn dashed) — with the key nominals by degree and
// betweenness. Read from the index, a bounded number of cases deep.

// NetworkCases is the most cases one network view gathers.
const NetworkCases = 40

// NetworkRowsPerPage is how many connections the table lists a page.
const NetworkRowsPerPage = 50

// NetworkKinds are the kinds of object the view can show beside cases and
// people.
var NetworkKinds = []string{store.ObjectPhone, store.ObjectVehicle, store.ObjectAddress}

// NetworkQuery is the input of Service.Network.
type NetworkQuery struct {
	Case string `json:"case"` // the case at the centre, by reference
	// From and To (YYYY-MM-DD, optional) keep only the cases opened in
	// that span; the case at the centre is always shown.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Kinds are the kinds of object shown (phone, vehicle, address); none
	// means all. Objects still join cases when not shown.
	Kinds []string `json:"kinds,omitempty"`
	Page  int      `json:"page,omitempty"` // of the table of connections, from 1
}

// Network is the component around a case.
type Network struct {
	Case  string         `json:"case"`
	Graph *network.Graph `json:"-"`
	Nodes []network.Node `json:"nodes"`
	// Central are the people by betweenness, then degree: the key nominals.
	Central []network.Node `json:"central"`
	// Rows are the connections, a page of them: the table alternative.
	Rows      []NetworkRow `json:"rows"`
	Total     int          `json:"total"` // connections on every page
	Page      int          `json:"page"`
	Pages     int          `json:"pages"`
	Cases     int          `json:"cases"`
	Truncated bool         `json:"truncated"` // more cases were linked than NetworkCases
	// Pending are the possible links awaiting review between the cases
	// shown, each once: the analyst's work list, each to be decided on its
	// case's links page.
	Pending []PendingLink `json:"pending"`
}

// PendingLink is a possible link awaiting review between two cases of a
// network, as the reader may see both.
type PendingLink struct {
	ID          string `json:"id"`
	Case        string `json:"case"` // the reference of the case it is decided from
	PersonLabel string `json:"person_label"`
	OtherCase   string `json:"other_case"`
	OtherLabel  string `json:"other_label"`
	Why         string `json:"why"`
	// CanReview says whether the reader may decide it (mayReviewLink).
	CanReview bool `json:"can_review"`
}

// NetworkRow is one connection, as the table lists it.
type NetworkRow struct {
	From     string `json:"from"`
	FromKind string `json:"from_kind"`
	FromHref string `json:"from_href,omitempty"`
	How      string `json:"how"`
	To       string `json:"to"`
	ToKind   string `json:"to_kind"`
	ToHref   string `json:"to_href,omitempty"`
}

// Network gathers the component around a case from the index: analysts,
// auditors, managers and inspectors, and only the cases they may see.
// Showing it is a read of every case in it, recorded as one event.
func (s *Service) Network(ctx context.Context, a *Actor, q NetworkQuery) (*Network, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("see suspects linked across cases", linkReaders...); err != nil {
		return nil, err
	}
	var p domain.Problems
	day := func(field, label, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, clock.London)
		if err != nil {
			p.Add(field, "date", notARealDate(label))
		}
		return d
	}
	from := day("from", "Cases opened from", strings.TrimSpace(q.From))
	to := day("to", "Cases opened to", strings.TrimSpace(q.To))
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		p.Add("to", "after_from", "The end of the span must be on or after its start.")
	}
	show := map[string]bool{}
	for _, k := range q.Kinds {
		if !contains(NetworkKinds, k) {
			p.Add("kinds", "one_of", "Choose phones, vehicles or addresses.")
			continue
		}
		show[k] = true
	}
	if len(show) == 0 {
		for _, k := range NetworkKinds {
			show[k] = true
		}
	}
	if q.Page < 0 {
		p.Add("page", "min", "page must be 1 or more")
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	ix, err := s.indexer()
	if err != nil {
		return nil, err
	}
	id, err := s.CaseID(ctx, a, refAsWritten(q.Case))
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	// Gather the cases, breadth first from the centre.
	cases := map[string]*domain.Case{}
	var order []string
	out := &Network{}
	frontier := []string{id}
	tried := map[string]bool{id: true}
	for len(frontier) > 0 && len(order) < NetworkCases {
		var kept []string
		for _, cid := range frontier {
			if len(order) >= NetworkCases {
				out.Truncated = true
				break
			}
			c, err := s.st.Case(ctx, cid)
			if err != nil {
				return nil, err
			}
			if !s.canSee(a, org, c) {
				continue
			}
			if cid != id && (!from.IsZero() && c.OpenedAt.Before(from) || !to.IsZero() && !c.OpenedAt.Before(to)) {
				continue
			}
			cases[cid] = c
			order = append(order, cid)
			kept = append(kept, cid)
		}
		objs, err := ix.PoleObjects(ctx, kept)
		if err != nil {
			return nil, err
		}
		var next []string
		bearers, err := ix.PoleBearers(ctx, objs, 50)
		if err != nil {
			return nil, err
		}
		for _, b := range bearers {
			if !tried[b.CaseID] {
				tried[b.CaseID] = true
				next = append(next, b.CaseID)
			}
		}
		for _, cid := range kept {
			for _, l := range cases[cid].Links {
				if l.Outcome != domain.LinkNotSame && !tried[l.OtherCase] {
					tried[l.OtherCase] = true
					next = append(next, l.OtherCase)
				}
			}
		}
		sort.Strings(next)
		if len(order)+len(next) > NetworkCases {
			out.Truncated = true
		}
		frontier = next
	}
	people, err := ix.PolePeople(ctx, order)
	if err != nil {
		return nil, err
	}
	objs, err := ix.PoleObjects(ctx, order)
	if err != nil {
		return nil, err
	}
	g := s.networkGraph(cases, order, people, objs, show)
	g.Measure()
	g.Layout(960, 640)
	out.Case, out.Graph, out.Nodes, out.Cases = cases[id].Ref, g, g.Nodes, len(order)
	out.Central = g.Central("person")
	if len(out.Central) > 10 {
		out.Central = out.Central[:10]
	}
	rows := make([]NetworkRow, 0, len(g.Edges))
	for _, e := range g.Edges {
		a, b := g.Nodes[e.From], g.Nodes[e.To]
		if a.Kind != "person" && b.Kind == "person" {
			a, b = b, a // the person first, then what they are joined to
		}
		rows = append(rows, NetworkRow{From: a.Label, FromKind: a.Kind, FromHref: a.Href, How: e.Label, To: b.Label,
			ToKind: b.Kind, ToHref: b.Href})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].From != rows[j].From {
			return rows[i].From < rows[j].From
		}
		return rows[i].To < rows[j].To
	})
	out.Total, out.Page = len(rows), max(1, q.Page)
	out.Pages = max(1, (len(rows)+NetworkRowsPerPage-1)/NetworkRowsPerPage)
	lo := min(len(rows), (out.Page-1)*NetworkRowsPerPage)
	out.Rows = rows[lo:min(len(rows), lo+NetworkRowsPerPage)]
	out.Pending = s.pendingLinks(a, org, cases, order)
	if err := s.RecordRead(ctx, a, ReadNetwork, out.Case, order); err != nil {
		return nil, err
	}
	return out, nil
}

// pendingLinks lists the links awaiting review between the cases shown,
// each once, from the open side where there is one (whose owner owes the
// review), else from the first case in order.
func (s *Service) pendingLinks(a *Actor, org *domain.OrgState, cases map[string]*domain.Case,
	order []string) []PendingLink {
	out := []PendingLink{}
	seen := map[string]bool{}
	for _, cid := range order {
		c := cases[cid]
		for _, l := range c.Links {
			other := cases[l.OtherCase]
			if l.Outcome != domain.LinkPending || other == nil || seen[l.ID] {
				continue
			}
			seen[l.ID] = true
			from, to, fp, tp := c, other, l.Person, l.OtherPerson
			if !c.Status.IsOpen() && other.Status.IsOpen() {
				from, to, fp, tp = other, c, l.OtherPerson, l.Person
			}
			out = append(out, PendingLink{ID: l.ID, Case: from.Ref,
				PersonLabel: domain.Capitalise(strings.TrimPrefix(personLabel(from, fp), "the ")),
				OtherCase:   to.Ref, OtherLabel: personLabel(to, tp), Why: linkWhy(l),
				CanReview: !s.glass(a, org, from) && a.mayReviewLink(org, from, to) == nil})
		}
	}
	return out
}

// MayUseLinks says whether the actor may see links across cases and the
// network view, and if not, who may.
func (s *Service) MayUseLinks(a *Actor) error {
	if a == nil {
		return ErrUnauthenticated
	}
	return a.need("see suspects linked across cases", linkReaders...)
}

// ReadNetwork is the view the network is read through.
const ReadNetwork = "network"

// networkGraph draws the cases' people and objects: a person linked to
// another by a confirmed link is one node; a pending link is a dashed edge.
func (s *Service) networkGraph(cases map[string]*domain.Case, order []string, people []store.PoleCandidate,
	objs []store.PoleKey, show map[string]bool) *network.Graph {
	// One node for people joined by confirmed links (union-find).
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		return x
	}
	key := func(c, p string) string { return c + "/" + p }
	for _, cid := range order {
		for _, l := range cases[cid].Links {
			if l.Outcome == domain.LinkConfirmed && cases[l.OtherCase] != nil {
				a, b := find(key(cid, l.Person)), find(key(l.OtherCase, l.OtherPerson))
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	names := map[string][]string{}
	for _, p := range people {
		r := find(key(p.CaseID, p.PersonID))
		n := strings.TrimSpace(p.Name)
		if n == "" {
			n = "Unnamed " + p.Role
		}
		if !contains(names[r], n) {
			names[r] = append(names[r], n)
		}
	}
	g := &network.Graph{}
	for _, cid := range order {
		c := cases[cid]
		g.Add("case:"+cid, "case", c.Ref, "/cases/"+strings.ReplaceAll(c.Ref, "/", "-"))
	}
	for _, p := range people {
		r := find(key(p.CaseID, p.PersonID))
		pi := g.Add("person:"+r, "person", strings.Join(names[r], " / "), "")
		role := p.Role
		switch role {
		case "victim", "suspect":
		default:
			role = strings.ToLower(domain.PersonRoleLabel(role))
		}
		g.Join(pi, g.Index("case:"+p.CaseID), role, false)
	}
	for _, o := range objs {
		pi := g.Index("person:" + find(key(o.CaseID, o.PersonID)))
		if !show[o.Kind] {
			continue
		}
		label := o.Shown
		if label == "" {
			label = o.Key
		}
		oi := g.Index(o.Kind + ":" + o.Key)
		if oi < 0 {
			oi = g.Add(o.Kind+":"+o.Key, o.Kind, label, "")
		}
		g.Join(pi, oi, "bears this "+o.Kind, false)
	}
	for _, cid := range order {
		for _, l := range cases[cid].Links {
			if l.Outcome != domain.LinkPending || cases[l.OtherCase] == nil {
				continue
			}
			a := g.Index("person:" + find(key(cid, l.Person)))
			b := g.Index("person:" + find(key(l.OtherCase, l.OtherPerson)))
			g.Join(a, b, "possible link: "+linkWhy(l), true)
		}
	}
	return g
}
