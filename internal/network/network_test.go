package network

import (
	"math"
	"testing"
)

// TestBetweennessOfABridge: two triangles joined through one node; that
// node lies on every path between the sides, and the measures match the
// textbook values (as networkx computes them, normalised).
func TestBetweennessOfABridge(t *testing.T) {
	var g Graph
	ids := []string{"a", "b", "c", "bridge", "d", "e", "f"}
	for _, id := range ids {
		g.Add(id, "person", id, "")
	}
	join := func(x, y string) { g.Join(g.Index(x), g.Index(y), "", false) }
	join("a", "b")
	join("b", "c")
	join("a", "c")
	join("c", "bridge")
	join("bridge", "d")
	join("d", "e")
	join("e", "f")
	join("d", "f")
	join("a", "b") // a repeat is one edge
	if len(g.Edges) != 8 {
		t.Fatalf("%d edges", len(g.Edges))
	}
	g.Measure()
	// bridge: 3×3 pairs across, each through it: 9 of C(6,2)=15 pairs.
	// c: a and b to bridge, d, e, f: 2×4 = 8 of 15.
	want := map[string]float64{"bridge": 9.0 / 15, "c": 8.0 / 15, "d": 8.0 / 15, "a": 0, "f": 0}
	for id, w := range want {
		if got := g.Nodes[g.Index(id)].Betweenness; math.Abs(got-w) > 1e-12 {
			t.Errorf("betweenness of %s = %v, want %v", id, got, w)
		}
	}
	if d := g.Nodes[g.Index("c")].Degree; d != 3 {
		t.Errorf("degree of c = %d", d)
	}
	if top := g.Central("person"); top[0].ID != "bridge" {
		t.Errorf("most central %+v", top[0])
	}
	g.Layout(600, 400)
	for _, n := range g.Nodes {
		if n.X < 0 || n.X > 600 || n.Y < 0 || n.Y > 400 || math.IsNaN(n.X) {
			t.Errorf("%s drawn at %v,%v", n.ID, n.X, n.Y)
		}
	}
	x0 := g.Nodes[0].X
	g.Layout(600, 400)
	if g.Nodes[0].X != x0 {
		t.Error("the layout is not repeatable")
	}
}
