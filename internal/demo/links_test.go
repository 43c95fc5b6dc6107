package demo_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// checkNetworks: the demo's networks surface as links raised from the
// index between cases of different teams, over more than a year, at
// least one between records under a spelling variant or a transposed date
// of birth, each owed a review in the future on its open side.
func checkNetworks(t *testing.T, g generated) {
	byID := map[string]*domain.Case{}
	for _, c := range allCases(t, g) {
		byID[c.ID] = c
	}
	teams := map[string]bool{}
	var first, last string
	links, matched := 0, 0
	for _, c := range byID {
		for _, l := range c.Links {
			o := byID[l.OtherCase]
			if o == nil || o.CaseLinkByID(l.ID) == nil {
				t.Errorf("link %s of %s is not on the other case", l.ID, c.Ref)
				continue
			}
			links++
			if a, b := suspectOf(c, l.Person), suspectOf(o, l.OtherPerson); a != nil && b != nil &&
				(a.Name != b.Name || a.DateOfBirth != b.DateOfBirth) {
				matched++ // recorded under a variant of the name or the date of birth
			}
			teams[c.TeamID], teams[o.TeamID] = true, true
			for _, d := range []string{c.OpenedAt.Format("2006-01-02"), o.OpenedAt.Format("2006-01-02")} {
				if first == "" || d < first {
					first = d
				}
				if d > last {
					last = d
				}
			}
			if c.Status.IsOpen() {
				var owed bool
				for _, d := range c.OpenDuties() {
					owed = owed || d.Kind == domain.DutyLinkRev && d.Subject == l.ID && d.Due.After(now)
				}
				if !owed {
					t.Errorf("%s: link %s is owed no review in the future", c.Ref, l.ID)
				}
			}
		}
	}
	t.Logf("%d link ends (%d between variants) over %d teams, cases opened %s to %s", links, matched,
		len(teams), first, last)
	if len(teams) < 3 || last[:4] == first[:4] || matched == 0 {
		t.Errorf("the networks do not surface across three teams and two years, matched and not only shared")
	}
}

func suspectOf(c *domain.Case, id string) *domain.Suspect {
	for i := range c.Suspects {
		if c.Suspects[i].ID == id {
			return &c.Suspects[i]
		}
	}
	return nil
}
