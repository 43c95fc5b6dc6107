package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// batchOf runs writes as one batch (queued behind a held write) and
// returns each one's error.
func batchOf(t *testing.T, db *sqlstore.DB, writes ...func(store.Tx) error) []error {
	t.Helper()
	errs := make(chan error, 1)
	hold, held := make(chan struct{}), make(chan struct{})
	go func() {
		errs <- db.Write(ctx, func(tx store.Tx) error { close(held); <-hold; return nil })
	}()
	<-held
	res := make([]chan error, len(writes))
	for i, w := range writes {
		res[i] = make(chan error, 1)
		go func() { res[i] <- db.Write(ctx, w) }()
		for db.Queued() != i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	close(hold)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	out := make([]error, len(writes))
	for i := range res {
		out[i] = <-res[i]
	}
	return out
}

func keysOf(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	rows, err := db.Raw().QueryContext(ctx, "SELECT k FROM a20 ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys = append(keys, k)
	}
	return strings.Join(keys, ",")
}

// A write that hears of its refused statement at a read, ignores it and
// returns nil: only it must fail; its neighbours in the batch commit.
func TestSwallowedRefusalFailsOnlyItsWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Engine() == sqlstore.EngineSQLite {
			t.Skip("SQLite refuses the statement alone: a write that ignores it commits the rest")
		}
		if _, err := db.Raw().ExecContext(ctx, "CREATE TABLE a20 (k TEXT PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Raw().ExecContext(ctx, "INSERT INTO a20 (k) VALUES ('a')"); err != nil {
			t.Fatal(err)
		}
		ins := func(k string) func(store.Tx) error {
			return func(tx store.Tx) error {
				_, err := sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", k)
				return err
			}
		}
		errs := batchOf(t, db, ins("d"), func(tx store.Tx) error {
			sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", "a") // taken
			var n int
			sqlstore.TxQueryRow(tx, "SELECT COUNT(*) FROM a20").Scan(&n) // hears of it; ignores it
			return nil
		}, ins("g"))
		if errs[0] != nil || errs[1] == nil || errs[2] != nil {
			t.Fatalf("errors %v; want only the middle write refused", errs)
		}
		if got := keysOf(t, db); got != "a,d,g" {
			t.Fatalf("rows %s, want a,d,g", got)
		}
	})
}

// The batch's connection killed in the middle write: no write of the
// batch may be acknowledged, nothing committed.
func TestTerminatedBackendAcknowledgesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Engine() == sqlstore.EngineSQLite {
			t.Skip("PostgreSQL only")
		}
		if _, err := db.Raw().ExecContext(ctx, "CREATE TABLE a20 (k TEXT PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		ins := func(k string) func(store.Tx) error {
			return func(tx store.Tx) error {
				_, err := sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", k)
				return err
			}
		}
		for _, where := range []string{"before", "after"} {
			errs := batchOf(t, db, ins("b1"+where), func(tx store.Tx) error {
				sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", "b2"+where)
				var pid int
				if err := sqlstore.TxQueryRow(tx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
					return err
				}
				if where == "after" {
					sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", "b2x"+where)
				}
				if _, err := db.Raw().ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
					return err
				}
				time.Sleep(50 * time.Millisecond)
				return nil
			}, ins("b3"+where))
			for i, err := range errs {
				if err == nil {
					t.Errorf("%s: write %d acknowledged on a killed connection", where, i)
				}
			}
			if got := keysOf(t, db); got != "" {
				t.Fatalf("%s: rows %s committed", where, got)
			}
		}
	})
}

// A statement timeout on a queued statement of one write.
func TestStatementTimeoutFailsOnlyItsWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Engine() == sqlstore.EngineSQLite {
			t.Skip("PostgreSQL only")
		}
		if _, err := db.Raw().ExecContext(ctx, "CREATE TABLE a20 (k TEXT PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		ins := func(k string) func(store.Tx) error {
			return func(tx store.Tx) error {
				_, err := sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", k)
				return err
			}
		}
		errs := batchOf(t, db, ins("d"), func(tx store.Tx) error {
			sqlstore.TxExec(tx, "SET LOCAL statement_timeout = 100")
			sqlstore.TxExec(tx, "INSERT INTO a20 (k) VALUES (?)", "e")
			_, err := sqlstore.TxExec(tx, "SELECT pg_sleep(1)")
			return err // last statement queued: heard only at the write's end
		}, ins("g"))
		if errs[0] != nil || errs[1] == nil || errs[2] != nil {
			t.Fatalf("errors %v; want only the middle write refused", errs)
		}
		if got := keysOf(t, db); got != "d,g" {
			t.Fatalf("rows %s, want d,g", got)
		}
	})
}
