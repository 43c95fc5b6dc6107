package service_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
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
	// always makes every prefetch stale; first runs before a write's
	// first run.
	always       bool
	first, again func()
	runs         atomic.Int32
}

func (s *staleStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	s.runs.Store(0)
	return s.DB.Write(ctx, func(tx store.Tx) error {
		if n := s.runs.Add(1); n > 1 && s.again != nil {
			s.again()
		} else if n == 1 && s.first != nil {
			s.first()
		}
		return fn(tx)
	})
}

func (s *staleStore) PrefetchCase(ctx context.Context, id string) any {
	p := s.DB.PrefetchCase(ctx, id)
	if s.stale.Swap(false) || s.always {
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

// TestCommandsRunTwiceAsOnce: every case command whose write runs twice,
// its prefetched case stale each time, ends as it would had it run once.
// Two forces run the same commands; on one every prefetch goes stale.
// Each write's clock moves on an hour before the run that counts (the
// first once, the second twice), so a run's time kept past it shows, as
// does anything else a first run leaves behind. Ids are random: they are
// compared by where they first appear.
func TestCommandsRunTwiceAsOnce(t *testing.T) {
	run := func(twice bool) (string, int32) {
		ctx := context.Background()
		st := openStaleStore(t)
		f := fixture.New(t, st)
		svc := f.Svc
		c := f.Allocated(t)
		day := f.Clock.Now().In(clock.London)
		f.Clock.Set(time.Date(day.Year(), day.Month(), day.Day(), 20, 30, 0, 0, clock.London)) // the fourth command, twice, runs first before midnight, then after
		var runs atomic.Int32
		st.first = func() {
			if !twice {
				f.Clock.Advance(time.Hour)
			}
		}
		st.again = func() {
			runs.Add(1)
			f.Clock.Advance(time.Hour)
		}
		st.always = twice
		c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
			DateOfBirth: "2011-03-02"}))
		c = ok(t)(svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult X"}))
		sx := c.Suspects[0]
		c = ok(t)(svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Phone"}))
		c = ok(t)(svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version,
			Suspect: sx.ID, Status: domain.SuspectInterviewed}))
		c = ok(t)(svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: "A note"}))
		st.always = false
		c, err := svc.ViewCase(ctx, f.Investigator, c.Ref, "test")
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return byFirstAppearance(string(b)), runs.Load()
	}
	once, n1 := run(false)
	twice, n2 := run(true)
	if n1 != 0 || n2 != 5 {
		t.Fatalf("writes ran again %d times once, %d times twice; want 0 and 5", n1, n2)
	}
	if once != twice {
		t.Fatalf("commands run twice end otherwise than run once:\n once: %s\ntwice: %s", once, twice)
	}
}

var uuidLike = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// byFirstAppearance is s with each id replaced by the order it first
// appears in.
func byFirstAppearance(s string) string {
	seen := map[string]string{}
	return uuidLike.ReplaceAllStringFunc(s, func(id string) string {
		if _, ok := seen[id]; !ok {
			seen[id] = fmt.Sprintf("id%d", len(seen))
		}
		return seen[id]
	})
}
