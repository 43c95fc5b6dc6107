package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/store"
)

// Derived tables built once at the end instead of command by command, for
// the one writer whose record nobody reads until it is whole: `holdfast
// demo` generating into its .partial file (issue 20 item 5). The find
// index and the dashboard's figures were a fifth of the single
// committer's time there, and nothing the generator does reads them; the
// store builds both for a record that lacks them when it is opened
// (buildTerms, buildFigures), and the same builds fill them when the
// generator is done.
//
// So are the POLE index's keys and digests (pole_keys, pole_digests): only
// matching and the network view read them, and the generator matches once
// the history is written (service.DeferLinks). Its people rows are kept
// with each write, because the queue of people to match is judged against
// them and must come out the same (pole.go, indexPoleDeferred); the build
// at the end (buildPole) writes all three tables afresh from the cases.

// partialSuffix is how the name of a file being generated ends
// (cmd/holdfast/partial.go): the only files whose derived tables may be
// deferred. A file a server opens is the one moved into place.
const partialSuffix = ".partial"

// errDeferred answers a read of a table not kept meanwhile.
var errDeferred = errors.New("not kept while the record is generated (DeferDerived): built when it is whole")

// deferredTables are cleared when kept no longer, with the markers that
// say they were built, so that a file opened as it is (a build stopped
// part way) builds them afresh (Migrate).
var deferredTables = []string{"case_terms", "case_terms_built", "case_figures", "figures", "figures_built",
	"pole_keys", "pole_digests", "pole_built"}

// DeferDerived stops keeping the find index (case_terms), the figures
// (case_figures, figures) and the POLE index's keys and digests with each
// write, until BuildDeferred builds them once from the cases. Only on a SQLite file whose name ends in
// ".partial", which no server opens; reading them meanwhile is an error,
// so a generator that came to need them would fail, not read them empty.
func (db *DB) DeferDerived(ctx context.Context) error {
	if db.d.name != EngineSQLite || !strings.HasSuffix(db.path, partialSuffix) {
		return fmt.Errorf("derived tables are deferred only while a %s file is generated, not on %s",
			partialSuffix, db.where())
	}
	if err := db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		for _, tb := range deferredTables {
			if _, err := x.exec("DELETE FROM " + tb); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("defer derived tables: %w", err)
	}
	db.deferred.Store(true)
	return nil
}

// BuildDeferred builds what DeferDerived stopped keeping, from the cases
// as they stand, and keeps them with each write again. Nothing else may
// write meanwhile: the builds read every case. The flag is off while they
// run (the rows they write are kept only when it is) and back on if one
// fails, so that a retry builds them rather than answering done.
func (db *DB) BuildDeferred(ctx context.Context) error {
	if !db.deferred.Swap(false) {
		return nil
	}
	db.written.clear() // kept only while deferred (written.go)
	err := db.buildTerms(ctx)
	if err == nil {
		err = db.buildFigures(ctx)
	}
	if err == nil {
		err = db.buildPole(ctx) // every case lacks its digest row: all three tables written afresh
	}
	if err != nil {
		db.deferred.Store(true)
	}
	return err
}

// Deferred says whether DeferDerived holds.
func (db *DB) Deferred() bool { return db.deferred.Load() }

// kept answers errDeferred while the tables are deferred.
func (db *DB) kept(what string) error {
	if db.deferred.Load() {
		return fmt.Errorf("%s: %w", what, errDeferred)
	}
	return nil
}

// where names the database for a message.
func (db *DB) where() string {
	if db.path == "" {
		return db.d.name
	}
	return db.path
}
