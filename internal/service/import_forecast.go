package service

import (
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
)

// SweepForecast is what the first sweep after an import will raise on the
// cases it brings: the backlog a force inherits, seen before it commits
// (import --dry-run) so it can fix its file or plan the work.
type SweepForecast struct {
	AsOf     time.Time       `json:"as_of"`
	Overdue  []ForecastGroup `json:"overdue"`  // duties past due, by kind and team
	Findings []ForecastGroup `json:"findings"` // integrity findings, by kind and team
}

// ForecastGroup counts one kind in one team, naming its first cases.
type ForecastGroup struct {
	Kind  string   `json:"kind"`
	Team  string   `json:"team"`
	Count int      `json:"count"`
	First []string `json:"first_cases"` // Holdfast refs, in file order (at most forecastFirst)
}

// forecastFirst is how many cases of each group a forecast names.
const forecastFirst = 5

// forecast adds what the watchdog will raise on c, as folded by the
// import, to the report: its open duties already due, and the findings
// the sweep raises from a case's own state (its flags, an owner who has
// left, a transfer not accepted in time).
func (im *importer) forecast(c *domain.Case) {
	if im.fc == nil {
		im.fc = map[[2]string]*ForecastGroup{}
	}
	add := func(findings bool, kind, team string) {
		key := [2]string{kind, team}
		if findings {
			key[0] = "finding:" + kind
		}
		g := im.fc[key]
		if g == nil {
			g = &ForecastGroup{Kind: kind, Team: teamName(im.org, team)}
			im.fc[key] = g
			im.fcOrder = append(im.fcOrder, key)
		}
		g.Count++
		if len(g.First) < forecastFirst && (len(g.First) == 0 || g.First[len(g.First)-1] != c.Ref) {
			g.First = append(g.First, c.Ref)
		}
	}
	grace := im.s.Policy().Findings[FindingVictimNoContactPlan]
	for _, d := range c.OpenDuties() {
		if duty.Overdue(d.Due, im.now) { // the watchdog's rule
			add(false, d.Kind, d.TeamID)
			if d.Kind == duty.TransferAccept {
				add(true, FindingTransferOverdue, c.TeamID)
			}
		}
	}
	for _, f := range c.Flags() {
		if f.Kind == FindingVictimNoContactPlan && grace.After(f.Since, im.s.cal).After(im.now) {
			continue
		}
		add(true, f.Kind, c.TeamID)
	}
	if c.Status.IsOpen() && c.OwnerID != "" && !activeUser(im.org, c.OwnerID) {
		add(true, FindingOrphaned, c.TeamID)
	}
}

// forecastReport is the forecast gathered, each list by kind then team.
func (im *importer) forecastReport() *SweepForecast {
	out := &SweepForecast{AsOf: im.now, Overdue: []ForecastGroup{}, Findings: []ForecastGroup{}}
	for _, key := range im.fcOrder {
		g := *im.fc[key]
		if key[0] != g.Kind {
			out.Findings = append(out.Findings, g)
		} else {
			out.Overdue = append(out.Overdue, g)
		}
	}
	for _, l := range [][]ForecastGroup{out.Overdue, out.Findings} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Kind != l[j].Kind {
				return l[i].Kind < l[j].Kind
			}
			return l[i].Team < l[j].Team
		})
	}
	return out
}
