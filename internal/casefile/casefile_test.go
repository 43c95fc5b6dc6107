package casefile

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExampleFileReads(t *testing.T) {
	b, err := os.ReadFile("testdata/example.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ReadJSONL(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Units) != 1 || len(f.Officers) != 2 || len(f.Cases) != 2 {
		t.Fatalf("read %d units, %d officers, %d cases", len(f.Units), len(f.Officers), len(f.Cases))
	}
	if c := f.Cases[0]; c.N != 5 || c.Record.Closure == nil || c.Record.Closure.Outcome != "16" ||
		len(c.Record.Actions) != 2 {
		t.Fatalf("first case: line %d %+v", c.N, c.Record)
	}
	// The same case twice with the same contents is read once; key order
	// does not change a record's hash.
	twice := append(
		append([]byte{}, b...),
		[]byte(
			`{"summary":"Referral from school: 15-year-old boy receiving gifts from an adult online","type":"case","ref":"LEG/2019/0007","team":"LEG-CSE","opened":"2019-02-11T10:00:00Z","offence_types":["grooming"],"owner":"P200","victims":[{"ref":"V1","name":"Child L3","dob":"2003-08-08","added":"2019-02-11T10:00:00Z"}],"actions":[{"ref":"A1","title":"Identify the account holder","raised":"2019-02-12T09:00:00Z","raised_by":"P200","allocated_to":"P200"}]}`+"\n",
		)...)
	f2, err := ReadJSONL(bytes.NewReader(twice))
	if err != nil || len(f2.Cases) != 2 {
		t.Fatalf("same case twice: %v, %d cases", err, len(f2.Cases))
	}
}

func TestProblemsNameLineAndField(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"case","ref":"X1","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s","offence_types":["cse"],"actions":[{"title":"a","raised":"2014-01-01T00:00:00Z","filed":"2015-02-01T00:00:00Z"}],"contacts":[{"victim":"V9","at":"2015-01-02T00:00:00Z","kind":"update"}]}`,
		`{"type":"unit","ref":"U","name":"","kind":"squad"}`,
		`{"type":"officer","ref":"O"}`,
	}, "\n")
	_, err := ReadJSONL(strings.NewReader(in))
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("want Problems, got %v", err)
	}
	got := ps.Error()
	for _, want := range []string{
		"line 1: actions[0].raised", "line 1: actions[0].filed", "line 1: contacts[0].victim",
		"line 2: name", "line 2: kind", "line 2: parent", "line 3: name", "line 3: collar", "line 3: rank", "line 3: unit",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestCSV(t *testing.T) {
	in := "ref,team,opened,summary,offence_types,outcome,closed,closed_by,approved_by\n" +
		"OLD/1,CSE Team North,2012-05-01,Missing from home,cse;rape,16,2012-09-01,P1,P2\n" +
		"OLD/2,CSE Team North,2012-13-01,Bad date,cse,,,,\n"
	f, err := ReadCSV(strings.NewReader(in))
	ps, ok := err.(Problems)
	if !ok || len(ps) < 1 || ps[0].Line != 3 || ps[0].Field != "opened" {
		t.Fatalf("want one problem on line 3 opened, got %v", err)
	}
	if c := f.Cases[0].Record; c.Closure == nil || c.Closure.Outcome != "16" || len(c.OffenceTypes) != 2 {
		t.Fatalf("row 2: %+v", c)
	}
	if _, err := ReadCSV(strings.NewReader("ref,colour\n")); err == nil || !strings.Contains(err.Error(), "colour") ||
		!strings.Contains(err.Error(), "team") {
		t.Fatalf("bad header: %v", err)
	}
}

// FuzzReadJSONL: no input makes the reader panic, and whatever it accepts
// it accepts consistently (each record has a line and a hash).
func FuzzReadJSONL(f *testing.F) {
	for _, name := range []string{"testdata/example.jsonl", "testdata/bad.jsonl"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(`{"type":"case"}`))
	f.Add([]byte(richCase))
	f.Add([]byte(`{"type":"case","ref":"C1","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s",` +
		`"offence_types":["cse"],"actions":[{"ref":"A1","title":"t","raised":"2015-01-01T00:00:00Z",` +
		`"allocated_to":"O","result":"r","outcome":"referred_on","reference":" S12 ","resulted":"2015-01-02T00:00:00Z"},` +
		`{"ref":"A2","title":"u","raised":"2015-01-01T00:00:00Z","outcome":"done","reference":"EX/1"}]}`))
	f.Add([]byte(historyCase))
	f.Add([]byte(recordsCase))
	f.Add([]byte(`{"type":"case","ref":"C1","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s",` +
		`"offence_types":["cse"],"victims":[{"ref":"V1","name":"v","added":"2015-01-01T00:00:00Z"}],` +
		`"contacts":[{"victim":"V1","at":"2015-01-02T00:00:00Z","kind":"update","method":"phone",` +
		`"note":"Update: phone download still awaited","by":"O"}]}`))
	f.Add([]byte("{\"type\":\"unit\",\"ref\":\"U\",\"name\":\"bad \xff\",\"kind\":\"team\"}"))
	f.Add([]byte(`{"type":"unit","ref":"U","name":"\ud800","Kind":"team","ref":"V"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ReadJSONL(bytes.NewReader(b))
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("an error that is not a list of problems: %v", err)
			}
			return
		}
		// Strict as the API (issue 16): no line read is invalid UTF-8.
		for _, l := range bytes.Split(b, []byte("\n")) {
			if l = bytes.TrimSpace(l); len(l) > 0 && l[0] != '#' && !utf8.Valid(l) {
				t.Fatalf("accepted a line that is not UTF-8: %q", l)
			}
		}
		for _, c := range file.Cases {
			if c.N < 1 || c.Hash == "" || c.Record.Ref == "" {
				t.Fatalf("accepted a case without line, hash or ref: %+v", c)
			}
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("ref,team,opened,summary,offence_types\nA,T,2012-01-01,s,cse\n"))
	f.Add([]byte("ref,team\n\"unterminated\n"))
	f.Add(
		[]byte(
			"ref,team,opened,summary,offence_types,outcome,closed,closed_by\nA,T,2012-01-01,s,cse,16,2012-02-01,P1\n",
		),
	)
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ReadCSV(bytes.NewReader(b))
		if err == nil {
			for _, c := range file.Cases {
				if c.Record.Ref == "" || c.Record.Opened.IsZero() {
					t.Fatalf("accepted a case without ref or date: %+v", c)
				}
			}
		}
	})
}

func BenchmarkReadJSONL(b *testing.B) {
	in, _ := os.ReadFile("testdata/example.jsonl")
	for i := 0; i < b.N; i++ {
		ReadJSONL(bytes.NewReader(in))
	}
}

// TestReadJSONLInParallelIsInOrder: decoding a batch of lines on several
// cores gives exactly what decoding them on one does — records, hashes and
// problems in file order, and refs defined twice across batches found.
func TestReadJSONLInParallelIsInOrder(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3*jsonlBatch+17; i++ {
		switch {
		case i%97 == 0:
			b.WriteString("{not json\n")
		case i%89 == 0:
			fmt.Fprintf(
				&b,
				`{"type":"officer","ref":"O%d","name":"DC %d","collar":"C%d","rank":"constable","unit":"T"}`+"\n",
				i%3,
				i,
				i,
			)
		case i%83 == 0:
			b.WriteString("\n# a comment\n")
		case i%79 == 0:
			fmt.Fprintf(
				&b,
				`{"type":"case","ref":"X%d","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s","offence_types":["cse"],"colour":"red"}`+"\n",
				i,
			)
		default:
			fmt.Fprintf(
				&b,
				`{"type":"case","ref":"X%d","team":"T","opened":"2015-01-01T00:00:00Z","summary":"case %d","offence_types":["cse"],"owner":"O1"}`+"\n",
				i%2000,
				i%2000,
			)
		}
	}
	in := b.String()
	read := func(procs int) (*File, error) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return ReadJSONL(strings.NewReader(in))
	}
	one, err1 := read(1)
	many, errN := read(4)
	if !reflect.DeepEqual(one, many) || !reflect.DeepEqual(err1, errN) {
		t.Fatal("reading on four cores differs from reading on one")
	}
	ps, ok := errN.(Problems)
	if !ok || len(ps) == 0 {
		t.Fatalf("want the planted problems, got %v", errN)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Line < ps[i-1].Line && ps[i].Field != "ref" {
			t.Fatalf("problems out of file order: %v then %v", ps[i-1], ps[i])
		}
	}
	if !strings.Contains(errN.Error(), "officer O1 is defined twice") {
		t.Fatalf("an officer defined again in a later batch was not found:\n%v", errN)
	}
	refs := map[string]bool{}
	for _, c := range many.Cases {
		if refs[c.Record.Ref] {
			t.Fatalf("case %s read twice", c.Record.Ref)
		}
		refs[c.Record.Ref] = true
	}
	if len(refs) < 1900 {
		t.Fatalf("read only %d distinct cases", len(refs))
	}
}

// richCase carries every field a force's system holds beyond the basics.
const richCase = `{"type":"officer","ref":"O","name":"DS O","collar":"O1","rank":"sergeant","unit":"T","roles":["supervisor"],"left":"2016-01-01T00:00:00Z"}
{"type":"case","ref":"R1","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s","offence_types":["cse"],` +
	`"victims":[{"ref":"V1","name":"v","added":"2015-01-01T00:00:00Z","enhanced":false,` +
	`"contact_plan":{"every_days":14,"method":"phone","agreed":"2015-01-02T00:00:00Z","by":"O"},` +
	`"support_referral":"2015-01-02T00:00:00Z","needs_assessment":"2015-01-03T00:00:00Z",` +
	`"notifications":[{"decision":"suspect charged","at":"2015-02-01T00:00:00Z","method":"visit","by":"O"}]}],` +
	`"actions":[{"title":"a","raised":"2015-01-01T00:00:00Z","allocated_to":"O","target":"2015-01-15T00:00:00Z"},` +
	`{"title":"b","raised":"2015-01-01T00:00:00Z","allocated_to":"O","result":"r","outcome":"nothing_found",` +
	`"reference":"EX/O/1","resulted":"2015-01-10T00:00:00Z"}],` +
	`"plan":{"text":"p","by":"O","at":"2015-01-02T00:00:00Z"},` +
	`"closure":{"outcome":"16","proposed":"2015-03-01T00:00:00Z","proposed_by":"O","closed":"2015-03-02T00:00:00Z"}}
`

// TestRichFieldsReadAndChecked: the fields a force's system holds are read,
// and each wrong one is named with its line and field.
func TestRichFieldsReadAndChecked(t *testing.T) {
	f, err := ReadJSONL(strings.NewReader(richCase))
	if err != nil {
		t.Fatal(err)
	}
	k := f.Cases[0].Record
	v := k.Victims[0]
	if f.Officers[0].Record.Roles[0] != "supervisor" || v.Enhanced == nil || *v.Enhanced || v.ContactPlan.EveryDays != 14 ||
		v.SupportReferral.IsZero() || v.NeedsAssessment.IsZero() ||
		len(v.Notifications) != 1 ||
		k.Actions[0].Target.IsZero() ||
		k.Actions[1].Outcome != "nothing_found" || k.Actions[1].Reference != "EX/O/1" ||
		k.Plan.Text != "p" ||
		k.Closure.Closed.IsZero() {
		t.Fatalf("rich fields not read: %+v", k)
	}
	bad := `{"type":"officer","ref":"O","name":"DS O","collar":"O1","rank":"sergeant","unit":"T","roles":[""]}
{"type":"case","ref":"R1","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s","offence_types":["cse"],` +
		`"victims":[{"ref":"V1","name":"v","added":"2015-01-05T00:00:00Z",` +
		`"contact_plan":{"every_days":0,"agreed":"2015-01-02T00:00:00Z"},` +
		`"support_referral":"2015-01-02T00:00:00Z","notifications":[{"at":"2015-02-01T00:00:00Z"}]}],` +
		`"actions":[{"title":"a","raised":"2015-01-01T00:00:00Z","target":"2014-01-15T00:00:00Z"},` +
		`{"title":"b","raised":"2015-01-01T00:00:00Z","outcome":"completed","reference":"S12"}],` +
		`"plan":{"at":"2014-01-02T00:00:00Z"},` +
		`"closure":{"outcome":"16","proposed":"2015-03-01T00:00:00Z","proposed_by":"O","closed":"2015-03-02T00:00:00Z",` +
		`"approved":"2015-03-02T00:00:00Z","approved_by":"O"}}
`
	_, err = ReadJSONL(strings.NewReader(bad))
	got := fmt.Sprint(err)
	for _, want := range []string{"line 1: roles[0]", "line 2: victims[0].contact_plan.every_days",
		"line 2: victims[0].contact_plan.method", "line 2: victims[0].contact_plan.agreed",
		"line 2: victims[0].support_referral", "line 2: victims[0].notifications[0].decision",
		"line 2: actions[0].target",
		"line 2: actions[1].outcome: how a line of enquiry ended goes with its result: give result and resulted",
		"line 2: actions[1].reference: a statement or exhibit reference goes with a result: give result and resulted",
		"line 2: plan.text", "line 2: plan.at", "line 2: closure.closed"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

// TestCSVClosedApprovedByNobody: a row closed with no approver is a legacy
// closure approved by nobody, not one awaiting approval.
func TestCSVClosedApprovedByNobody(t *testing.T) {
	f, err := ReadCSV(strings.NewReader("ref,team,opened,summary,offence_types,outcome,closed,closed_by\n" +
		"OLD/1,T,2012-05-01,s,cse,16,2012-09-01,P1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cl := f.Cases[0].Record.Closure; cl == nil || cl.Closed.IsZero() || !cl.Approved.IsZero() ||
		cl.ApprovedBy != "" {
		t.Fatalf("closure: %+v", cl)
	}
}

// TestProblemsCountedInWords: a refused file says "1 problem" or "3
// problems", never "problem(s)".
func TestProblemsCountedInWords(t *testing.T) {
	one := Problems{{Line: 2, Field: "rank", Message: "“sgt” is not a rank"}}
	if got := one.Error(); !strings.HasPrefix(got, "1 problem; nothing was imported:") {
		t.Errorf("one problem reads %q", got)
	}
	three := append(one, Problem{Line: 3, Message: "a"}, Problem{Line: 4, Message: "b"})
	if got := three.Error(); !strings.HasPrefix(got, "3 problems; nothing was imported:") ||
		strings.Contains(got, "(s)") {
		t.Errorf("three problems read %q", got)
	}
}

// historyCase seeds the fuzzer with an offence mapping and a suspect's
// whole history.
const historyCase = `{"type":"offence_map","text":"RAPE CHILD U13 (F)","code":"19E"}
{"type":"case","ref":"R2","team":"T","opened":"2015-01-01T00:00:00Z","summary":"s","offence_types":["RAPE CHILD U13 (F)"],` +
	`"suspects":[{"ref":"S1","name":"n","added":"2015-01-02T00:00:00Z","statuses":[{"status":"arrested","on":"2015-01-03"},` +
	`{"status":"interviewed","on":"2015-01-03"},{"status":"no_further_action","on":"2015-02-01"}],"status":"no_further_action"}]}
`

// TestSuspectHistoryRead: the statuses list is read in order, a later
// single status agreeing with its end adds nothing, and a list out of
// order, before the suspect was added or undated is refused by field.
func TestSuspectHistoryRead(t *testing.T) {
	f, err := ReadJSONL(strings.NewReader(historyCase))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.OffenceMaps) != 1 || f.OffenceMaps[0].Record.Code != "19E" {
		t.Fatalf("offence maps %+v", f.OffenceMaps)
	}
	h := f.Cases[0].Record.Suspects[0].History()
	if len(h) != 3 || h[2].Status != "no_further_action" || h[2].On != "2015-02-01" {
		t.Fatalf("history %+v", h)
	}
	bad := strings.Replace(historyCase, `{"status":"interviewed","on":"2015-01-03"}`, `{"status":"interviewed","on":"2014-12-01"}`, 1)
	bad = strings.Replace(bad, `{"status":"arrested","on":"2015-01-03"}`, `{"status":"arrested","on":""}`, 1)
	_, err = ReadJSONL(strings.NewReader(bad))
	ps, _ := err.(Problems)
	fields := map[string]bool{}
	for _, p := range ps {
		fields[p.Field] = true
	}
	if !fields["suspects[0].statuses[0].on"] || !fields["suspects[0].statuses[1].on"] {
		t.Fatalf("problems %v: want the undated and the too-early change", ps)
	}
}

// TestJSONLStrictAsTheAPI: the import refuses what the API refuses and
// encoding/json would quietly change (issue 16): invalid UTF-8, a lone
// surrogate escape, a key given twice and a key in another case. Every
// such line is named at once, and nothing is read from the file.
func TestJSONLStrictAsTheAPI(t *testing.T) {
	b, err := os.ReadFile("testdata/example.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	kase := lines[4]
	if !strings.Contains(kase, `"summary":"`) {
		t.Fatalf("line 5 of the example is not a case with a summary: %s", kase)
	}
	bad := []struct{ from, to, want string }{
		{`"summary":"`, "\"summary\":\"bad \xff utf8 ", "line 5: the line is not valid UTF-8"},
		{`"summary":"`, `"summary":"surrogate \ud800 here `, `line 6: summary: field "summary" holds a \u escape`},
		{`"summary":"`, `"summary":"first","summary":"`, "line 7: summary: given twice"},
		{`"summary":"`, `"Summary":"`, `line 8: Summary: is spelt "summary"`},
		{`"type":"case"`, `"type":"case","type":"unit"`, "line 9: type: given twice"},
		{`"type":"case"`, `"Type":"case"`, `line 10: Type: is spelt "type"`},
	}
	in := lines[:4]
	for _, c := range bad {
		in = append(in, strings.Replace(kase, c.from, c.to, 1))
	}
	_, err = ReadJSONL(strings.NewReader(strings.Join(in, "\n")))
	ps, ok := err.(Problems)
	if !ok || len(ps) != len(bad) {
		t.Fatalf("want %d problems, got %v", len(bad), err)
	}
	got := ps.Error()
	for _, c := range bad {
		if !strings.Contains(got, c.want) {
			t.Errorf("report lacks %q:\n%s", c.want, got)
		}
	}
	// A surrogate pair is a character, not a problem.
	ok1 := strings.Replace(kase, `"summary":"`, `"summary":"a pair \ud83d\ude00 is fine `, 1)
	f, err := ReadJSONL(strings.NewReader(strings.Join(append(lines[:4:4], ok1), "\n")))
	if err != nil || len(f.Cases) != 1 || !strings.HasPrefix(f.Cases[0].Record.Summary, "a pair \U0001F600 is fine") {
		t.Fatalf("a surrogate pair: %v", err)
	}
}
