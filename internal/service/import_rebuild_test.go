package service_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// variedCaseFile is n cases of six shapes over several years: closed;
// open with open actions; owned by an officer who has left; unowned;
// closure proposed and a transfer pending; transferred and charged.
func variedCaseFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString(
		`{"type":"officer","ref":"B1","name":"DC Varied One","collar":"V1","rank":"constable","unit":"CSE Team North"}` + "\n",
	)
	b.WriteString(
		`{"type":"officer","ref":"B2","name":"DS Varied Two","collar":"V2","rank":"sergeant","unit":"CSE Team North"}` + "\n",
	)
	b.WriteString(
		`{"type":"officer","ref":"B3","name":"DC Varied Gone","collar":"V3","rank":"constable","unit":"CSE Team North","left":"2021-01-01T00:00:00Z"}` + "\n",
	)
	t0 := time.Date(2019, 6, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		base := t0.Add(time.Duration(i) * 61 * time.Hour) // about six years over 900 cases
		at := func(days int) string { return base.Add(time.Duration(days) * 24 * time.Hour).Format(time.RFC3339) }
		owner := `"owner":"B1",`
		switch i % 6 {
		case 2:
			owner = `"owner":"B3",`
		case 3:
			owner = ``
		}
		fmt.Fprintf(
			&b,
			`{"type":"case","ref":"VAR/%d","team":"CSE Team North","opened":%q,"summary":"Varied referral %d <&>","offence_types":["child_sexual_exploitation"],%s`,
			i,
			at(0),
			i,
			owner,
		)
		fmt.Fprintf(
			&b,
			`"victims":[{"ref":"V1","name":"Child %d","dob":"2008-01-01","added":%q},{"ref":"V2","name":"Adult %d","dob":"1990-02-02","added":%q}],`,
			i,
			at(0),
			i,
			at(1),
		)
		status := []string{"interviewed", "", "arrested", "no_further_action", "located", "charged"}[i%6]
		fmt.Fprintf(
			&b,
			`"suspects":[{"ref":"S1","name":"Suspect %d","added":%q,"status":%q,"status_on":%q},{"ref":"S2","description":"a man in a van","added":%q}],`,
			i,
			at(1),
			status,
			at(4)[:10],
			at(2),
		)
		fmt.Fprintf(
			&b,
			`"actions":[{"ref":"A1","title":"Phone download","raised":%q,"raised_by":"B1","allocated_to":"B1","result":"done","resulted":%q,"filed":%q,"filed_by":"B2"},{"ref":"A2","title":"CCTV","raised":%q,"raised_by":"B2","allocated_to":"B1"}],`,
			at(1),
			at(5),
			at(6),
			at(2),
		)
		fmt.Fprintf(
			&b,
			`"contacts":[{"victim":"V1","at":%q,"kind":"account_taken","by":"B1"},{"victim":"V2","at":%q,"kind":"needs_assessment","method":"phone"}],`,
			at(1),
			at(3),
		)
		fmt.Fprintf(&b, `"reviews":[{"at":%q,"by":"B2","summary":"Reviewed %d"}]`, at(7), i)
		switch i % 6 {
		case 0:
			fmt.Fprintf(
				&b,
				`,"closure":{"outcome":"16","proposed":%q,"proposed_by":"B1","approved":%q,"approved_by":"B2","rationale":{"lines_considered":"all","why_none_remain":"none"}}`,
				at(30),
				at(31),
			)
		case 4:
			fmt.Fprintf(
				&b,
				`,"transfers":[{"at":%q,"to":"CSE Team South","reason":"boundary","by":"B2"}],"closure":{"outcome":"15","proposed":%q,"proposed_by":"B1"}`,
				at(8),
				at(9),
			)
		case 5:
			fmt.Fprintf(
				&b,
				`,"transfers":[{"at":%q,"to":"CSE Team South","reason":"boundary","by":"B2","accepted":%q,"owner":"B2"}]`,
				at(8),
				at(9),
			)
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

// TestImportMatchesRebuild: the import writes its events and projections
// in bulk, not through the command path. What it leaves — case documents,
// units and users, duty and flag rows, the inbox, the record of what was
// imported — must be exactly what folding its events from the log gives.
func TestImportMatchesRebuild(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		in := variedCaseFile(900) // several of the importer's flushes
		file, err := casefile.ReadJSONL(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		imp := service.SystemActor("import")
		rep, err := f.Svc.Import(ctx, imp, "varied.jsonl", file, false)
		if err != nil || rep.Cases != 900 {
			t.Fatalf("import: %+v %v", rep, err)
		}

		want, diff, err := replay.Compare(ctx, db)
		if err != nil || diff != nil {
			t.Fatalf("the imported projections differ from a rebuild from the log: %v %v", diff, err)
		}
		// The inbox is a projection of finding, escalation and alert events.
		var events int64
		wantInbox := map[string][]string{}
		item := func(seq int64, caseID, kind, text string) string {
			return fmt.Sprintf("%d %s %s %s", seq, caseID, kind, text)
		}
		if err := db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
			events++
			if e.Seq != events {
				t.Fatalf("event %d has sequence number %d", events, e.Seq)
			}
			switch e.Type {
			case domain.EvFindingRaised:
				var p domain.FindingRaised
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return err
				}
				if p.Finding.MustAct != "" {
					wantInbox[p.Finding.MustAct] = append(wantInbox[p.Finding.MustAct], item(e.Seq, e.CaseID, "finding", p.Finding.Detail))
				}
			case domain.EvAlertSent:
				var p domain.AlertSent
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return err
				}
				if p.Kind == domain.AlertDecision {
					// History is not news: a closure proposed years ago
					// is on the approver's work list, not in their inbox.
					t.Errorf("the import alerted %s: %s", p.To, p.Text)
				}
				wantInbox[p.To] = append(wantInbox[p.To], item(e.Seq, e.CaseID, p.Kind, p.Text))
			case domain.EvDutyEscalated:
				var p domain.DutyEscalated
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return err
				}
				if p.To != "" {
					wantInbox[p.To] = append(wantInbox[p.To], item(e.Seq, e.CaseID, "escalation", p.Text))
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if events != want.Events {
			t.Fatalf("scanned %d events, the rebuild folded %d", events, want.Events)
		}
		for id := range want.Org.Users {
			rows, err := db.Inbox(ctx, id, 100000)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := len(rows) - 1; i >= 0; i-- { // newest first
				got = append(got, item(rows[i].Seq, rows[i].CaseID, rows[i].Kind, rows[i].Text))
			}
			if fmt.Sprint(got) != fmt.Sprint(wantInbox[id]) {
				t.Fatalf("inbox of %s:\n%v\nthe log says\n%v", id, got, wantInbox[id])
			}
		}

		// Duty and flag rows are indexes of the case documents: rebuild them.
		var wantDuties []store.DutyRow
		var wantFlags []store.FlagRow
		open := 0
		for _, c := range want.Cases {
			if c.Status != domain.StatusClosed {
				open++
			}
			for _, d := range c.OpenDuties() {
				wantDuties = append(
					wantDuties,
					store.DutyRow{ID: d.ID, CaseID: c.ID, CaseRef: c.Ref, Kind: d.Kind, Accountable: d.Accountable,
						TeamID: d.TeamID, Due: d.Due.UTC(), Escalation: d.Escalation, NextAt: d.NextAt.UTC(), Subject: d.Subject},
				)
			}
			for _, fl := range c.Flags() {
				wantFlags = append(wantFlags, store.FlagRow{CaseID: c.ID, Kind: fl.Kind, Since: fl.Since.UTC()})
			}
		}
		if open < 600 || len(wantDuties) == 0 || len(wantFlags) == 0 {
			t.Fatalf(
				"the file should give open cases with duties and flags: %d open, %d duties, %d flags",
				open,
				len(wantDuties),
				len(wantFlags),
			)
		}
		end := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		gotDuties, err := db.DueDuties(ctx, end, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		for i := range gotDuties {
			gotDuties[i].Due, gotDuties[i].NextAt = gotDuties[i].Due.UTC(), gotDuties[i].NextAt.UTC()
		}
		sortBy(wantDuties, func(d store.DutyRow) string { return d.ID })
		sortBy(gotDuties, func(d store.DutyRow) string { return d.ID })
		if len(gotDuties) != len(wantDuties) {
			t.Fatalf("%d duty rows, the rebuild has %d open duties", len(gotDuties), len(wantDuties))
		}
		for i := range wantDuties {
			if w, g := wantDuties[i], gotDuties[i]; !w.Due.Equal(g.Due) || !w.NextAt.Equal(g.NextAt) || w.ID != g.ID || w.CaseID != g.CaseID ||
				w.CaseRef != g.CaseRef || w.Kind != g.Kind || w.Accountable != g.Accountable || w.TeamID != g.TeamID ||
				w.Escalation != g.Escalation ||
				w.Subject != g.Subject {
				t.Fatalf("duty row\n%+v\nthe rebuild says\n%+v", g, w)
			}
		}
		gotFlags, err := db.Flags(ctx, end)
		if err != nil {
			t.Fatal(err)
		}
		key := func(fl store.FlagRow) string { return fl.CaseID + "/" + fl.Kind }
		sortBy(wantFlags, key)
		sortBy(gotFlags, key)
		if len(gotFlags) != len(wantFlags) {
			t.Fatalf("%d flag rows, the rebuild has %d", len(gotFlags), len(wantFlags))
		}
		for i := range wantFlags {
			if w, g := wantFlags[i], gotFlags[i]; key(w) != key(g) || !w.Since.Equal(g.Since) {
				t.Fatalf("flag row %+v, the rebuild says %+v", g, w)
			}
		}

		// Each case imported is recorded under its source ref: importing
		// the file again changes nothing.
		before, _ := db.LatestSeq(ctx)
		again, err := f.Svc.Import(ctx, imp, "varied.jsonl", file, false)
		if err != nil || again.Skipped != 900 || again.Cases != 0 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("re-importing wrote %d events", after-before)
		}
	})
}

func sortBy[T any](xs []T, key func(T) string) {
	sort.Slice(xs, func(i, j int) bool { return key(xs[i]) < key(xs[j]) })
}
