package ledger_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A row inserted far beyond the end of the log (as far as the sequence
// goes) is named as the gap before it at once, not read towards as
// billions of empty ranges — the verifier reads ranges in parallel, and the
// latest sequence number is the attacker's to choose. The running ledger
// stops there too.
func TestEventFarBeyondTheLogIsNamed(t *testing.T) {
	for _, far := range []int64{1 << 40, math.MaxInt64} {
		testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
			r := newRig(t, db)
			size, err := r.log.Size(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r.exec(
				t,
				"INSERT INTO events (seq, at, actor, case_id, case_version, type, v, source, payload, prev_hash, hash) SELECT ?, at, actor, case_id, case_version, type, v, source, payload, prev_hash, hash FROM events WHERE seq = 5",
				far,
			)
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			rep, err := ledger.Verify(cctx, r.db, r.v, nil, time.Now())
			if err != nil {
				t.Fatalf("event %d: %v", far, err)
			}
			wantBad(t, rep, int64(size)+1, "missing (removed)")
		})
	}
}

// What was read before a row failed to read is checked first: an
// alteration there is the report, not the unreadable row after it.
func TestAlterationBeforeAnUnreadableRowIsNamed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		r.exec(t, "UPDATE events SET payload = ? WHERE seq = ?", `{"note":{"text":"nothing happened"}}`, 20)
		r.exec(t, "UPDATE events SET at = 'x' WHERE seq = ?", 30)
		wantBad(t, r.verify(t, nil), 20, "altered in place")
	})
}

// SQLite's tables are not STRICT: a number column altered to hold a REAL
// or TEXT reads back, through SQLite's conversions, as the number it was.
// The verifier refuses such a row instead of passing it.
func TestNumberColumnHoldingANonNumberIsRefused(t *testing.T) {
	for _, q := range []string{
		"UPDATE events SET case_version = case_version + 0.5 WHERE seq = 20",
		"UPDATE events SET case_version = CAST(case_version AS TEXT) || 'tampered' WHERE seq = 20",
		"UPDATE events SET v = v + 0.9 WHERE seq = 20",
	} {
		r := newRig(t, testdb.Open(t, "sqlite"))
		r.exec(t, q)
		rep, err := ledger.Verify(ctx, r.db, r.v, nil, time.Now())
		if err == nil && rep.OK {
			t.Errorf("%s: verified", q)
		}
	}
}

// The verifier opens the very file the store writes, whatever its name
// holds: "%61" is not "a", "#" is no fragment. A stale copy at the other
// name must not stand in for the record.
func TestVerifierReadsTheStoresOwnFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h%61#1.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := newRig(t, db)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the store did not write the file named: %v", err)
	}
	if rep := r.verify(t, nil); !rep.OK {
		t.Fatalf("clean record: %+v", rep)
	}
	r.exec(t, "UPDATE events SET payload = ? WHERE seq = ?", `{"note":{"text":"nothing happened"}}`, 20)
	wantBad(t, r.verify(t, nil), 20, "altered in place")
}

// A running ledger that is up to date costs little to ask its size: the
// verifier's chunks are made as needed, not all up front.
func TestCaughtUpLogAllocatesLittle(t *testing.T) {
	r := newRig(t, testdb.Open(t, "sqlite"))
	if _, err := r.log.Size(ctx); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 20 {
		if _, err := r.log.Size(ctx); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / 20; per > 64<<10 {
		t.Fatalf("a caught-up Size allocates %d bytes", per)
	}
}
