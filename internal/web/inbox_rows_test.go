package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var inboxRowRE = regexp.MustCompile(`(?s)<tr class="govuk-table__row" data-seq="[^"]+" data-state="[^"]+">(.*?)</tr>`)

// TestInboxRowsLinkWhereTheyAreActedOn (the walk of 2026-12-07): a
// detective sergeant had 413 link alerts of 415 messages, and a "Closure
// sent back" alert linked only the case. The possible links found for one
// case are one row, "2 possible links found for …", linking the case's
// links page; other alerts keep their own rows; a closure sent back links
// its Close case page, and a decision its journey, as My work's rows do.
func TestInboxRowsLinkWhereTheyAreActedOn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		a := f.Allocated(t)
		a = must(f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20 FEF"}))
		a = must(f.Svc.AddSuspect(ctx, f.Investigator, a.ID, service.NewSuspect{Version: a.Version,
			Name: "Carl Moss", DateOfBirth: "1979-07-11", Phone: "07700 900123"}))
		for _, s := range []service.NewSuspect{{Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20FEF"},
			{Name: "Carl Moss", DateOfBirth: "1979-07-11", Phone: "+44 7700 900123"}} {
			o, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC,
				Summary: "Referral from school", OffenceTypes: []string{"child_sexual_exploitation"}, Source: "school"})
			if err != nil {
				t.Fatal(err)
			}
			o = must(f.Svc.AssignOwner(ctx, f.OtherTeam, o.ID, service.AssignOwner{Version: o.Version,
				OwnerID: f.OtherTeam.ID(), Reason: "allocation"}))
			s.Version = o.Version
			must(f.Svc.AddSuspect(ctx, f.OtherTeam, o.ID, s))
		}
		back := proposedWithVictim(t, f, "Child F")
		back = must(f.Svc.RejectClosure(ctx, f.Inspector, back.ID, service.RejectClosure{Version: back.Version,
			Reason: "Record the second suspect's interview"}))

		ivy := newClient(t, base, "ivy")
		_, inbox := ivy.get("/inbox")
		links, sentBack := 0, 0
		for _, m := range inboxRowRE.FindAllStringSubmatch(inbox, -1) {
			row := m[1]
			switch {
			case strings.Contains(row, ">Link</strong>") && strings.Contains(row, a.Ref):
				links++
				if !strings.Contains(row, "2 possible links found for "+a.Ref) ||
					!strings.Contains(row, `href="/cases/`+request.PathRef(a.Ref)+`/links">Review the links`) {
					t.Errorf("the row of %s's links does not count them and link its links page: %s", a.Ref, row)
				}
			case strings.Contains(row, "Closure sent back"):
				sentBack++
				if !strings.Contains(row, `href="/cases/`+request.PathRef(back.Ref)+`/close?from=work">`) {
					t.Errorf("the closure sent back does not link its Close case page: %s", row)
				}
			}
		}
		if links != 1 || sentBack != 1 {
			t.Errorf("Ivy's inbox has %d rows of links on %s and %d of the closure sent back, want one each",
				links, a.Ref, sentBack)
		}

		// The inspector's decision goes to its journey.
		c := proposedWithVictim(t, f, "Child G")
		_, inbox = newClient(t, base, "ines").get("/inbox")
		if !strings.Contains(inbox, `href="/cases/`+request.PathRef(c.Ref)+`/do/approve-closure?from=work">Go to the decision`) {
			t.Error("the inspector's decision alert does not go to where it is made")
		}
	})
}
