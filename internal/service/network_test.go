package service_test

import (
	"errors"
	"slices"
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
			t.Errorf("%d cases in the component, want 3: %+v", n.Cases, n.Networks)
		}
		if len(n.Networks) != 1 || n.Shown == nil || n.Pages != 1 {
			t.Fatalf("networks %+v, shown %+v, %d pages: want the one", n.Networks, n.Shown, n.Pages)
		}
		top := n.Shown.Members[0]
		if !strings.Contains(top.Name, "Stuart Hughes") || !strings.Contains(top.Name, "Stewart Hughs") {
			t.Errorf("the key nominal is %+v, want the man under both spellings", top)
		}
		if top.Degree < 4 || top.Betweenness <= 0 || len(top.On) != 2 {
			t.Errorf("key nominal's measures and roles %+v", top)
		}
		var vehicle bool
		for _, o := range n.Shown.Objects {
			vehicle = vehicle || o.Kind == "vehicle" && len(o.By) == 2
		}
		if !vehicle || n.Shown.Cases != 3 || n.Shared != len(n.Shown.Objects) {
			t.Errorf("shared: vehicle borne by two people %v, %+v", vehicle, n.Shown)
		}
		// Phones only: no vehicle node, but the vehicle still joins case C.
		n, err = f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: b.Ref, Kinds: []string{"phone"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range n.Shown.Objects {
			if o.Kind == "vehicle" {
				t.Errorf("a vehicle shown when only phones were asked for: %+v", o)
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

// TestNetworkOneAtATime: a case whose two suspects each share a phone with
// a suspect on another case stands in two networks. The view counts both
// and shows one a page, naming only its people, and records as read only
// the cases it shows; before, every case gathered was read and shown at
// once (274 KB on the demo).
func TestNetworkOneAtATime(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		x := f.Allocated(t)
		for _, s := range []service.NewSuspect{{Name: "Paul Green", Phone: "07700 900501"},
			{Name: "Ravi Shah", Phone: "07700 900502"}} {
			s.Version = x.Version
			var err error
			if x, err = f.Svc.AddSuspect(ctx, f.Investigator, x.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		y := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		if _, err := f.Svc.AddSuspect(ctx, f.OtherTeam, y.ID, service.NewSuspect{Version: y.Version,
			Name: "Tom Black", Phone: "+44 7700 900501"}); err != nil {
			t.Fatal(err)
		}
		z := ownCase(t, f, f.Inspector, f.Inspector, f.TeamB)
		if _, err := f.Svc.AddSuspect(ctx, f.Inspector, z.ID, service.NewSuspect{Version: z.Version,
			Name: "Lee White", Phone: "07700900502"}); err != nil {
			t.Fatal(err)
		}
		names := map[string]string{x.ID: x.Ref, y.ID: y.Ref, z.ID: z.Ref}
		seen := map[string]bool{}
		for _, page := range []int{1, 2} {
			seq, _ := db.LatestSeq(ctx)
			n, err := f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: x.Ref, Page: page})
			if err != nil {
				t.Fatal(err)
			}
			if n.Cases != 3 || len(n.Networks) != 2 || n.Pages != 2 || n.Page != page || n.People != 4 ||
				n.Shared != 2 {
				t.Fatalf("page %d: %d cases, networks %+v, page %d of %d, %d people, %d shared", page, n.Cases,
					n.Networks, n.Page, n.Pages, n.People, n.Shared)
			}
			var shown []string
			for _, m := range n.Shown.Members {
				shown = append(shown, m.Name)
			}
			reads := readsSince(t, db, seq)
			if len(reads) != 1 {
				t.Fatalf("page %d recorded %d reads", page, len(reads))
			}
			var read []string
			for _, id := range reads[0].Cases {
				read = append(read, names[id])
				seen[id] = true
			}
			if len(shown) != 2 || len(read) != 2 || !slices.Contains(read, x.Ref) || n.Shown.Cases != 2 {
				t.Errorf("page %d shows %q and recorded reading %q: want one network, its two cases", page,
					shown, read)
			}
		}
		if len(seen) != 3 {
			t.Errorf("the two pages read %d cases between them, want all 3", len(seen))
		}
		if n, err := f.Svc.Network(ctx, f.Analyst, service.NetworkQuery{Case: x.Ref, Page: 9}); err != nil ||
			n.Page != 2 {
			t.Errorf("a page past the last: %v, %+v", err, n)
		}
	})
}
