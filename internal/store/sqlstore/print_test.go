package sqlstore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// scanPrint is the cases fingerprint by its definition: the count of cases
// and the sum of their versions, read from the cases themselves.
func scanPrint(t *testing.T, db *sqlstore.DB) store.CasesPrint {
	t.Helper()
	var p store.CasesPrint
	if err := db.Raw().QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(version), 0) FROM cases").
		Scan(&p.Cases, &p.Versions); err != nil {
		t.Fatal(err)
	}
	return p
}

func keptPrint(t *testing.T, db *sqlstore.DB) store.CasesPrint {
	t.Helper()
	p, err := db.CasesFingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func printCase(id string, version int64) *domain.Case {
	return &domain.Case{ID: id, Ref: "REF/" + id, TeamID: "team", Status: domain.StatusReferral,
		Version: version, UpdatedAt: time.Now().UTC()}
}

func putCase(c *domain.Case, prev int64) func(store.Tx) error {
	return func(tx store.Tx) error { return tx.PutCase(c, prev) }
}

// TestCasesFingerprintFollowsCases: the fingerprint the log head keeps
// moves with a new case (one or many at once) and with a command's new
// version, not with a read or a rewrite of a document that moves no
// version; and it is what summing the cases gives.
func TestCasesFingerprintFollowsCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		want := store.CasesPrint{}
		check := func(step string) {
			t.Helper()
			if got := keptPrint(t, db); got != want {
				t.Fatalf("%s: fingerprint %+v, want %+v", step, got, want)
			}
			if got := scanPrint(t, db); got != want {
				t.Fatalf("%s: the cases sum to %+v, want %+v", step, got, want)
			}
		}
		check("empty")
		if err := db.Write(ctx, putCase(printCase("c1", 1), 0)); err != nil {
			t.Fatal(err)
		}
		want = store.CasesPrint{Cases: 1, Versions: 1}
		check("a new case")
		if err := db.Write(ctx, putCase(printCase("c1", 2), 1)); err != nil {
			t.Fatal(err)
		}
		want.Versions = 2
		check("a command")
		if _, err := db.Case(ctx, "c1"); err != nil {
			t.Fatal(err)
		}
		if err := db.ScanCases(ctx, func(*domain.Case) error { return nil }); err != nil {
			t.Fatal(err)
		}
		check("reads")
		if err := db.Write(ctx, func(tx store.Tx) error {
			_, err := sqlstore.TxExec(tx, "UPDATE cases SET doc = doc WHERE id = ?", "c1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		check("a document rewritten at its version")
		if err := db.Write(ctx, func(tx store.Tx) error {
			return tx.PutNewCases([]*domain.Case{printCase("c2", 3), printCase("c3", 1)})
		}); err != nil {
			t.Fatal(err)
		}
		want = store.CasesPrint{Cases: 3, Versions: 6}
		check("cases written in bulk")
	})
}

// TestCasesFingerprintAfterRandomWrites: writes grouped into batches, some
// failing (an error after the case is written, a panic, a stale version, a
// reference taken), leave the kept fingerprint equal to the cases' sum.
func TestCasesFingerprintAfterRandomWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
		var mu sync.Mutex
		versions := map[string]int64{} // as committed
		next := 0
		db.SlowCommits(5 * time.Millisecond) // so writers pile up and group
		for round := range 6 {
			var wg sync.WaitGroup
			for w := range 12 {
				mu.Lock()
				kind := rng.IntN(8)
				var id string
				var prev int64
				if kind < 3 || len(versions) == 0 {
					next++
					id = fmt.Sprintf("r%03d", next)
				} else {
					id = fmt.Sprintf("r%03d", 1+rng.IntN(next))
					prev = versions[id]
				}
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := printCase(id, prev+1+int64(w%3))
					var fn func(store.Tx) error
					switch {
					case kind == 3: // fails after writing
						fn = func(tx store.Tx) error {
							if err := tx.PutCase(c, prev); err != nil {
								return err
							}
							return errors.New("changed its mind")
						}
					case kind == 4: // panics after writing
						fn = func(tx store.Tx) error {
							if err := tx.PutCase(c, prev); err != nil {
								return err
							}
							panic("boom")
						}
					case kind == 5 && prev > 0: // stale: a conflict
						fn = putCase(c, prev+100)
					case kind == 6: // a reference another case holds
						c.Ref = "REF/r001"
						fn = putCase(c, 0)
					case kind == 7: // many new cases at once, one of them
						mu.Lock()
						next++
						other := fmt.Sprintf("r%03d", next)
						mu.Unlock()
						o := printCase(other, 2)
						if prev > 0 {
							fn = putCase(c, prev)
							break
						}
						fn = func(tx store.Tx) error { return tx.PutNewCases([]*domain.Case{c, o}) }
						err := db.Write(ctx, fn)
						if err == nil {
							mu.Lock()
							versions[id], versions[other] = c.Version, o.Version
							mu.Unlock()
						}
						return
					default:
						fn = putCase(c, prev)
					}
					if err := db.Write(ctx, fn); err == nil {
						mu.Lock()
						versions[id] = c.Version
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if got, sum := keptPrint(t, db), scanPrint(t, db); got != sum {
				t.Fatalf("round %d: fingerprint %+v, but the cases sum to %+v", round, got, sum)
			}
		}
		want := store.CasesPrint{Cases: int64(len(versions))}
		for _, v := range versions {
			want.Versions += v
		}
		if got := keptPrint(t, db); got != want {
			t.Fatalf("fingerprint %+v, want %+v from the writes acknowledged", got, want)
		}
	})
}

// TestCasesFingerprintKilledBatch: a batch whose connection is killed
// commits nothing, the fingerprint's move included.
func TestCasesFingerprintKilledBatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Engine() == sqlstore.EngineSQLite {
			t.Skip("PostgreSQL only")
		}
		if err := db.Write(ctx, putCase(printCase("k1", 1), 0)); err != nil {
			t.Fatal(err)
		}
		before := keptPrint(t, db)
		errs := batchOf(t, db, putCase(printCase("k1", 2), 1), func(tx store.Tx) error {
			if err := tx.PutCase(printCase("k2", 1), 0); err != nil {
				return err
			}
			var pid int
			if err := sqlstore.TxQueryRow(tx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
				return err
			}
			if _, err := db.Raw().ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
				return err
			}
			time.Sleep(50 * time.Millisecond)
			return nil
		}, putCase(printCase("k3", 1), 0))
		for i, err := range errs {
			if err == nil {
				t.Errorf("write %d acknowledged on a killed connection", i)
			}
		}
		if got := keptPrint(t, db); got != before || got != scanPrint(t, db) {
			t.Fatalf("fingerprint %+v after the killed batch, want %+v (the cases sum to %+v)", got, before, scanPrint(t, db))
		}
		if err := db.Write(ctx, putCase(printCase("k1", 2), 1)); err != nil {
			t.Fatal(err)
		}
		if got := keptPrint(t, db); got != scanPrint(t, db) || got.Versions != before.Versions+1 {
			t.Fatalf("fingerprint %+v after the next write, the cases sum to %+v", got, scanPrint(t, db))
		}
	})
}

// TestCasesFingerprintReadsNoCase: on PostgreSQL no index of cases holds
// version (TestCaseUpdateTouchesNoIndex), so summing it reads the whole
// table, on every links page load; the fingerprint must not read cases.
func TestCasesFingerprintReadsNoCase(t *testing.T) {
	dsn := testdb.PostgresSchema(t)
	testdb.OpenDSN(t, dsn)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.QueryContext(ctx, "EXPLAIN "+sqlstore.CasesFingerprintSQL)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "\n"); strings.Contains(p, " on cases") {
		t.Fatalf("the fingerprint reads the cases:\n%s", p)
	}
}
