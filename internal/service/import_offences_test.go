package service_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// historyFile: two closed NFA cases, each with a named suspect. On the
// first the suspect was arrested, interviewed, released under
// investigation and then NFA'd (a statuses list); on the second the old
// single status says only no_further_action, never interviewed. The
// first case's offences come in the source system's words, mapped by the
// file's offence_map lines and the classification.
const historyFile = `{"type":"officer","ref":"P300","name":"DC Lee Legacy","collar":"P300","rank":"constable","unit":"CSE Team North"}
{"type":"offence_map","text":"RAPE CHILD U13 (F)","code":"19E"}
{"type":"offence_map","text":"S6 ASSAULT BY PEN U13","code":"20b"}
{"type":"case","ref":"LEG/2015/0101","team":"CSE Team North","opened":"2015-01-05T10:00:00Z","summary":"Girl, 12","offence_types":["RAPE CHILD U13 (F)","s6 assault by pen u13","child_sexual_exploitation"],"owner":"P300","suspects":[{"ref":"S1","name":"Adam Smith","added":"2015-01-06T10:00:00Z","statuses":[{"status":"arrested","on":"2015-01-10"},{"status":"interviewed","on":"2015-01-10"},{"status":"released_under_investigation","on":"2015-01-11"},{"status":"no_further_action","on":"2015-02-20"}]}],"closure":{"outcome":"15","proposed":"2015-03-01T09:00:00Z","proposed_by":"P300","approved":"2015-03-02T09:00:00Z","approved_by":"P300"}}
{"type":"case","ref":"LEG/2016/0102","team":"CSE Team North","opened":"2016-01-05T10:00:00Z","summary":"Girl, 13","offence_types":["19E"],"owner":"P300","suspects":[{"ref":"S1","name":"Bob Jones","added":"2016-01-06T10:00:00Z","status":"no_further_action","status_on":"2016-02-01"}],"closure":{"outcome":"15","proposed":"2016-03-01T09:00:00Z","proposed_by":"P300","approved":"2016-03-02T09:00:00Z","approved_by":"P300"}}
`

// TestImportSuspectHistory (issue 22, item 4): a suspect's statuses list
// becomes one status change per entry, with its date, on the record; a
// suspect interviewed and later NFA'd is not "never interviewed" to
// triage, while one whose only status is NFA still is; the file's
// offence_map lines and the classification map its offence texts to
// codes; the log replays, and exporting writes the history back.
func TestImportSuspectHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		file, err := casefile.ReadJSONL(strings.NewReader(historyFile))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "legacy.jsonl", file, false)
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.CaseByRef(ctx, rep.Refs[0])
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(a.OffenceTypes, ","); got != "19E,20B,CSE" {
			t.Errorf("offences %s, want 19E,20B,CSE", got)
		}
		s := a.Suspects[0]
		var hist []string
		for _, h := range s.History {
			hist = append(hist, string(h.Status)+"@"+h.On)
		}
		want := "arrested@2015-01-10,interviewed@2015-01-10,released_under_investigation@2015-01-11,no_further_action@2015-02-20"
		if strings.Join(hist, ",") != want || s.Status != domain.SuspectNFA {
			t.Fatalf("suspect %s history %v, want %s", s.Status, hist, want)
		}
		b, _ := db.CaseByRef(ctx, rep.Refs[1])
		if len(b.Suspects[0].History) != 1 {
			t.Errorf("the single status/status_on is still taken: %+v", b.Suspects[0].History)
		}
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("replay: %v %v", diff, err)
		}

		res, err := f.Svc.Triage(ctx, f.Auditor, service.TriageRequest{Criteria: &domain.AuditCriteria{Name: "all closed"}})
		if err != nil {
			t.Fatal(err)
		}
		flagged := map[string]bool{}
		for _, e := range res.Queue {
			for _, r := range e.Reasons {
				if r.Code == audit.ReasonSuspectNotInterviewed {
					flagged[e.Ref] = true
				}
			}
		}
		if flagged[a.Ref] {
			t.Errorf("%s: a suspect interviewed and later NFA'd is flagged never interviewed", a.Ref)
		}
		if !flagged[b.Ref] {
			t.Errorf("%s: a suspect NFA'd with no interview in the history is not flagged", b.Ref)
		}

		var buf bytes.Buffer
		if _, err := f.Svc.Export(ctx, f.Admin, service.ExportFilter{Refs: []string{a.Ref}}, &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, `"statuses":[{"status":"arrested","on":"2015-01-10"}`) ||
			!strings.Contains(out, `"offence_types":["19E","20B","CSE"]`) {
			t.Errorf("the export does not carry the history and codes: %s", out)
		}
	})
}

// TestImportRefusesUnmappedOffences: an offence text neither the file's
// offence_map nor the classification knows refuses the whole file, with
// the nearest titles; so does an offence_map naming no code; a suspect
// history out of order or with an unknown status is refused with its
// field.
func TestImportRefusesUnmappedOffences(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		bad := strings.Replace(historyFile, `"offence_types":["19E"]`, `"offence_types":["Rape of girl under 13"]`, 1)
		bad = strings.Replace(bad, `"code":"20b"`, `"code":"20Z"`, 1)
		bad = strings.Replace(bad, `{"status":"interviewed","on":"2015-01-10"}`, `{"status":"questioned","on":"2015-01-09"}`, 1)
		file, err := casefile.ReadJSONL(strings.NewReader(bad))
		rep, err := f.Svc.ImportRead(ctx, service.SystemActor("import"), "legacy.jsonl", file, err, false)
		var ps casefile.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("want problems, got %+v %v", rep, err)
		}
		got := map[string]string{}
		for _, p := range ps {
			got[p.Field] = p.Message
		}
		for field, frag := range map[string]string{
			"code":                           "20Z",
			"offence_types[1]":               "s6 assault by pen u13",
			"offence_types[0]":               "Rape of a female child under 13 (19E)",
			"suspects[0].statuses[1].on":     "before the change listed before it",
			"suspects[0].statuses[1].status": "questioned",
		} {
			if !strings.Contains(got[field], frag) {
				t.Errorf("%s: %q, want it to say %q (all: %v)", field, got[field], frag, ps)
			}
		}
		if n, _ := db.LatestSeq(ctx); n > 0 {
			cases, _ := db.CaseByRef(ctx, "CSE/2015/000001")
			if cases != nil {
				t.Error("a refused file imported a case")
			}
		}
	})
}
