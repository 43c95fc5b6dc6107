package service_test

import (
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNotARealDateTheGOVUKWay: a date that is not one is refused in the
// design system's words, naming the field as the form does ("Date of
// birth must be a real date") with an example in the day, month and year
// the forms ask for, never "Enter a real date, for example 2026-03-31".
// Every bad date is named at once, and nothing is recorded.
func TestNotARealDateTheGOVUKWay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		messages := func(err error) []string {
			t.Helper()
			ps, ok := domain.AsProblems(err)
			if !ok {
				t.Fatalf("want problems, got %v", err)
			}
			var ms []string
			for _, p := range ps {
				ms = append(ms, p.Message)
			}
			return ms
		}
		_, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Holly Reid",
			DateOfBirth: "31/03/2011"})
		if ms := messages(err); !slices.Contains(ms, "Date of birth must be a real date, for example 27 3 2007.") {
			t.Errorf("a victim's bad date of birth: %q", ms)
		}
		if got, err := f.Svc.ViewCase(ctx, f.Investigator, c.Ref, ""); err != nil || len(got.Victims) != 0 {
			t.Fatalf("a refused victim was recorded: %v", err)
		}
		_, err = f.Svc.Network(ctx, f.Inspector, service.NetworkQuery{Case: c.Ref, From: "2026-02-30", To: "soon"})
		ms := messages(err)
		for _, want := range []string{"Cases opened from must be a real date, for example 27 3 2007.",
			"Cases opened to must be a real date, for example 27 3 2007."} {
			if !slices.Contains(ms, want) {
				t.Errorf("the network's bad dates say %q, want %q among them", ms, want)
			}
		}
	})
}
