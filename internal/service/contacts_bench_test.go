package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkCommandOldCase is one command (a note) on a case as old as the
// demo's largest: two victims with 75 contacts between them. It reports
// the process's CPU a command (user and system, cpu-ns/op) beside the wall
// time, which on a shared machine says little. Issue 20: the command's
// cost should not grow with the case's age.
func BenchmarkCommandOldCase(b *testing.B) {
	db := testdb.Open(b, "sqlite")
	f := fixture.New(b, db)
	c := f.Allocated(b)
	var err error
	for _, name := range []string{"Child A", "Child B"} {
		if c, err = f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: name,
			DateOfBirth: "2012-03-04"}); err != nil {
			b.Fatal(err)
		}
	}
	kinds := domain.ContactKinds()
	for i := range 75 {
		f.Clock.Advance(time.Hour)
		if c, err = f.Svc.RecordContact(ctx, f.Investigator, c.ID, service.RecordContact{Version: c.Version,
			Victim: c.Victims[i%2].ID, Kind: kinds[i%len(kinds)], Method: "phone",
			Note: "Spoke to her mother; told her where the enquiry stands"}); err != nil {
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
}
