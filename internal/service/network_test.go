package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNetworkAroundACase: one man on three teams' cases — named twice
// with variants, once only by a shared phone — forms one component; a
// confirmed link makes his two records one person, who is the key nominal;
// only readers of links may look, and the date filter drops cases.
func TestNetworkAroundACase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		a := f.Allocated(t)
		a, err := f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: "Stuart Hughes", DateOfBirth: "1979-06-12", Phone: "07700 900321", Vehicle: "AB12 CDE"})
		if err != nil {
			t.Fatal(err)
		}
		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b, err = f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Stewart Hughs", DateOfBirth: "1979-06-12"})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Links) != 1 {
			t.Fatalf("the variant raised links %+v", b.Links)
		}
		if _, err := f.Svc.ReviewLink(ctx, f.OtherTeam, b.ID, service.ReviewLink{Version: b.Version,
			Link: b.Links[0].ID, Outcome: domain.LinkConfirmed}); err != nil {
			t.Fatal(err)
		}
		c := ownCase(t, f, f.Inspector, f.Inspector, f.TeamB)
		c, err = f.Svc.AddVictim(ctx, f.Inspector, c.ID, service.NewVictim{Version: c.Version, Name: "Holly Reid",
			DateOfBirth: "2011-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err = f.Svc.AddSuspect(ctx, f.Inspector, c.ID, service.NewSuspect{Version: c.Version,
			Description: "man in a silver car", Vehicle: "ab12cde"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.Network(ctx, f.Investigator, service.NetworkQuery{Case: a.Ref}); !errors.Is(err,
			service.ErrForbidden) {
			t.Errorf("an investigator saw the network: %v", err)
		}
		n, err := f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: b.Ref})
		if err != nil {
			t.Fatal(err)
		}
		if n.Cases != 3 {
			t.Errorf("%d cases in the component, want 3: %+v", n.Cases, n.Nodes)
		}
		top := n.Central[0]
		if !strings.Contains(top.Label, "Stuart Hughes") || !strings.Contains(top.Label, "Stewart Hughs") {
			t.Errorf("the key nominal is %+v, want the man under both spellings", top)
		}
		if top.Degree < 4 || top.Betweenness <= 0 {
			t.Errorf("key nominal's measures %+v", top)
		}
		var vehicle bool
		for _, r := range n.Rows {
			vehicle = vehicle || r.ToKind == "vehicle" && r.To == "AB12 CDE"
		}
		if !vehicle || n.Total != len(n.Rows) || n.Pages != 1 {
			t.Errorf("table: vehicle %v, %d rows of %d, %d pages", vehicle, len(n.Rows), n.Total, n.Pages)
		}
		// Phones only: no vehicle node, but the vehicle still joins case C.
		n, err = f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: b.Ref, Kinds: []string{"phone"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, nd := range n.Nodes {
			if nd.Kind == "vehicle" {
				t.Errorf("a vehicle shown when only phones were asked for: %+v", nd)
			}
		}
		if n.Cases != 3 {
			t.Errorf("%d cases with phones only", n.Cases)
		}
		n, err = f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: b.Ref, From: "2030-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if n.Cases != 1 {
			t.Errorf("%d cases opened from 2030, want the centre alone", n.Cases)
		}
		_, err = f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: b.Ref, From: "soon", Kinds: []string{"boat"}})
		if got := strings.Join(problemRules(t, err), " "); got != "date one_of" {
			t.Errorf("refusal rules %q", got)
		}
		noDifference(t, db)
	})
}
