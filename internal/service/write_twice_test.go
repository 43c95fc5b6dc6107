package service_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// staleStore is the SQL store on PostgreSQL whose next prefetch of a case
// goes stale before its write holds the log head: the case's document is
// rewritten, its version unmoved, just after it is read. The write's first
// run is then undone and it runs again (sqlstore/optimistic.go), so every
// command through it runs its decision twice, the first on the old rows.
// again, if set, runs before each run of a write after its first; runs
// counts the runs of the last write.
type staleStore struct {
	*sqlstore.DB
	raw   *sql.DB
	stale atomic.Bool
	again func()
	runs  atomic.Int32
}

func (s *staleStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	s.runs.Store(0)
	return s.DB.Write(ctx, func(tx store.Tx) error {
		if s.runs.Add(1) > 1 && s.again != nil {
			s.again()
		}
		return fn(tx)
	})
}

func (s *staleStore) PrefetchCase(ctx context.Context, id string) any {
	p := s.DB.PrefetchCase(ctx, id)
	if s.stale.Swap(false) {
		if _, err := s.raw.ExecContext(ctx, "UPDATE cases SET doc = doc || ' ' WHERE id = $1", id); err != nil {
			panic(err)
		}
	}
	return p
}

func openStaleStore(t *testing.T) *staleStore {
	t.Helper()
	dsn := testdb.DSN(t, "postgres")
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &staleStore{DB: testdb.OpenDSN(t, dsn), raw: raw}
}

// TestSuspectStatusDatedWhenItsWriteRan: a command run twice because its
// prefetched case went stale is dated by the run that counts. Setting a
// suspect's status without a date dates it today; the first run's today
// must not stick to the input and date the second, a day later.
func TestSuspectStatusDatedWhenItsWriteRan(t *testing.T) {
	ctx := context.Background()
	st := openStaleStore(t)
	f := fixture.New(t, st)
	svc := f.Svc
	c := f.Allocated(t)
	c = ok(t)(svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult X"}))
	sx := c.Suspects[0]
	// Just before midnight in London: the first run is on one day, the
	// second on the next.
	day := f.Clock.Now().In(clock.London)
	f.Clock.Set(time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, clock.London))
	st.again = func() { f.Clock.Advance(2 * time.Second) }
	st.stale.Store(true)
	c = ok(t)(svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version,
		Suspect: sx.ID, Status: domain.SuspectInterviewed}))
	if n := st.runs.Load(); n != 2 {
		t.Fatalf("the command's write ran %d times, want 2 (its prefetched case went stale)", n)
	}
	want := f.Clock.Now().In(clock.London).Format(time.DateOnly)
	h := c.Suspect(sx.ID).History
	if len(h) == 0 || h[len(h)-1].On != want {
		t.Fatalf("suspect's status dated %+v, want %s (the day the write that counted ran)", h, want)
	}
}
