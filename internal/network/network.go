// Package network is a small undirected graph of cases, people, phones,
// vehicles and places for the analyst's network view: who is central
// (degree and betweenness) and where to draw each node. It does no I/O;
// the service builds the graph from the POLE index.
package network

import (
	"math"
	"sort"
)

// Node is one case, person, phone, vehicle or place.
type Node struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"` // case, person, phone, vehicle, address
	Label string `json:"label"`
	Href  string `json:"href,omitempty"`
	// Degree counts the node's edges; Betweenness is the share of shortest
	// paths between other nodes that pass through it (0 to 1): a person
	// who alone joins two groups scores high with few edges.
	Degree      int     `json:"degree"`
	Betweenness float64 `json:"betweenness"`
	X, Y        float64 `json:"-"` // where it is drawn (Layout)
}

// Edge joins two nodes, by index.
type Edge struct {
	From, To int
	Label    string `json:"label,omitempty"`
	// Tentative marks a link not yet confirmed (drawn dashed).
	Tentative bool `json:"tentative,omitempty"`
}

// Graph is nodes and the edges between them.
type Graph struct {
	Nodes []Node
	Edges []Edge
	index map[string]int
	seen  map[[2]int]bool
}

// Add adds a node (once: a second Add of an id returns the first).
func (g *Graph) Add(id, kind, label, href string) int {
	if g.index == nil {
		g.index = map[string]int{}
	}
	if i, ok := g.index[id]; ok {
		return i
	}
	g.Nodes = append(g.Nodes, Node{ID: id, Kind: kind, Label: label, Href: href})
	g.index[id] = len(g.Nodes) - 1
	return len(g.Nodes) - 1
}

// Index is the node with id, or -1.
func (g *Graph) Index(id string) int {
	if i, ok := g.index[id]; ok {
		return i
	}
	return -1
}

// Join adds an edge between a and b (once; never a node to itself).
func (g *Graph) Join(a, b int, label string, tentative bool) {
	if a == b || a < 0 || b < 0 {
		return
	}
	k := [2]int{min(a, b), max(a, b)}
	if g.seen == nil {
		g.seen = map[[2]int]bool{}
	}
	if g.seen[k] {
		return
	}
	g.seen[k] = true
	g.Edges = append(g.Edges, Edge{From: a, To: b, Label: label, Tentative: tentative})
}

func (g *Graph) adjacency() [][]int {
	adj := make([][]int, len(g.Nodes))
	for _, e := range g.Edges {
		adj[e.From] = append(adj[e.From], e.To)
		adj[e.To] = append(adj[e.To], e.From)
	}
	return adj
}

// Measure sets each node's degree and betweenness (Brandes' algorithm,
// unweighted and undirected, normalised by the pairs of other nodes).
func (g *Graph) Measure() {
	adj := g.adjacency()
	n := len(g.Nodes)
	cb := make([]float64, n)
	for s := 0; s < n; s++ {
		stack := make([]int, 0, n)
		pred := make([][]int, n)
		sigma := make([]float64, n)
		dist := make([]int, n)
		for i := range dist {
			dist[i] = -1
		}
		sigma[s], dist[s] = 1, 0
		queue := []int{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			stack = append(stack, v)
			for _, w := range adj[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					queue = append(queue, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
					pred[w] = append(pred[w], v)
				}
			}
		}
		delta := make([]float64, n)
		for i := len(stack) - 1; i >= 0; i-- {
			w := stack[i]
			for _, v := range pred[w] {
				delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
			}
			if w != s {
				cb[w] += delta[w]
			}
		}
	}
	norm := 1.0
	if n > 2 {
		norm = float64((n - 1) * (n - 2)) // each pair counted from both ends
	}
	for i := range g.Nodes {
		g.Nodes[i].Degree = len(adj[i])
		g.Nodes[i].Betweenness = cb[i] / norm
	}
}

// Central lists the nodes of kinds by betweenness, then degree, then
// label: the key nominals first.
func (g *Graph) Central(kinds ...string) []Node {
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	var out []Node
	for _, nd := range g.Nodes {
		if len(kinds) == 0 || want[nd.Kind] {
			out = append(out, nd)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Betweenness != b.Betweenness {
			return a.Betweenness > b.Betweenness
		}
		if a.Degree != b.Degree {
			return a.Degree > b.Degree
		}
		return a.Label < b.Label
	})
	return out
}

// Layout places the nodes in a w × h box by a force-directed layout
// (Fruchterman–Reingold) from a fixed start: the same graph is always
// drawn the same way.
func (g *Graph) Layout(w, h float64) {
	n := len(g.Nodes)
	if n == 0 {
		return
	}
	margin := 40.0
	cx, cy := w/2, h/2
	r := math.Min(w, h)/2 - margin
	for i := range g.Nodes {
		a := 2 * math.Pi * float64(i) / float64(n)
		g.Nodes[i].X, g.Nodes[i].Y = cx+r*math.Cos(a), cy+r*math.Sin(a)
	}
	if n == 1 {
		g.Nodes[0].X, g.Nodes[0].Y = cx, cy
		return
	}
	k := math.Sqrt((w - 2*margin) * (h - 2*margin) / float64(n))
	k2 := k * k
	temp := w / 10
	// The positions in two flat slices, and the repulsion k²/d along the
	// unit vector written as k²/d² times the difference: no square root in
	// the O(n²) loop, which is the page's cost (issue 19: under 100 ms).
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range g.Nodes {
		xs[i], ys[i] = g.Nodes[i].X, g.Nodes[i].Y
	}
	dx, dy := make([]float64, n), make([]float64, n)
	// Fewer rounds for a large graph, cooling faster to the same end: the
	// rounds cost n² each, and a few hundred nodes settle in a hundred.
	rounds, cool := 300, 0.98
	if n > 120 {
		rounds, cool = 100, 0.94
	}
	for it := 0; it < rounds; it++ {
		for i := range dx {
			dx[i], dy[i] = 0, 0
		}
		for i := 0; i < n; i++ {
			xi, yi := xs[i], ys[i]
			var sx, sy float64
			for j := i + 1; j < n; j++ {
				ex, ey := xi-xs[j], yi-ys[j]
				f := k2 / math.Max(ex*ex+ey*ey, 1e-4)
				sx += ex * f
				sy += ey * f
				dx[j] -= ex * f
				dy[j] -= ey * f
			}
			dx[i] += sx
			dy[i] += sy
		}
		for _, e := range g.Edges {
			ex, ey := xs[e.From]-xs[e.To], ys[e.From]-ys[e.To]
			d := math.Max(math.Sqrt(ex*ex+ey*ey), 0.01)
			f := d / k // d²/k along the unit vector
			dx[e.From] -= ex * f
			dy[e.From] -= ey * f
			dx[e.To] += ex * f
			dy[e.To] += ey * f
		}
		for i := range xs {
			d := math.Max(math.Sqrt(dx[i]*dx[i]+dy[i]*dy[i]), 0.01)
			step := math.Min(d, temp)
			xs[i] = math.Min(w-margin, math.Max(margin, xs[i]+dx[i]/d*step))
			ys[i] = math.Min(h-margin, math.Max(margin, ys[i]+dy[i]/d*step))
		}
		temp *= cool
	}
	for i := range g.Nodes {
		g.Nodes[i].X, g.Nodes[i].Y = xs[i], ys[i]
	}
}
