package service_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A tester recorded an "update" with no method and no note: it was
// accepted and met the victim's update duty; with an unknown kind only the
// kind was reported. A contact needs a known kind, a way of contact and,
// for an update, what the victim was told — every problem at once, and
// nothing written.
func TestRecordContactRefusesAnEmptyContact(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version,
			Name: "Child A", DateOfBirth: "2012-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		vid := c.Victims[0].ID
		for _, tc := range []struct {
			in   service.RecordContact
			want []string // "field:rule"
		}{
			{service.RecordContact{Kind: domain.ContactUpdate}, []string{"method:required", "note:required"}},
			{service.RecordContact{Kind: domain.ContactUpdate, Method: "  ", Note: " \n "},
				[]string{"method:required", "note:required"}},
			{service.RecordContact{Kind: "bogus"}, []string{"kind:one_of", "method:required", "note:required"}},
			{service.RecordContact{Kind: domain.ContactUpdate, Method: "bogus", Note: "Told of progress"},
				[]string{"method:one_of"}},
			{service.RecordContact{Kind: domain.ContactAccount}, []string{"method:required"}},
		} {
			in := tc.in
			in.Version, in.Victim = c.Version, vid
			_, err := f.Svc.RecordContact(ctx, f.Liaison, c.ID, in)
			ps, ok := domain.AsProblems(err)
			if !ok {
				t.Fatalf("%+v: %v, want problems", tc.in, err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Field+":"+p.Rule)
				if strings.Contains(p.Message, "_") || len(p.Message) < 20 {
					t.Errorf("%+v: %q is not in words a person understands", tc.in, p.Message)
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%+v: problems %v, want %v", tc.in, got, tc.want)
			}
		}
		now, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version != c.Version || now.Victims[0].ContactCount != 0 {
			t.Fatalf("a refused contact was written: version %d (was %d), %d contacts", now.Version, c.Version,
				now.Victims[0].ContactCount)
		}
		// What a liaison officer really records is accepted: a way of
		// contact in her own words, and what the victim was told.
		c, err = f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: vid,
			Kind: domain.ContactUpdate, Method: "phone call to her foster carer",
			Note: " Update: phone download still awaited "})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Contacts(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cs := got[vid]; len(cs) != 1 || cs[0].Note != "Update: phone download still awaited" ||
			cs[0].Method != "phone call to her foster carer" {
			t.Fatalf("the contact recorded: %+v", cs)
		}
		// The way the victim's contact plan agreed is known, whatever its words.
		c, err = f.Svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version,
			Victim: vid, EveryDays: 14, Method: "through Mrs Jones at the youth project"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err = f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: vid,
			Kind: domain.ContactUpdate, Method: "through Mrs Jones at the youth project",
			Note: "Told her the trial date"}); err != nil {
			t.Fatalf("a contact made as the plan agreed: %v", err)
		}
	})
}
