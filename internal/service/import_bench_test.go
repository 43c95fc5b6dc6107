package service_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// syntheticCaseFile is n closed cases with a typical history: two victims
// (one with a contact plan, support referral, needs assessment and the
// decision notified), a suspect, three actions (one with a target date),
// contacts, the investigation plan, a review and a closure.
func syntheticCaseFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString(
		`{"type":"officer","ref":"B1","name":"DC Bench One","collar":"B1","rank":"constable","unit":"CSE Team North","roles":["investigator"]}` + "\n",
	)
	b.WriteString(
		`{"type":"officer","ref":"B2","name":"DS Bench Two","collar":"B2","rank":"sergeant","unit":"CSE Team North","roles":["supervisor"]}` + "\n",
	)
	t0 := time.Date(2012, 1, 1, 9, 0, 0, 0, time.UTC)
	at := func(i, d int) string {
		return t0.Add(time.Duration(i)*time.Hour + time.Duration(d)*24*time.Hour).Format(time.RFC3339)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(
			&b,
			`{"type":"case","ref":"BENCH/%d","team":"CSE Team North","opened":%q,"summary":"Synthetic referral %d: missing episodes, older associates","offence_types":["child_sexual_exploitation"],"owner":"B1",`+
				`"victims":[{"ref":"V1","name":"Child %d","dob":"2001-01-01","added":%q,`+
				`"contact_plan":{"every_days":28,"method":"visit","agreed":%q,"by":"B1"},"support_referral":%q,"needs_assessment":%q,`+
				`"notifications":[{"decision":"investigation closed","at":%q,"method":"visit","by":"B1"}]},`+
				`{"ref":"V2","name":"Child %dB","dob":"2002-02-02","added":%q}],`+
				`"suspects":[{"ref":"S1","name":"Adult %d","added":%q,"status":"interviewed","status_on":%q}],`+
				`"actions":[{"ref":"A1","title":"Phone download","raised":%q,"raised_by":"B1","allocated_to":"B1","result":"done","resulted":%q,"filed":%q,"filed_by":"B2"},{"ref":"A2","title":"CCTV","raised":%q,"raised_by":"B1"},{"ref":"A3","title":"House to house","raised":%q,"raised_by":"B1","allocated_to":"B1","target":%q}],`+
				`"contacts":[{"victim":"V1","at":%q,"kind":"account_taken","by":"B1"},{"victim":"V2","at":%q,"kind":"update","by":"B1"}],`+
				`"reviews":[{"at":%q,"by":"B2","summary":"Reviewed"}],"plan":{"text":"Accounts, phones, suspects","by":"B1","at":%q},`+
				`"closure":{"outcome":"16","proposed":%q,"proposed_by":"B1","approved":%q,"approved_by":"B2"}}`+"\n",
			i,
			at(i, 0),
			i,
			i,
			at(i, 0),
			at(i, 1),
			at(i, 1),
			at(i, 2),
			at(i, 62),
			i,
			at(i, 1),
			i,
			at(i, 2),
			at(i, 20)[:10],
			at(
				i,
				1,
			),
			at(i, 10),
			at(i, 11),
			at(i, 2),
			at(i, 3),
			at(i, 17),
			at(i, 1),
			at(i, 5),
			at(i, 30),
			at(i, 2),
			at(i, 60),
			at(i, 61),
		)
	}
	return b.Bytes()
}

// BenchmarkImport imports HOLDFAST_BENCH_IMPORT cases (default 10,000) into
// a fresh SQLite file, or with HOLDFAST_BENCH_ENGINE=postgres a fresh schema
// on HOLDFAST_TEST_POSTGRES; docs/benchmarks.md records the 100,000 figure.
func BenchmarkImport(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("HOLDFAST_BENCH_IMPORT")); err == nil {
		n = v
	}
	engine := "sqlite"
	if e := os.Getenv("HOLDFAST_BENCH_ENGINE"); e != "" {
		engine = e
	}
	in := syntheticCaseFile(n)
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := testdb.Open(b, engine)
		f := fixture.New(b, db)
		b.StartTimer()
		file, err := casefile.ReadJSONL(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "bench.jsonl", file, false)
		if err != nil || rep.Cases != n {
			b.Fatalf("%+v %v", rep, err)
		}
		b.ReportMetric(float64(rep.Events)/float64(n), "events/case")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkSweepStanding is the watchdog after a large import of historic
// closures, each closed with lines of enquiry open: every one carries a
// standing closed_with_open_work finding for good. "first" raises them;
// "steady" is the scheduled sweep after that (standing findings not read);
// "steady-list" is `holdfast sweep` listing them all. Size:
// HOLDFAST_BENCH_STANDING (default 2,000); docs/benchmarks.md has 20,000.
func BenchmarkSweepStanding(b *testing.B) {
	n := 2_000
	if v, err := strconv.Atoi(os.Getenv("HOLDFAST_BENCH_STANDING")); err == nil {
		n = v
	}
	db := testdb.Open(b, "sqlite")
	f := fixture.New(b, db)
	file, err := casefile.ReadJSONL(bytes.NewReader(syntheticCaseFile(n)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Svc.Import(ctx, service.SystemActor("import"), "bench.jsonl", file, false); err != nil {
		b.Fatal(err)
	}
	sys := service.SystemActor("watchdog")
	at := f.Clock.Now()
	timed := func(o service.SweepOptions) (time.Duration, *service.SweepReport) {
		start := time.Now()
		o.AsOf = at
		rep, err := f.Svc.Sweep(ctx, sys, o)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), rep
	}
	for b.Loop() {
		first, rep := timed(service.SweepOptions{Overdue: service.OverdueNone})
		if len(rep.Findings) < n {
			b.Fatalf("first sweep raised %d findings, want at least %d", len(rep.Findings), n)
		}
		steady, rep := timed(service.SweepOptions{Overdue: service.OverdueNone})
		if len(rep.Findings) != 0 {
			b.Fatalf("the steady sweep reported %d standing findings", len(rep.Findings))
		}
		list, rep := timed(service.SweepOptions{Overdue: service.OverdueList})
		if len(rep.Findings) < n {
			b.Fatalf("listing reported %d findings, want at least %d", len(rep.Findings), n)
		}
		b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
		b.ReportMetric(float64(steady.Microseconds())/1000, "steady-ms")
		b.ReportMetric(float64(list.Microseconds())/1000, "steady-list-ms")
	}
}
