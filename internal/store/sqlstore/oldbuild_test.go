package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// oldBuild is a one-time build that opening a record written by an older
// schema runs: age makes the record as that schema left it, left counts
// the cases it has still to do, and rows reads what it writes.
type oldBuild struct {
	name, marker string
	age          func(t testing.TB, db *sqlstore.DB)
	left         string
	rows         []string
}

var oldBuilds = []oldBuild{{
	name:   "find index",
	marker: "case_terms_built",
	age:    execAll("DELETE FROM case_terms", "DELETE FROM case_terms_built"),
	left: "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS " +
		"(SELECT 1 FROM case_terms t WHERE t.case_id = c.id AND t.kind = '#')",
	rows: []string{"SELECT case_id, kind, term, label, shown FROM case_terms"},
}, {
	// Indexed before migration 00052: no name pairs, digests unversioned.
	name:   "find index before its name pairs",
	marker: "case_terms_built",
	age: execAll("DELETE FROM case_terms WHERE kind = 'pair'",
		"UPDATE case_terms SET term = substr(term, 4) WHERE kind = '#'", "DELETE FROM case_terms_built"),
	left: "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS " +
		"(SELECT 1 FROM case_terms t WHERE t.case_id = c.id AND t.kind = '#' AND t.term LIKE 'v2:%')",
	rows: []string{"SELECT case_id, kind, term, label, shown FROM case_terms"},
}, {
	name:   "POLE index",
	marker: "pole_built",
	age: execAll("DELETE FROM pole_people", "DELETE FROM pole_keys", "DELETE FROM pole_digests",
		"DELETE FROM pole_built"),
	left: "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM pole_digests p WHERE p.case_id = c.id)",
	rows: []string{
		"SELECT case_id, person_id, role, name, dob, phone, vehicle, address, postcode FROM pole_people",
		"SELECT kind, term, case_id, person_id, shown FROM pole_keys",
		"SELECT case_id, digest FROM pole_digests",
	},
}, {
	name:   "notices",
	marker: "notice_each_built",
	age:    undateNotices,
	left:   `SELECT COUNT(*) FROM cases WHERE doc LIKE '%"notice_due"%' AND doc NOT LIKE '%"each":%'`,
	rows:   []string{"SELECT id, doc FROM cases"},
}}

// TestOldBuildsInChunks: the find index, the POLE index and the dated
// notices of a record written before them are built on open a few cases
// a transaction, so a force's whole record is never held at once.
// Stopped after the first chunk, a build has done those cases only and is
// not marked done; opened again, it finishes, and the record is the one
// an uninterrupted build makes, equal to its replay.
func TestOldBuildsInChunks(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		for i := range 5 {
			oldBuildCase(t, f, i%2 == 0)
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("before: %v %v", d, err)
		}
		for _, b := range oldBuilds {
			b.age(t, db)
			stale := count(t, db, b.left)
			if _, d, err := replay.Compare(ctx, db); err != nil || d == nil || stale < 3 {
				t.Fatalf("%s: the old record is not told from the new (%d cases to do): %v %v", b.name, stale, d, err)
			}
			stopAfterOneChunk(t, db, 2)
			if left, done := count(t, db, b.left), count(t, db, "SELECT COUNT(*) FROM "+b.marker); left != stale-2 ||
				done != 0 {
				t.Fatalf("%s stopped after a chunk of 2: %d of %d cases left, marked done %d", b.name, left, stale,
					done)
			}
			migrateInChunks(t, db, 2)
			resumed := dumpRows(t, db, b.rows)
			if left, done := count(t, db, b.left), count(t, db, "SELECT COUNT(*) FROM "+b.marker); left != 0 ||
				done != 1 {
				t.Fatalf("%s resumed: %d cases left, marked done %d", b.name, left, done)
			}
			if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
				t.Fatalf("%s resumed: %v %v", b.name, d, err)
			}
			b.age(t, db)
			migrateInChunks(t, db, 500)
			if whole := dumpRows(t, db, b.rows); !slices.Equal(resumed, whole) {
				t.Errorf("%s: a build stopped and resumed wrote\n%q\nan uninterrupted one\n%q", b.name, resumed, whole)
			}
		}
	})
}

// oldBuildCase opens a case with a victim and a suspect, who is arrested
// when owed, so that the victim is owed notice of it.
func oldBuildCase(t testing.TB, f *fixture.Force, owed bool) *domain.Case {
	t.Helper()
	ctx := context.Background()
	c := f.Allocated(t)
	c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
		DateOfBirth: "2012-03-04"})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
		Name: "Suspect B", Phone: "07700 900123", Vehicle: "AB12 CDE"}); err != nil {
		t.Fatal(err)
	}
	if owed {
		f.Clock.Advance(time.Hour)
		if c, err = f.Svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version,
			Suspect: c.Suspects[0].ID, Status: domain.SuspectArrested}); err != nil {
			t.Fatal(err)
		}
		if c.Victims[0].NoticeDue == nil {
			t.Fatal("the victim is owed no notice of the arrest")
		}
	}
	return c
}

// stopAfterOneChunk opens db's record again with the one-time builds
// going n cases a transaction and stopped after their first chunk.
func stopAfterOneChunk(t testing.TB, db *sqlstore.DB, n int) {
	t.Helper()
	stopped := errors.New("stopped")
	restore := sqlstore.SetSplitChunk(n, func() error { return stopped })
	err := db.Migrate(context.Background())
	restore()
	if !errors.Is(err, stopped) {
		t.Fatalf("the build was not stopped: %v", err)
	}
}

// migrateInChunks opens db's record again with the one-time builds going
// n cases a transaction.
func migrateInChunks(t testing.TB, db *sqlstore.DB, n int) {
	t.Helper()
	restore := sqlstore.SetSplitChunk(n, func() error { return nil })
	err := db.Migrate(context.Background())
	restore()
	if err != nil {
		t.Fatal(err)
	}
}

// execAll runs each of qs on the record.
func execAll(qs ...string) func(t testing.TB, db *sqlstore.DB) {
	return func(t testing.TB, db *sqlstore.DB) {
		t.Helper()
		for _, q := range qs {
			if _, err := db.Raw().Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
}

// undateNotices makes each notice owed as the fold wrote it before
// migration 00042: no list of decisions with their dates.
func undateNotices(t testing.TB, db *sqlstore.DB) {
	t.Helper()
	rows, err := db.Raw().Query("SELECT id, doc FROM cases")
	if err != nil {
		t.Fatal(err)
	}
	old := map[string]string{}
	for rows.Next() {
		var id, b string
		if err := rows.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(b), &doc); err != nil {
			t.Fatal(err)
		}
		vs, _ := doc["victims"].([]any)
		for _, v := range vs {
			if n, ok := v.(map[string]any)["notice_due"].(map[string]any); ok {
				delete(n, "each")
				enc, _ := json.Marshal(doc)
				old[id] = string(enc)
			}
		}
	}
	rows.Close()
	for id, b := range old {
		if _, err := db.Raw().Exec(raw(db, "UPDATE cases SET doc = ? WHERE id = ?"), b, id); err != nil {
			t.Fatal(err)
		}
	}
	execAll("DELETE FROM notice_each_built")(t, db)
}

// dumpRows reads every row of each of qs, as JSON lists of their text, in
// order.
func dumpRows(t testing.TB, db *sqlstore.DB, qs []string) []string {
	t.Helper()
	var out []string
	for _, q := range qs {
		rows, err := db.Raw().Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			vals := make([]string, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(vals)
			got = append(got, string(b))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(got)
		out = append(out, fmt.Sprintf("%d rows of %s", len(got), q))
		out = append(out, got...)
	}
	return out
}
