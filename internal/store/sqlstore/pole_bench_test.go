package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/persons"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkPoleMatch: matching one newly recorded person against the POLE
// index as the service does it on record (service.matchIndex): each
// blocking key one indexed range of pole_keys (capped), the candidates
// read with their cases, each scored by the stored model. The probe is an
// indexed person recorded again with a typo in the family name and the
// day and month of birth transposed.
//
// HOLDFAST_BENCH_POLE sets the number of indexed people (default 100000;
// the figure is 1000000), HOLDFAST_BENCH_ENGINE the engine
// (sqlite, postgres or both; default sqlite). Filling a million people
// takes minutes, so the index is kept: on SQLite as a file in
// HOLDFAST_BENCH_CACHE (default the system temporary directory), on
// PostgreSQL as a schema named after the size, and each run reads it.
// The benchmark only reads, so the kept copy is not spoiled.
func BenchmarkPoleMatch(b *testing.B) {
	n := 100_000
	if v := os.Getenv("HOLDFAST_BENCH_POLE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	engines := []string{"sqlite"}
	switch e := os.Getenv("HOLDFAST_BENCH_ENGINE"); e {
	case "", "sqlite":
	case "postgres":
		engines = []string{"postgres"}
	case "both":
		engines = testdb.Engines
	default:
		b.Fatalf("HOLDFAST_BENCH_ENGINE=%q: sqlite, postgres or both", e)
	}
	for _, engine := range engines {
		b.Run(fmt.Sprintf("%s/%d", engine, n), func(b *testing.B) {
			db, kept := poleBenchDB(b, engine, n)
			benchMatch(b, db, kept)
		})
	}
}

func benchMatch(b *testing.B, db *sqlstore.DB, kept []domain.Suspect) {
	ctx := context.Background()
	model := persons.DefaultModel()
	type probe struct {
		p    store.PolePerson
		keys []store.PoleKey
		want string
	}
	probes := make([]probe, len(kept))
	for i, s := range kept {
		want := s.ID
		s.ID = "probe"
		s.Name = s.Name[:len(s.Name)-1] + "x"
		if d := s.DateOfBirth; d[8:] <= "12" {
			s.DateOfBirth = d[:5] + d[8:] + "-" + d[5:7]
		}
		c := &domain.Case{ID: "probe-case", Suspects: []domain.Suspect{s}}
		people, keys, _ := store.PoleEntries(c)
		probes[i] = probe{people[0], keys, want}
	}
	var took []time.Duration
	found, cands, matched, i := 0, 0, 0, 0
	cpu0 := cpuTime()
	for b.Loop() {
		pr := probes[i%len(probes)]
		i++
		start := time.Now()
		cs, err := db.PoleCandidates(ctx, pr.keys, poleBenchPerKey)
		if err != nil {
			b.Fatal(err)
		}
		rec, hit := pr.p.Record(), false
		for _, c := range cs {
			pair, _ := model.Score(rec, c.Record())
			if pair.Probability >= 0.9 {
				matched++
				hit = hit || c.PersonID == pr.want
			}
		}
		took = append(took, time.Since(start))
		cands += len(cs)
		if hit {
			found++
		}
	}
	// The processor time a match, every goroutine and SQLite's work
	// included: on a shared machine the wall times wait for a core.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(i), "cpu-ms/op")
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(cands)/float64(i), "candidates/op")
	b.ReportMetric(float64(matched)/float64(i), "matches/op")
	b.ReportMetric(float64(found)/float64(i), "found/op")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-MiB") // Linux reports KiB
	}
	if found < i*9/10 {
		b.Errorf("the probe's true match found %d times in %d", found, i)
	}
}

// poleBenchVersion changes whenever what fillPole builds does, so a kept
// index from an older build is never measured.
const poleBenchVersion = 1

// poleBenchDB opens the kept index of n people on engine, building it
// first if there is none, and answers the people to probe with.
func poleBenchDB(b *testing.B, engine string, n int) (*sqlstore.DB, []domain.Suspect) {
	b.Helper()
	ctx := context.Background()
	var dsn string
	switch engine {
	case "sqlite":
		dir := os.Getenv("HOLDFAST_BENCH_CACHE")
		if dir == "" {
			dir = os.TempDir()
		}
		dsn = filepath.Join(dir, fmt.Sprintf("holdfast-pole-bench-v%d-%d.db", poleBenchVersion, n))
	case "postgres":
		base := os.Getenv(testdb.PostgresEnv)
		if base == "" {
			b.Skipf("%s is not set", testdb.PostgresEnv)
		}
		schema := fmt.Sprintf("pole_bench_v%d_%d", poleBenchVersion, n)
		a, err := sql.Open("pgx", base)
		if err != nil {
			b.Fatal(err)
		}
		_, err = a.Exec("CREATE SCHEMA IF NOT EXISTS " + schema)
		a.Close()
		if err != nil {
			b.Fatal(err)
		}
		u, err := url.Parse(base)
		if err != nil {
			b.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	db := testdb.OpenDSN(b, dsn)
	if got, err := db.PoleCount(ctx); err != nil {
		b.Fatal(err)
	} else if got != n {
		if got != 0 {
			b.Fatalf("the kept index holds %d people, not %d: remove it", got, n)
		}
		fillPole(b, db, n)
	}
	return db, keptPeople(n)
}

// Invented names: syllables enough that a large index has the spread of
// a real one, family names drawn by Zipf's law so that a few are common
// (the keys of "Smith" are the ones the per-key cap is for).
var syllables = []string{"ab", "al", "an", "ar", "ba", "be", "da", "el", "fa", "ga", "ha", "is", "ja", "ka",
	"la", "ma", "mo", "na", "ol", "pa", "ra", "sa", "ta", "ul", "va", "wa", "ya", "za"}

func inventedName(r *rand.Rand, parts int) string {
	s := ""
	for range parts {
		s += syllables[r.IntN(len(syllables))]
	}
	return string(s[0]-32) + s[1:]
}

// benchPeople generates the index's people in order, calling each for
// every one; the same seed gives the same people every run.
func benchPeople(n int, each func(i int, s domain.Suspect)) {
	r := rand.New(rand.NewPCG(19, 1))
	families := make([]string, 30_000)
	for i := range families {
		families[i] = inventedName(r, 3)
	}
	zipf := rand.NewZipf(r, 1.05, 4, uint64(len(families)-1))
	for i := range n {
		s := domain.Suspect{
			ID:          "s" + strconv.Itoa(i),
			Name:        inventedName(r, 2) + " " + families[zipf.Uint64()],
			DateOfBirth: fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28)),
			Phone:       fmt.Sprintf("07%03d %06d", 100+r.IntN(900), r.IntN(1_000_000)),
			Address: fmt.Sprintf("%d %s Road, %s %c%c%d %d%c%c", 1+r.IntN(200), inventedName(r, 2),
				inventedName(r, 2), 'A'+r.IntN(26), 'A'+r.IntN(26), 1+r.IntN(20), r.IntN(10), 'A'+r.IntN(26),
				'A'+r.IntN(26)),
			Status: domain.SuspectIdentified,
		}
		each(i, s)
	}
}

// keptPeople are the people probed: every 997th, with a rare enough
// family name that the true match is not behind a capped key alone.
func keptPeople(n int) []domain.Suspect {
	var kept []domain.Suspect
	benchPeople(n, func(i int, s domain.Suspect) {
		if i%997 == 0 {
			kept = append(kept, s)
		}
	})
	return kept
}

const benchPerCase = 10

// fillPole writes n people (ten a case) straight into the index tables
// and minimal case rows, in multi-row inserts: the index is what is
// measured, and a million people through the command path would take
// most of an hour here.
func fillPole(b *testing.B, db *sqlstore.DB, n int) {
	b.Helper()
	start := time.Now()
	raw := db.Raw()
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	pg := db.Engine() == "postgres"
	if !pg {
		// Keys arrive in random order: with the default small page cache
		// each insert into pole_keys' primary key reads its page back from
		// the log, and a million people take hours. 2 GB holds the index.
		if _, err := tx.Exec("PRAGMA cache_size = -2000000"); err != nil {
			b.Fatal(err)
		}
	}
	ins := newBulk(tx, pg)
	updated := time.Unix(0, 0).UTC().Format("2006-01-02T15:04:05.000000000Z")
	var c *domain.Case
	flush := func() {
		if c == nil {
			return
		}
		ins.add("cases (id, ref, team_id, owner_id, status, version, updated_at, doc)",
			[]any{c.ID, c.Ref, "team-" + strconv.Itoa(len(c.Ref)%7), "", string(domain.StatusOpen), 1, updated, "{}"})
		people, keys, digest := store.PoleEntries(c)
		for i := range people {
			ins.add("pole_people ("+strings.Join(store.PolePeopleColumns, ", ")+")", strs(store.PersonRow(&people[i])))
		}
		for i := range keys {
			ins.add("pole_keys ("+strings.Join(store.PoleKeyColumns, ", ")+")", strs(store.KeyRow(&keys[i])))
		}
		ins.add("pole_digests (case_id, digest)", []any{c.ID, digest})
	}
	benchPeople(n, func(i int, s domain.Suspect) {
		if i%benchPerCase == 0 {
			flush()
			k := i / benchPerCase
			c = &domain.Case{ID: "bench-" + strconv.Itoa(k), Ref: fmt.Sprintf("CSE/2026/%07d", k)}
		}
		c.Suspects = append(c.Suspects, s)
		if i%100_000 == 99_999 {
			b.Logf("%d people in %v", i+1, time.Since(start).Round(time.Second))
		}
	})
	flush()
	if err := ins.flushAll(); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if pg {
		if _, err := raw.Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("indexed %d people in %v", n, time.Since(start).Round(time.Second))
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// bulk batches rows by table into multi-row INSERTs.
type bulk struct {
	tx   *sql.Tx
	pg   bool
	rows map[string][][]any
	err  error
}

func newBulk(tx *sql.Tx, pg bool) *bulk { return &bulk{tx: tx, pg: pg, rows: map[string][][]any{}} }

func (w *bulk) add(into string, row []any) {
	w.rows[into] = append(w.rows[into], row)
	if len(w.rows[into])*len(row) >= 30_000 {
		w.flush(into)
	}
}

func (w *bulk) flush(into string) {
	rows := w.rows[into]
	if len(rows) == 0 || w.err != nil {
		return
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + into + " VALUES ")
	args := make([]any, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j, v := range r {
			if j > 0 {
				sb.WriteString(", ")
			}
			if w.pg {
				sb.WriteString("$" + strconv.Itoa(len(args)+1))
			} else {
				sb.WriteByte('?')
			}
			args = append(args, v)
		}
		sb.WriteByte(')')
	}
	_, w.err = w.tx.Exec(sb.String(), args...)
	w.rows[into] = rows[:0]
}

func (w *bulk) flushAll() error {
	// Cases first: on PostgreSQL nothing references them, but keep the order
	// a reader would expect.
	for _, t := range []string{"cases", "pole_people", "pole_keys", "pole_digests"} {
		for into := range w.rows {
			if strings.HasPrefix(into, t+" ") {
				w.flush(into)
			}
		}
	}
	return w.err
}

// poleBenchPerKey is the service's cap on one key's people (matchPerKey).
const poleBenchPerKey = 200

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
