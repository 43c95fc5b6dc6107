package service_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func jsonl(t *testing.T, s string) *casefile.File {
	t.Helper()
	f, err := casefile.ReadJSONL(bytes.NewReader([]byte(s)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestImportAccreditations: an officer line's accreditations are recorded
// on the new or matched user, once however often the file comes in; bad
// ones refuse the file with every problem by line and field, nothing
// recorded.
func TestImportAccreditations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		imp := service.SystemActor("import")
		good := `{"type":"unit","ref":"LEG","name":"Legacy CSE","kind":"team","parent":"Public Protection"}
{"type":"officer","ref":"P1","name":"DC Pat Legacy","collar":"P1","rank":"constable","unit":"LEG","roles":["investigator"],"accreditations":[{"kind":"pip2","awarded_on":"2024-01-15","expires":"2027-01-15","evidence":"NCALT 9"},{"kind":"abe","awarded_on":"2023-06-01"}]}
{"type":"officer","ref":"IVY","name":"DC Ivy Investigator","collar":"Civy","rank":"constable","unit":"LEG","accreditations":[{"kind":"cse_course","awarded_on":"2025-09-01"}]}
`
		bad := `{"type":"officer","ref":"P2","name":"DC Bad","collar":"P2","rank":"constable","unit":"CSE Team North","accreditations":[{"kind":"pip9","awarded_on":"2024-01-15","expires":"2023-01-15"},{"kind":"abe","awarded_on":"2099-01-01"},{"kind":"","awarded_on":"15/01/2024"}]}
`
		before, _ := db.LatestSeq(ctx)
		_, err := f.Svc.Import(ctx, imp, "bad.jsonl", jsonl(t, bad), false)
		got := problems(t, err)
		for _, want := range []string{"line 1: accreditations[0].kind", "line 1: accreditations[0].expires",
			"line 1: accreditations[1].awarded_on", "line 1: accreditations[2].kind",
			"line 1: accreditations[2].awarded_on"} {
			if !strings.Contains(got, want) {
				t.Errorf("the refusal lacks %q:\n%s", want, got)
			}
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a refused import wrote %d events", after-before)
		}

		rep, err := f.Svc.Import(ctx, imp, "good.jsonl", jsonl(t, good), false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accreditations != 3 {
			t.Errorf("report %+v: want 3 accreditations", rep)
		}
		org, err := f.Svc.Org(ctx, f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		var pat *domain.User
		for _, u := range org.Users {
			if u.Collar == "P1" {
				pat = u
			}
		}
		now := f.Clock.Now()
		if pat == nil || !pat.HoldsAt("pip2", now) || !pat.HoldsAt("abe", now) || pat.HoldsAt("cse_course", now) {
			t.Fatalf("the new officer holds %+v", pat)
		}
		if !pat.HoldsAt("pip2", now) || pat.HoldsAt("pip2", now.AddDate(1, 0, 0)) {
			t.Errorf("pip2 should lapse after 2027-01-15")
		}
		if ivy := org.Users[f.Investigator.ID()]; !ivy.HoldsAt("cse_course", now) {
			t.Errorf("the matched officer lacks the imported course: %+v", ivy.Accreditations)
		}
		again, err := f.Svc.Import(ctx, imp, "good.jsonl", jsonl(t, good), false)
		if err != nil || again.Accreditations != 0 {
			t.Errorf("the same file again recorded %d accreditations (%v)", again.Accreditations, err)
		}
	})
}
