package sqlstore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestPipelineKeepsOrderAndFailures: on PostgreSQL a write's statements
// are queued and sent many to a round trip (pipe.go). Every statement
// must still run in the order the write issued it — whether what follows
// is a queued statement, a read, the transaction's own query or a
// prepared bulk insert — and a statement the server refuses must fail its
// write, with its own error, even when the write never looks at it, and
// leave nothing of that write behind while the writes around it commit.
// Run on both engines: SQLite, which queues nothing, must agree.
func TestPipelineKeepsOrderAndFailures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if _, err := db.Raw().ExecContext(ctx, "CREATE TABLE pipe_t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		// The write runs on the committer's goroutine: it reports what it
		// finds as its error (t.Fatal there would stop the committer).
		err := db.Write(ctx, func(tx store.Tx) (problem error) {
			fail := func(format string, args ...any) {
				if problem == nil {
					problem = fmt.Errorf(format, args...)
				}
			}
			must := func(_ sql.Result, err error) {
				if err != nil {
					fail("%v", err)
				}
			}
			must(sqlstore.TxExec(tx, "INSERT INTO pipe_t (k, v) VALUES (?, ?)", "a", 1))
			res, err := sqlstore.TxExec(tx, "UPDATE pipe_t SET v = v + 1 WHERE k = ?", "a")
			if err != nil {
				return err
			}
			must(sqlstore.TxExec(tx, "UPDATE pipe_t SET v = v * 10 WHERE k = ?", "a"))
			if n, err := res.RowsAffected(); n != 1 || err != nil {
				fail("the queued update affected %d rows (%v), want 1", n, err)
			}
			var v int
			if err := sqlstore.TxQueryRow(tx, "SELECT v FROM pipe_t WHERE k = ?", "a").Scan(&v); err != nil || v != 20 {
				fail("read %d (%v) after insert 1, +1, ×10: the statements ran out of order", v, err)
			}
			if err := sqlstore.TxQueryRow(tx, "SELECT v FROM pipe_t WHERE k = ?", "none").Scan(&v); !errors.Is(err, sql.ErrNoRows) {
				fail("a missing row read %v, want sql.ErrNoRows", err)
			}
			// A bulk insert (a statement prepared in the transaction, run
			// outside the queue), a queued delete of what it inserted, the
			// same insert again (the prepared statement reused), and the
			// transaction's own query: each must see the one before.
			must(sqlstore.TxExec(tx, "UPDATE pipe_t SET v = 0 WHERE k = ?", "a"))
			if err := sqlstore.TxInsertRows(tx, "pipe_t (k, v)", 2, []any{"b", 1, "c", 1}); err != nil {
				fail("%v", err)
			}
			must(sqlstore.TxExec(tx, "DELETE FROM pipe_t WHERE k IN (?, ?)", "b", "c"))
			if err := sqlstore.TxInsertRows(tx, "pipe_t (k, v)", 2, []any{"b", 0, "c", 0}); err != nil {
				fail("the bulk insert ran before the queued delete: %v", err)
			}
			must(sqlstore.TxExec(tx, "DELETE FROM pipe_t WHERE k = ?", "b"))
			if n, err := sqlstore.TxQueryInt(tx, "SELECT COUNT(*) FROM pipe_t WHERE v = 0"); n != 2 || err != nil {
				fail("%d rows at 0 (%v), want a and c: the statements ran out of order", n, err)
			}
			var n int
			if err := sqlstore.TxQueryRow(tx, "SELECT COUNT(*) FROM pipe_t").Scan(&n); err != nil || n != 2 {
				fail("%d rows (%v) after inserting a, b, c and deleting b, want 2", n, err)
			}
			return problem
		})
		if err != nil {
			t.Fatal(err)
		}
		// A write that ignores its refused statement (a duplicate key) and
		// carries on, between two good writes of the same batch.
		// They queue while a first write holds the committer, so that they
		// make the next batch together.
		writes := []func(store.Tx) error{
			func(tx store.Tx) error {
				_, err := sqlstore.TxExec(tx, "INSERT INTO pipe_t (k, v) VALUES (?, ?)", "d", 1)
				return err
			},
			func(tx store.Tx) error {
				sqlstore.TxExec(tx, "INSERT INTO pipe_t (k, v) VALUES (?, ?)", "e", 1)
				_, err := sqlstore.TxExec(tx, "INSERT INTO pipe_t (k, v) VALUES (?, ?)", "a", 1) // a is taken
				sqlstore.TxExec(tx, "INSERT INTO pipe_t (k, v) VALUES (?, ?)", "f", 1)
				if db.Engine() == sqlstore.EngineSQLite {
					// SQLite refuses the statement alone and at once: a
					// write that ignored it would commit the rest.
					return err
				}
				return nil // the refusal is still in the queue, unseen
			},
			func(tx store.Tx) error {
				_, err := sqlstore.TxExec(tx, "INSERT INTO pipe_t (k, v) VALUES (?, ?)", "g", 1)
				return err
			},
		}
		res := batchOf(t, db, writes...) // pipe_attack_test.go
		for i, want := range []bool{true, false, true} {
			err := res[i]
			if (err == nil) != want {
				t.Fatalf("write %d: %v", i, err)
			}
			if !want && !strings.Contains(err.Error(), "pipe_t") {
				t.Errorf("the refused write's error does not name its statement: %v", err)
			}
		}
		var keys []string
		rows, err := db.Raw().QueryContext(ctx, "SELECT k FROM pipe_t ORDER BY k")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			rows.Scan(&k)
			keys = append(keys, k)
		}
		if got := strings.Join(keys, ","); got != "a,c,d,g" {
			t.Fatalf("rows %s, want a,c,d,g: the refused write left rows behind, or its neighbours lost theirs", got)
		}
	})
}
