package service_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkNoteOnNotedCase is one command (a note) on a case that already
// has 200 notes of a sentence or two, on each engine: the command
// `holdfast bench` runs, on a case as a long investigation leaves it.
// Issue 20: its cost should not grow with the notes before it. Each
// iteration adds a note, so run it a fixed number of times (-benchtime
// 100x) to compare. cpu-ns/op is the process's CPU a command (the test's
// and SQLite's; PostgreSQL's server is not counted), doc-bytes the case's
// document after.
func BenchmarkNoteOnNotedCase(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			db := testdb.Open(b, engine)
			f := fixture.New(b, db)
			c := f.Allocated(b)
			var err error
			for i := range 200 {
				f.Clock.Advance(time.Hour)
				if c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
					Text: fmt.Sprintf("Note %d: spoke to the school's safeguarding lead, who will send the "+
						"attendance record and the notes of the meeting on the 4th by Friday.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			start := cpuTime(b)
			for b.Loop() {
				if c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
					Text: "Checked the phone download"}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
			var n int
			q := "SELECT length(doc) FROM cases WHERE id = ?"
			if engine == "postgres" {
				q = strings.Replace(q, "?", "$1", 1)
			}
			if err := db.Raw().QueryRow(q, c.ID).Scan(&n); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n), "doc-bytes")
		})
	}
}

// cpuTime is the process's CPU time so far (user and system): on a
// loaded machine wall time counts the wait for a core too.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
