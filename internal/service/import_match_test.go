package service_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestImportedPeopleQueuedForMatching: an imported case's people are
// queued for matching as a new case's are, so the next sweep links an
// imported suspect to the same man already on record (issue 19).
func TestImportedPeopleQueuedForMatching(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Address: "14 Mill Lane, Eastbridge EB4 7QT"})
		if err != nil {
			t.Fatal(err)
		}
		now := f.Clock.Now()
		k := cleanCase(now)
		k.Suspects[0].Name, k.Suspects[0].DOB = "Mohammed Khan", "1985-03-04"
		k.Suspects[0].Address = "14 Mill Lane, Eastbridge EB4 7QT"
		line, _ := json.Marshal(k)
		in := fmt.Sprintf(sweepForce, now.Format(time.RFC3339)) + `{"type":"case",` + string(line[1:]) + "\n"
		file, err := casefile.ReadJSONL(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "match.jsonl", file, false)
		if err != nil || len(rep.Refs) != 1 {
			t.Fatalf("import: %v %+v", err, rep)
		}
		c, err := f.Store.CaseByRef(ctx, rep.Refs[0])
		if err != nil {
			t.Fatal(err)
		}
		id := c.ID
		q := queued(t, db)
		imported := 0
		for key := range q {
			if strings.HasPrefix(key, id+"/") {
				imported++
			}
		}
		if imported != 2 { // the victim and the suspect
			t.Fatalf("the imported case's people are not queued for matching: %d of 2 in %+v", imported, q)
		}
		f.Clock.Advance(time.Minute)
		sw, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = f.Store.Case(ctx, id); err != nil {
			t.Fatal(err)
		}
		if sw.LinksRaised < 1 || len(c.Links) != 1 || c.Links[0].OtherCase != b.ID {
			t.Fatalf("the sweep matched %d, raised %d; the imported case's links: %+v", sw.PeopleMatched,
				sw.LinksRaised, c.Links)
		}
	})
}
