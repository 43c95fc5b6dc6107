package service_test

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// countedScans is a store that counts its passes over every case.
type countedScans struct {
	*sqlstore.DB
	scans atomic.Int32
}

func (s *countedScans) ScanCases(ctx context.Context, fn func(*domain.Case) error) error {
	s.scans.Add(1)
	return s.DB.ScanCases(ctx, fn)
}

// TestTriageJudgesOnlyChangedCases: the audits page decoded every case
// again (~450 ms at 2,300 cases) whenever any case changed, so under a
// force's steady writes it was never fast. After the first pass, a
// change is followed by reading only the cases whose version moved, and
// the queue is the one a full pass gives.
func TestTriageJudgesOnlyChangedCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := &countedScans{DB: db}
		f := fixture.New(t, st)
		closedWithVictim(t, f, f.Supervisor, auditRationale)
		open := f.Allocated(t)
		routine := service.TriageRequest{Preset: "routine"}
		first, err := f.Svc.Triage(ctx, f.Auditor, routine)
		if err != nil {
			t.Fatal(err)
		}
		if n := st.scans.Load(); n != 1 {
			t.Fatalf("%d passes over the cases for the first queue, want 1", n)
		}
		// A full pass, for comparison: criteria like the routine preset's
		// under a name never asked before, so never kept.
		fresh := 0
		full := func() *service.TriageResult {
			fresh++
			res, err := f.Svc.Triage(ctx, f.Auditor, service.TriageRequest{
				Criteria: &domain.AuditCriteria{Name: fmt.Sprintf("full %d", fresh)}})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		c := closedWithVictim(t, f, f.Supervisor, auditRationale)
		_, err = f.Svc.AddVictim(ctx, f.Investigator, open.ID, service.NewVictim{Version: open.Version, Name: "Child B",
			DateOfBirth: "2012-04-05"})
		if err != nil {
			t.Fatal(err)
		}
		scans := st.scans.Load()
		after, err := f.Svc.Triage(ctx, f.Auditor, routine)
		if err != nil {
			t.Fatal(err)
		}
		if n := st.scans.Load(); n != scans {
			t.Errorf("a change of two cases cost %d passes over every case, want none", n-scans)
		}
		want := full()
		if after.Total != first.Total+1 || !reflect.DeepEqual(after.Queue, want.Queue) ||
			!reflect.DeepEqual(after.Summary, want.Summary) {
			t.Errorf("after closing %s the kept queue (%d) differs from a full pass (%d):\n%+v\n%+v",
				c.Ref, after.Total, want.Total, after.Queue, want.Queue)
		}
	})
}
