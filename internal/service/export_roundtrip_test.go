package service_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestExportImportRoundTrip: the record exported and imported into an
// empty one gives the same cases — status, owner, team, duties and flags —
// and exporting that gives the very same file.
func TestExportImportRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := fixture.Start
		a := fixture.New(t, db)
		imp := service.SystemActor("import")
		var in strings.Builder
		fmt.Fprintf(&in, sweepForce, now.AddDate(0, 0, -30).Format(time.RFC3339))
		for i, change := range []func(k *casefile.Case){
			func(*casefile.Case) {},
			func(k *casefile.Case) { k.Owner = "O3" },
			func(k *casefile.Case) {
				k.Transfers = []casefile.Transfer{{At: now.AddDate(0, 0, -30), To: "CSE Team North", Reason: "moved", By: "O2",
					Accepted: now.AddDate(0, 0, -29), Owner: "Civy"}}
			},
			func(k *casefile.Case) {
				k.Closure = &casefile.Closure{Outcome: "16", Proposed: now.AddDate(0, 0, -2), ProposedBy: "O1", Closed: now.AddDate(0, 0, -1)}
			},
			func(k *casefile.Case) {
				k.Actions = k.Actions[1:]
				k.Closure = &casefile.Closure{Outcome: "16", Proposed: now.AddDate(0, 0, -20), ProposedBy: "O1",
					Approved: now.AddDate(0, 0, -18), ApprovedBy: "O2"}
			},
		} {
			k := cleanCase(now)
			k.Ref = fmt.Sprintf("RT/%d", i)
			change(&k)
			line, _ := json.Marshal(k)
			in.WriteString(`{"type":"case",` + string(line[1:]) + "\n")
		}
		file, err := casefile.ReadJSONL(strings.NewReader(in.String()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Svc.Import(ctx, imp, "rt.jsonl", file, false); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Svc.Import(ctx, imp, "legacy.jsonl", readFile(t, "../casefile/testdata/example.jsonl"), false); err != nil {
			t.Fatal(err)
		}
		made := a.Allocated(t) // a case made here, by commands, with a contact and what was said
		made, err = a.Svc.AddVictim(ctx, a.Investigator, made.ID, service.NewVictim{Version: made.Version,
			Name: "Child M", DateOfBirth: "2012-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		const said = "Update: phone download still awaited; told her it may take a month"
		if _, err = a.Svc.RecordContact(ctx, a.Liaison, made.ID, service.RecordContact{Version: made.Version,
			Victim: made.Victims[0].ID, Kind: domain.ContactUpdate, Method: "phone", Note: said}); err != nil {
			t.Fatal(err)
		}

		var first bytes.Buffer
		if _, err := a.Svc.Export(ctx, a.Investigator, service.ExportFilter{}, &first); err == nil {
			t.Fatal("an investigator exported the record: only administrators may")
		}
		rep, err := a.Svc.Export(ctx, a.Admin, service.ExportFilter{}, &first)
		if err != nil || rep.Cases != 8 {
			t.Fatalf("export: %+v %v", rep, err)
		}
		if !strings.Contains(first.String(), `"kind":"update","method":"phone","note":"`+said+`"`) {
			t.Fatalf("the export leaves out what the victim was told: %s", first.String())
		}
		dbB := testdb.Open(t, db.Engine())
		b := fixture.New(t, dbB)
		back, err := casefile.ReadJSONL(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("the export does not read back: %v", err)
		}
		if _, err := b.Svc.Import(ctx, imp, "export.jsonl", back, false); err != nil {
			t.Fatalf("the export does not import: %v", err)
		}
		var second bytes.Buffer
		if _, err := b.Svc.Export(ctx, b.Admin, service.ExportFilter{}, &second); err != nil {
			t.Fatal(err)
		}
		one, two := strings.Split(first.String(), "\n"), strings.Split(second.String(), "\n")
		for i := range max(len(one), len(two)) {
			if i >= len(one) || i >= len(two) || one[i] != two[i] {
				t.Fatalf("export -> import -> export changed line %d of %d:\n%s\n---\n%s", i+1, len(one),
					strings.Join(one[i:min(i+1, len(one))], ""), strings.Join(two[i:min(i+1, len(two))], ""))
			}
		}
		want, got := projections(t, db), projections(t, dbB)
		for ref, w := range want {
			if got[ref] != w {
				t.Errorf("%s after the round trip:\n got %s\nwant %s", ref, got[ref], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d cases after the round trip, want %d", len(got), len(want))
		}

		// A team, a date range, a set of cases.
		var some bytes.Buffer
		rep, err = a.Svc.Export(
			ctx,
			a.Admin,
			service.ExportFilter{Team: "Legacy Team", From: now.AddDate(0, 0, -61)},
			&some,
		)
		if err != nil || rep.Cases != 4 {
			t.Fatalf("export of a team since a date: %+v %v", rep, err)
		}
	})
}

// projections is what each case is, keyed by its reference in the export:
// what the watchdog and the people working it see, without Holdfast's ids.
func projections(t *testing.T, db *sqlstore.DB) map[string]string {
	org, err := db.Org(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := func(id string) string {
		if u := org.Users[id]; u != nil {
			return u.Collar
		}
		if u := org.Units[id]; u != nil {
			return u.Name
		}
		return id
	}
	// Contacts are in the contact log, not the case's document.
	contacts := map[string]map[string][]string{}
	err = db.ScanContacts(ctx, func(caseID, victimID string, ct *domain.Contact) error {
		if contacts[caseID] == nil {
			contacts[caseID] = map[string][]string{}
		}
		contacts[caseID][victimID] = append(contacts[caseID][victimID], fmt.Sprintf("%s by %s at %s how %q said %q",
			ct.Kind, name(ct.By), ct.At.UTC().Format(time.RFC3339), ct.Method, ct.Note))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Notes likewise, in the note log.
	notes := map[string][]domain.Note{}
	if err := db.ScanNotes(ctx, func(caseID string, n *domain.Note) error {
		notes[caseID] = append(notes[caseID], *n)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	err = db.ScanCases(ctx, func(c *domain.Case) error {
		c.Notes = notes[c.ID]
		ref := c.Ref
		if c.Imported && c.SourceRef != "" {
			ref = c.SourceRef
		}
		var duties, flags []string
		for _, d := range c.OpenDuties() {
			duties = append(
				duties,
				fmt.Sprintf("%s@%s:%s", d.Kind, d.Due.UTC().Format(time.RFC3339), name(d.Accountable)),
			)
		}
		for _, f := range c.Flags() {
			flags = append(flags, f.Kind)
		}
		sort.Strings(duties)
		sort.Strings(flags)
		var history []string
		for _, n := range c.Notes {
			corrects := ""
			for i, m := range c.Notes {
				if m.ID == n.Corrects {
					corrects = fmt.Sprintf(" corrects %d", i+1)
				}
			}
			history = append(history, fmt.Sprintf("note %s by %s at %s%s", n.Text, name(n.Author),
				n.At.UTC().Format(time.RFC3339), corrects))
		}
		for _, d := range c.Decisions {
			history = append(history, fmt.Sprintf("decision %d %s (%s) by %s at %s", d.Number, d.Decision,
				d.Rationale, name(d.DecidedBy), d.DecidedAt.UTC().Format(time.RFC3339)))
		}
		for i, v := range c.Victims {
			for _, ct := range contacts[c.ID][v.ID] {
				history = append(history, fmt.Sprintf("contact with victim %d: %s", i+1, ct))
			}
		}
		for _, v := range c.VRRs {
			history = append(history, fmt.Sprintf("vrr at %s late=%v %q reviewer %s ack %s %s %q %s", v.At.UTC().Format(time.RFC3339),
				v.Late, v.LateReason, name(v.Reviewer), v.AckAt.UTC().Format(time.RFC3339), v.Decision, v.Reasons,
				v.DecidedAt.UTC().Format(time.RFC3339)))
		}
		out[ref] = fmt.Sprintf(
			"status=%s owner=%s team=%s outcome=%s closed=%s victims=%d suspects=%d actions=%d duties=%v flags=%v history=%v",
			c.Status,
			name(c.OwnerID),
			name(c.TeamID),
			c.Outcome,
			c.ClosedAt.UTC().Format(time.RFC3339),
			len(c.Victims),
			len(c.Suspects),
			len(c.Actions),
			duties,
			flags,
			history,
		)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
