package service_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestIndexProperties records people drawn at random (a few men recorded
// again and again under variants, on cases of three teams) and checks, for
// fixed seeds: the index rebuilt from the log equals the live one; every
// link is on both its cases, mirrored; the stored model scores every pair
// of indexed people the same both ways round, and each named person with a
// date of birth matches themself.
func TestIndexProperties(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, seed := range []uint64{1, 2} {
			t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
				db := testdb.Open(t, db.Engine())
				f := fixture.New(t, db)
				r := rand.New(rand.NewPCG(seed, 19))
				men := []service.NewSuspect{
					{Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Phone: "07700 900101"},
					{Name: "Stuart Hughes", DateOfBirth: "1979-06-12", Vehicle: "AB12 CDE"},
					{Name: "Jamie Walker", DateOfBirth: "1990-11-02", Address: "4 Mill Lane, Holtby NS4 2QT"},
				}
				variants := map[string][]string{"Mohammed Khan": {"Mohamed Khan", "Mohammed Kahn"},
					"Stuart Hughes": {"Stewart Hughes", "Stuart Hughs"}, "Jamie Walker": {"Jaime Walker"}}
				owners := []struct {
					by   *service.Actor
					team string
				}{{f.Investigator, f.TeamA}, {f.OtherTeam, f.TeamC}, {f.Inspector, f.TeamB}}
				for i := 0; i < 8; i++ {
					o := owners[r.IntN(len(owners))]
					c, err := f.Svc.OpenReferral(ctx, o.by, service.NewReferral{TeamID: o.team, Summary: "referral",
						OffenceTypes: []string{"child_sexual_exploitation"}})
					if err != nil {
						t.Fatal(err)
					}
					s := men[r.IntN(len(men))]
					if vs := variants[s.Name]; r.IntN(2) == 0 {
						s.Name = vs[r.IntN(len(vs))]
					}
					if r.IntN(3) == 0 {
						s.Phone, s.Vehicle, s.Address = "", "", ""
					}
					s.Version = c.Version
					if _, err := f.Svc.AddSuspect(ctx, o.by, c.ID, s); err != nil {
						t.Fatal(err)
					}
				}
				noDifference(t, db) // the index rebuilt from the log is the live one
				var all []*domain.Case
				if err := db.ScanCases(ctx, func(c *domain.Case) error { all = append(all, c); return nil }); err != nil {
					t.Fatal(err)
				}
				byID := map[string]*domain.Case{}
				var people []store.PolePerson
				links := 0
				for _, c := range all {
					byID[c.ID] = c
					ps, _, _ := store.PoleEntries(c)
					people = append(people, ps...)
				}
				for _, c := range all {
					for _, l := range c.Links {
						links++
						o := byID[l.OtherCase]
						ol := o.CaseLinkByID(l.ID)
						if ol == nil || ol.OtherCase != c.ID || ol.Person != l.OtherPerson || ol.OtherPerson != l.Person ||
							ol.Outcome != l.Outcome {
							t.Errorf("link %s of %s is not mirrored on %s: %+v", l.ID, c.Ref, o.Ref, ol)
						}
					}
				}
				if links == 0 {
					t.Error("no link raised among the same men on three teams' cases")
				}
				m := persons.DefaultModel()
				for i := range people {
					a := people[i].Record()
					if self, _ := m.Score(a, a); a.DOB != "" && a.Family != "" && self.Probability < 0.99 {
						t.Errorf("%s matches themself at %.3f", people[i].Name, self.Probability)
					}
					for j := range people {
						b := people[j].Record()
						x, _ := m.Score(a, b)
						y, _ := m.Score(b, a)
						if math.Abs(x.Weight-y.Weight) > 1e-9 {
							t.Errorf("%s and %s: %v one way, %v the other", people[i].Name, people[j].Name,
								x.Weight, y.Weight)
						}
					}
				}
			})
		}
	})
}
