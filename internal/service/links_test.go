package service_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// groupsOf writes link groups as "kind key: ref(open|closed) ...", in order.
func groupsOf(l *service.Links) []string {
	var out []string
	for _, g := range l.Groups {
		var cs []string
		for _, c := range g.Cases {
			st := "closed"
			if c.Open {
				st = "open"
			}
			cs = append(cs, fmt.Sprintf("%s(%s)", c.Ref, st))
		}
		out = append(out, fmt.Sprintf("%s %s: %s", g.Kind, g.Key, strings.Join(cs, " ")))
	}
	return out
}

// TestLinksGroupCasesBySharedSuspectIdentifiers: two cases whose suspects
// share a phone written two ways, one of them closed; one sharing a
// vehicle spaced two ways with another team's case; one unrelated. The
// groups are exactly those, largest first, then the most open; each reader
// sees only the cases they may see; roles without the right are refused;
// nothing is written.
func TestLinksGroupCasesBySharedSuspectIdentifiers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(
			t,
			db,
		) // four closed cases with no phone, vehicle or address; two share a name and date of birth
		f, svc := w.f, w.svc
		suspect := func(c *domain.Case, by *service.Actor, s service.NewSuspect) *domain.Case {
			s.Version = c.Version
			return ok(t)(svc.AddSuspect(ctx, by, c.ID, s))
		}
		// c1 (TeamA, open): phone and vehicle.
		c1 := suspect(
			f.Allocated(t),
			f.Investigator,
			service.NewSuspect{Name: "Adam Smith", Phone: "07700 900123", Vehicle: "AB12 CDE"},
		)
		// c2 (TeamA, closed): the same phone, written the international way.
		c2 := suspect(
			f.Allocated(t),
			f.Investigator,
			service.NewSuspect{Name: "Ahmed Smyth", Phone: "+44 (0)7700 900123", Vehicle: "XY99 ZZZ"},
		)
		if err := service.ForceCloseForTest(ctx, svc, c2.ID, "16"); err != nil {
			t.Fatal(err)
		}
		// c3 (TeamC, a referral): the vehicle, without its space, on an
		// unnamed suspect.
		c3 := ok(
			t,
		)(
			svc.OpenReferral(
				ctx,
				f.OtherTeam,
				service.NewReferral{
					TeamID:       f.TeamC,
					Summary:      "Girl, 15, collected from school by a man in a car",
					OffenceTypes: []string{"child_sexual_exploitation"},
				},
			),
		)
		c3 = suspect(c3, f.OtherTeam, service.NewSuspect{Description: "Driver of a silver saloon", Vehicle: "ab12cde"})
		// c4 (TeamA, open): nothing in common with the others.
		c4 := suspect(
			f.Allocated(t),
			f.Investigator,
			service.NewSuspect{
				Name:    "Carl Dunn",
				Phone:   "07700 900999",
				Vehicle: "a silver saloon",
				Address: "1 Low Road, NS1 1AA",
			},
		)

		before, _ := db.LatestSeq(ctx)
		links := func(a *service.Actor, q service.LinksQuery) *service.Links {
			t.Helper()
			l, err := svc.Links(ctx, a, q)
			if err != nil {
				t.Fatalf("links as %s: %v", a.User.Username, err)
			}
			return l
		}
		// The audit world's two legacy closures share a suspect's name and
		// date of birth: that is a group too.
		phone := fmt.Sprintf("phone +447700900123: %s(open) %s(closed)", c1.Ref, c2.Ref)
		vehicle := fmt.Sprintf("vehicle AB12CDE: %s(open) %s(open)", c1.Ref, c3.Ref)
		var nameDOB string
		for _, g := range groupsOf(links(f.Analyst, service.LinksQuery{Kind: service.LinkKindNameDOB})) {
			nameDOB = g
		}
		if !strings.HasPrefix(nameDOB, "name_dob adam smith|1980-01-02: ") || strings.Count(nameDOB, "(closed)") != 2 {
			t.Fatalf("the name and date of birth group: %q", nameDOB)
		}
		want := []string{vehicle, phone, nameDOB} // both open first, then one open, then none
		for _, a := range []*service.Actor{f.Analyst, f.Auditor, f.Manager, f.External} {
			l := links(a, service.LinksQuery{})
			if got := groupsOf(l); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf(
					"links as %s:\n%s\nwant\n%s",
					a.User.Username,
					strings.Join(got, "\n"),
					strings.Join(want, "\n"),
				)
			}
		}

		l := links(f.Analyst, service.LinksQuery{Kind: service.LinkKindPhone})
		if got := groupsOf(l); len(got) != 1 || got[0] != phone {
			t.Errorf("phone links: %q", got)
		}
		g := l.Groups[0]
		if g.Value != "07700 900123" || g.Open != 1 || g.Cases[0].Suspect != "Adam Smith" ||
			g.Cases[1].Suspect != "Ahmed Smyth" ||
			g.Cases[1].Recorded != "+44 (0)7700 900123" ||
			g.Cases[1].Status != domain.StatusClosed ||
			g.Cases[0].Team != "CSE Team North" {
			t.Errorf("phone group %+v", g)
		}
		l = links(f.Analyst, service.LinksQuery{Case: c3.Ref})
		if got := groupsOf(l); len(got) != 1 || got[0] != vehicle ||
			l.Groups[0].Cases[1].Suspect != "Driver of a silver saloon" ||
			l.Groups[0].Cases[1].Team != "MIT" {
			t.Errorf("links of %s: %q %+v", c3.Ref, got, l.Groups)
		}
		if got := groupsOf(links(f.Analyst, service.LinksQuery{Case: c4.Ref})); len(got) != 0 {
			t.Errorf("the unrelated case %s is linked: %q", c4.Ref, got)
		}
		if _, err := svc.Links(ctx, f.Analyst, service.LinksQuery{Kind: "email"}); !strings.Contains(
			strings.Join(problemRules(t, err), ","),
			"one_of",
		) {
			t.Errorf("an unknown kind: %v", err)
		}
		// No such case, and a case the asker may not see, are refused alike,
		// on the query's case field (as the network's query is).
		noCase := func(err error) bool {
			p, ok := domain.AsProblems(err)
			return ok && len(p) == 1 && p[0].Field == "case" && p[0].Rule == "exists"
		}
		if _, err := svc.Links(ctx, f.Analyst, service.LinksQuery{Case: "CSE/1999/999999"}); !noCase(err) {
			t.Errorf("links of no case: %v", err)
		}

		// A manager of the department sees its two teams, not MIT: the
		// vehicle is on one case of theirs only, so it is no group, and
		// MIT's case is not there to ask about.
		if got := groupsOf(links(f.Inspector, service.LinksQuery{})); strings.Join(got, "\n") != phone+"\n"+nameDOB {
			t.Errorf("links as the department's manager: %q", got)
		}
		if _, err := svc.Links(ctx, f.Inspector, service.LinksQuery{Case: c3.Ref}); !noCase(err) {
			t.Errorf("the department's manager asked about MIT's case: %v", err)
		}

		// Officers of a team, liaison and administrators are refused.
		for _, a := range []*service.Actor{f.Investigator, f.Supervisor, f.Liaison, f.Admin, f.OtherTeam} {
			if _, err := svc.Links(ctx, a, service.LinksQuery{}); !errors.Is(err, service.ErrForbidden) {
				t.Errorf("links as %s: %v, want refused", a.User.Username, err)
			}
		}
		if _, err := svc.Links(ctx, nil, service.LinksQuery{}); !errors.Is(err, service.ErrUnauthenticated) {
			t.Errorf("links anonymously: %v", err)
		}
		// Reading the links changed nothing, and each read that showed
		// cases is recorded as one read naming them (issue 16 item 5).
		reads := 0
		if err := db.ScanEvents(ctx, before+1, 0, func(e *event.Event) error {
			if e.Type != domain.EvRecordsRead || e.CaseID != "" {
				t.Errorf("reading the links wrote a %s event", e.Type)
				return nil
			}
			var p domain.RecordsRead
			if err := json.Unmarshal(e.Payload, &p); err != nil || p.View != service.ReadLinks || len(p.Cases) == 0 && p.Query == "" {
				t.Errorf("a links read recorded as %s %+v", e.Payload, p)
			}
			reads++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if reads == 0 {
			t.Error("reading the links recorded no read")
		}

		// A third case with the phone (as 0044…): the largest group leads.
		c4 = suspect(c4, f.Investigator, service.NewSuspect{Name: "Dan Evans", Phone: "0044 7700 900123; 07700 900888"})
		got := groupsOf(links(f.Analyst, service.LinksQuery{}))
		if want := fmt.Sprintf("phone +447700900123: %s(open) %s(open) %s(closed)", c1.Ref, c4.Ref, c2.Ref); len(
			got,
		) != 3 ||
			got[0] != want {
			t.Errorf("after a third case shares the phone: %q, want first %q", got, want)
		}
	})
}
