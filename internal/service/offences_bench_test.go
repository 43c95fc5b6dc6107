package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkClassifyOffences is the upgrade at start over a record of
// 1,000 cases holding the free-text offence types of the old demo (two
// texts each, one unmapped in ten): the one transaction writing a
// case.offences_classified event per case.
func BenchmarkClassifyOffences(b *testing.B) {
	const n = 1000
	texts := [][]string{{"child_sexual_exploitation", "rape_of_a_child"}, {"sexual_activity_with_a_child", "cse"},
		{"assault_of_a_child_under_13_by_penetration", "grooming"}, {"indecent_images_of_children", "a local text"}}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := testdb.Open(b, "sqlite")
		f := fixture.New(b, db)
		for j := 0; j < n; j++ {
			ts := texts[j%3]
			if j%10 == 0 {
				ts = texts[3]
			}
			if _, err := service.OpenLegacyOffencesForTest(ctx, f.Svc, f.TeamA, ts); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		rep, err := f.Svc.ClassifyOffences(ctx, service.SystemActor("upgrade"), false)
		if err != nil || rep.Cases != n || len(rep.Unmapped) != 1 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
