package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
//
// Within it, a network is a group of people joined to one another by a
// phone, vehicle or address they share or by a possible link, spanning
// more than one case. The view counts them all and shows one at a time,
// largest first, so that what is read (and recorded as read) is what the
// page shows: the key people and one network, not every case gathered.

// NetworkCases is the most cases one network view gathers.
const NetworkCases = 40

// NetworkPendingShown is the most possible links one page lists; the
// rest are on each case's links page.
const NetworkPendingShown = 10

// NetworkPeoplePerPage is the most people of a network one page lists: a
// network larger than that (the demo's largest has over 200 records) is
// shown a page of its people at a time, with what they bear.
const NetworkPeoplePerPage = 20

// NetworkDrawnMost is the most nodes drawn: past it a drawing is a tangle
// that says less than the tables.
const NetworkDrawnMost = 40

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
	// Kinds are the kinds of object that join people into networks and
	// are shown (phone, vehicle, address); none means all. Objects still
	// gather cases when not shown.
	Kinds []string `json:"kinds,omitempty"`
	Page  int      `json:"page,omitempty"` // the network shown, from 1, largest first
}

// Network is the component around a case: counts of all of it, its key
// people, and one of its networks in full.
type Network struct {
	Case      string `json:"case"`
	Cases     int    `json:"cases"`
	Truncated bool   `json:"truncated"` // more cases were linked than NetworkCases
	People    int    `json:"people"`    // people on the cases, a confirmed link's records as one
	Shared    int    `json:"shared"`    // phones, vehicles and addresses borne by more than one person or case
	Pending   int    `json:"pending"`   // possible links awaiting review between the cases
	// Networks are every network's counts, largest first: the page's
	// summary, naming no one.
	Networks []NetworkSummary `json:"networks"`
	Page     int              `json:"page"`
	Pages    int              `json:"pages"`
	// Shown is the network of Page in full; nil when there is none.
	Shown *NetworkGroup `json:"shown,omitempty"`
}

// NetworkSummary counts one network.
type NetworkSummary struct {
	Number      int       `json:"number"`
	Page        int       `json:"page"` // the first page showing it
	People      int       `json:"people"`
	Cases       int       `json:"cases"`
	Identifiers int       `json:"identifiers"` // shared phones, vehicles and addresses
	Pending     int       `json:"pending"`
	Newest      time.Time `json:"newest"` // when its newest case was opened
}

// NetworkGroup is one network, or a page of a large one's people: their
// cases, their role on each, what they share, and the links awaiting
// review that touch them.
type NetworkGroup struct {
	NetworkSummary
	From     int           `json:"from"`      // the number of its first person shown, from 1
	CaseList []NetworkCase `json:"case_list"` // newest first
	// Members are its people, the key nominals first: those most paths
	// between others pass through (betweenness), then the most connected.
	Members  []NetworkPerson `json:"members"`
	Objects  []SharedObject  `json:"objects"`
	Links    []PendingLink   `json:"links"`    // at most NetworkPendingShown
	Unlisted int             `json:"unlisted"` // possible links awaiting review beyond Links
	Graph    *network.Graph  `json:"-"`        // laid out to be drawn
	links    []PendingLink   // every one in the network
}

// NetworkCase is a case of a network.
type NetworkCase struct {
	Ref    string    `json:"ref"`
	Opened time.Time `json:"opened"`
	node   int
}

// NetworkPerson is a person of a network and what they are on each case.
type NetworkPerson struct {
	Name        string        `json:"name"`
	On          []NetworkRole `json:"on"`
	Degree      int           `json:"degree"`
	Betweenness float64       `json:"betweenness"`
	Records     int           `json:"records"` // their records, one per case, joined by confirmed links
	node        int
	cases       []int // nodes of the cases they are on
}

// NetworkRole is a person's role on one case ("Suspect").
type NetworkRole struct {
	Case string `json:"case"`
	Role string `json:"role"`
}

// SharedObject is a phone, vehicle or address and the people bearing it.
type SharedObject struct {
	Kind  string          `json:"kind"`
	Shown string          `json:"shown"`
	By    []NetworkBearer `json:"by"`
	node  int
	// bearers are the people bearing it, and the cases they are on
	bearers, cases []int
}

// NetworkBearer is a name borne by people bearing a shared object, and
// the cases they are on.
type NetworkBearer struct {
	Name  string   `json:"name"`
	Cases []string `json:"cases"`
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
	// node and other are the person nodes it joins, to place it in a
	// network and on the page of either.
	node, other int
}

// Network gathers the component around a case from the index: analysts,
// auditors, managers and inspectors, and only the cases they may see. It
// counts every network in it and gives the page q.Page asks for (one
// network, or NetworkPeoplePerPage of a large one's people): a read of the
// centre and of the cases that page names people on, recorded as one event.
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
		p.Add("to", "after_from", "Cases opened to must be the same as or after cases opened from")
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
	// A case the actor may not see is refused in the same words as one
	// that does not exist, with the rest of what is wrong with the query.
	ref := refAsWritten(q.Case)
	id, err := s.CaseID(ctx, a, ref)
	switch {
	case errors.Is(err, ErrNotFound):
		p.Add("case", "exists", "There is no case "+strings.TrimSpace(q.Case)+
			" that you may see: check the reference, for example CSE/2025/000123 or 2025/123")
	case err != nil:
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	ix, err := s.indexer()
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
	g, nodeOf := s.networkGraph(cases, order, people, objs, show)
	g.Measure()
	out.Case, out.Cases = cases[id].Ref, len(order)
	pending := s.pendingLinks(a, org, cases, order, nodeOf)
	groups := networkGroups(g, cases, people, objs, show, nodeOf, pending)
	out.Pending = len(pending)
	for _, nd := range g.Nodes {
		out.People += b2i(nd.Kind == "person")
	}
	for _, gr := range groups {
		out.Shared += gr.Identifiers
		out.Networks = append(out.Networks, gr.NetworkSummary)
	}
	out.Pages = 1
	if n := len(groups); n > 0 {
		out.Pages = groups[n-1].Page + (groups[n-1].People-1)/NetworkPeoplePerPage
	}
	out.Page = min(max(1, q.Page), out.Pages)
	// What the page shows is what is recorded as read: the centre (whose
	// counts it gives) and the cases of the people it names.
	read := []string{id}
	for i, gr := range groups {
		if i+1 < len(groups) && groups[i+1].Page <= out.Page {
			continue
		}
		if gr.Page <= out.Page {
			out.Shown = networkPart(g, gr, (out.Page-gr.Page)*NetworkPeoplePerPage)
			for _, c := range out.Shown.CaseList {
				read = append(read, strings.TrimPrefix(g.Nodes[c.node].ID, "case:"))
			}
		}
		break
	}
	if err := s.RecordRead(ctx, a, ReadNetwork, out.Case, read); err != nil {
		return nil, err
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// networkGroups splits the component into its networks: people joined by
// a shared phone, vehicle or address (of the kinds shown) or by a
// possible link, spanning two cases or more (a person whose records a
// confirmed link made one counts as joining their cases). Largest first
// (by cases, then people), then newest; each numbered, with its first page.
func networkGroups(g *network.Graph, cases map[string]*domain.Case, people []store.PoleCandidate,
	objs []store.PoleKey, show map[string]bool, nodeOf func(c, p string) int, pending []PendingLink) []*NetworkGroup {
	parent := make([]int, len(g.Nodes))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, e := range g.Edges {
		if g.Nodes[e.From].Kind != "case" && g.Nodes[e.To].Kind != "case" {
			parent[find(e.From)] = find(e.To)
		}
	}
	// Each person's roles, each object's bearers, by node.
	roles := map[int][]NetworkRole{}
	caseNode := map[int][]int{}
	for _, p := range people {
		n := nodeOf(p.CaseID, p.PersonID)
		c := cases[p.CaseID]
		r := NetworkRole{Case: c.Ref, Role: personRole(p.Role)}
		if !slices.Contains(roles[n], r) {
			roles[n] = append(roles[n], r)
		}
		if ci := g.Index("case:" + p.CaseID); !slices.Contains(caseNode[n], ci) {
			caseNode[n] = append(caseNode[n], ci)
		}
	}
	bearers := map[int][]int{}
	objCases := map[int]map[string]bool{}
	for _, o := range objs {
		oi := g.Index(o.Kind + ":" + o.Key)
		if !show[o.Kind] || oi < 0 {
			continue
		}
		if pn := nodeOf(o.CaseID, o.PersonID); !slices.Contains(bearers[oi], pn) {
			bearers[oi] = append(bearers[oi], pn)
		}
		if objCases[oi] == nil {
			objCases[oi] = map[string]bool{}
		}
		objCases[oi][o.CaseID] = true
	}
	byRoot := map[int]*NetworkGroup{}
	var order []int
	for i, nd := range g.Nodes {
		if nd.Kind == "case" {
			continue
		}
		r := find(i)
		gr := byRoot[r]
		if gr == nil {
			gr = &NetworkGroup{}
			byRoot[r] = gr
			order = append(order, r)
		}
		if nd.Kind != "person" {
			if len(bearers[i]) < 2 && len(objCases[i]) < 2 {
				continue // borne by one person on one case: joins nothing
			}
			obj := SharedObject{Kind: nd.Kind, Shown: nd.Label, node: i, bearers: bearers[i]}
			for _, b := range bearers[i] {
				at := slices.IndexFunc(obj.By, func(nb NetworkBearer) bool { return nb.Name == g.Nodes[b].Label })
				if at < 0 {
					at = len(obj.By)
					obj.By = append(obj.By, NetworkBearer{Name: g.Nodes[b].Label})
				}
				for _, r := range roles[b] {
					if !slices.Contains(obj.By[at].Cases, r.Case) {
						obj.By[at].Cases = append(obj.By[at].Cases, r.Case)
					}
				}
				obj.cases = append(obj.cases, caseNode[b]...)
			}
			gr.Objects = append(gr.Objects, obj)
			continue
		}
		gr.Members = append(gr.Members, NetworkPerson{Name: nd.Label, On: roles[i], Degree: nd.Degree,
			Betweenness: nd.Betweenness, Records: len(caseNode[i]), node: i, cases: caseNode[i]})
		for _, ci := range caseNode[i] {
			if !slices.ContainsFunc(gr.CaseList, func(c NetworkCase) bool { return c.node == ci }) {
				c := cases[strings.TrimPrefix(g.Nodes[ci].ID, "case:")]
				gr.CaseList = append(gr.CaseList, NetworkCase{Ref: c.Ref, Opened: c.OpenedAt, node: ci})
			}
		}
	}
	for _, l := range pending {
		if gr := byRoot[find(l.node)]; gr != nil {
			gr.Pending++
			gr.links = append(gr.links, l)
		}
	}
	var out []*NetworkGroup
	for _, r := range order {
		gr := byRoot[r]
		if len(gr.CaseList) < 2 {
			continue
		}
		gr.People, gr.Cases, gr.Identifiers = len(gr.Members), len(gr.CaseList), len(gr.Objects)
		sort.SliceStable(gr.CaseList, func(i, j int) bool { return gr.CaseList[i].Opened.After(gr.CaseList[j].Opened) })
		gr.Newest = gr.CaseList[0].Opened
		sort.SliceStable(gr.Members, func(i, j int) bool {
			a, b := gr.Members[i], gr.Members[j]
			switch {
			case a.Betweenness != b.Betweenness:
				return a.Betweenness > b.Betweenness
			case a.Degree != b.Degree:
				return a.Degree > b.Degree
			}
			return a.Name < b.Name
		})
		sort.SliceStable(gr.Objects, func(i, j int) bool {
			a, b := gr.Objects[i], gr.Objects[j]
			if len(a.bearers) != len(b.bearers) {
				return len(a.bearers) > len(b.bearers)
			}
			return a.Kind+a.Shown < b.Kind+b.Shown
		})
		out = append(out, gr)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Cases != b.Cases:
			return a.Cases > b.Cases
		case a.People != b.People:
			return a.People > b.People
		}
		return a.Newest.After(b.Newest)
	})
	page := 1
	for i, gr := range out {
		gr.Number, gr.Page = i+1, page
		page += (gr.People + NetworkPeoplePerPage - 1) / NetworkPeoplePerPage
	}
	return out
}

// networkPart is the page of gr's people from the from-th (from 0), with
// the cases they are on, what they share and the links that touch them:
// all that page shows, and so all it reads.
func networkPart(g *network.Graph, gr *NetworkGroup, from int) *NetworkGroup {
	part := &NetworkGroup{NetworkSummary: gr.NetworkSummary, From: from + 1,
		Members: gr.Members[from:min(len(gr.Members), from+NetworkPeoplePerPage)]}
	shown := map[int]bool{}
	var nodes []int
	for _, m := range part.Members {
		shown[m.node] = true
		nodes = append(nodes, m.node)
	}
	caseShown := map[int]bool{}
	for _, m := range part.Members {
		for _, c := range m.cases {
			caseShown[c] = true
		}
	}
	for _, o := range gr.Objects {
		if slices.ContainsFunc(o.bearers, func(b int) bool { return shown[b] }) {
			part.Objects = append(part.Objects, o)
			nodes = append(nodes, o.node)
			for _, c := range o.cases {
				caseShown[c] = true
			}
		}
	}
	for _, l := range gr.links {
		if !shown[l.node] && !shown[l.other] {
			continue
		}
		if len(part.Links) == NetworkPendingShown {
			part.Unlisted++
			continue
		}
		part.Links = append(part.Links, l)
		for _, n := range []int{l.node, l.other} {
			for _, m := range gr.Members {
				if m.node == n {
					for _, c := range m.cases {
						caseShown[c] = true
					}
				}
			}
		}
	}
	for _, c := range gr.CaseList {
		if caseShown[c.node] {
			part.CaseList = append(part.CaseList, c)
			nodes = append(nodes, c.node)
		}
	}
	if len(nodes) <= NetworkDrawnMost {
		part.Graph = groupGraph(g, nodes)
	}
	return part
}

// groupGraph is the part of g that one network's nodes make, laid out to
// be drawn on its own.
func groupGraph(g *network.Graph, nodes []int) *network.Graph {
	sub := &network.Graph{}
	at := map[int]int{}
	for _, n := range nodes {
		nd := g.Nodes[n]
		at[n] = sub.Add(nd.ID, nd.Kind, nd.Label, nd.Href)
	}
	for _, e := range g.Edges {
		a, aok := at[e.From]
		b, bok := at[e.To]
		if aok && bok {
			sub.Join(a, b, e.Label, e.Tentative)
		}
	}
	sub.Measure()
	sub.Layout(640, 420)
	return sub
}

// personRole names a role in the index as the page says it ("Suspect").
func personRole(r string) string {
	switch r {
	case store.RoleVictim:
		return "Victim"
	case store.RoleSuspect:
		return "Suspect"
	}
	return domain.PersonRoleLabel(r)
}

// pendingLinks lists the links awaiting review between the cases shown,
// each once, from the open side where there is one (whose owner owes the
// review), else from the first case in order.
func (s *Service) pendingLinks(a *Actor, org *domain.OrgState, cases map[string]*domain.Case,
	order []string, nodeOf func(c, p string) int) []PendingLink {
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
				CanReview: !s.glass(a, org, from) && a.mayReviewLink(org, from, to) == nil,
				node:      nodeOf(cid, l.Person), other: nodeOf(l.OtherCase, l.OtherPerson)})
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
	objs []store.PoleKey, show map[string]bool) (*network.Graph, func(caseID, personID string) int) {
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
	return g, func(c, p string) int { return g.Index("person:" + find(key(c, p))) }
}
