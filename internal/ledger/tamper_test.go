package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var ctx = context.Background()

type rig struct {
	vkey string
	s    note.Signer
	db   *sqlstore.DB
	log  *ledger.Log
	v    note.Verifier
	f    *fixture.Force
}

func newRig(t *testing.T, db *sqlstore.DB) *rig {
	dir := t.TempDir()
	vkey, err := ledger.GenerateKey(
		"northshire.police.invalid/holdfast",
		filepath.Join(dir, "k"),
		filepath.Join(dir, "k.pub"),
	)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ledger.LoadSigner(filepath.Join(dir, "k"))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := note.NewVerifier(vkey)
	f := fixture.New(t, db)
	for i := 0; i < 3; i++ {
		c := f.Allocated(t)
		if _, err := f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version + 0,
			Text: fmt.Sprint("note ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	return &rig{vkey: vkey, s: s, db: db, log: ledger.NewLog(db, s, v, time.Now), v: v, f: f}
}

// exec runs SQL written with ? placeholders on either engine.
func (r *rig) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if r.db.Engine() == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := r.db.Raw().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (r *rig) verify(t *testing.T, trusted *ledger.Checkpoint) *ledger.Report {
	t.Helper()
	rep, err := ledger.Verify(ctx, r.db, r.v, trusted, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func wantBad(t *testing.T, rep *ledger.Report, seq int64, words string) {
	t.Helper()
	if rep.OK {
		t.Fatalf("tampering not detected")
	}
	if rep.FirstBad != seq || !strings.Contains(rep.Problem, words) {
		t.Fatalf("reported event %d %q; want event %d and %q", rep.FirstBad, rep.Problem, seq, words)
	}
}

func TestTamperingIsDetectedAndLocated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		if _, err := r.log.Cut(ctx); err != nil {
			t.Fatal(err)
		}
		size, _ := r.log.Size(ctx)
		if rep := r.verify(t, nil); !rep.OK || rep.Events != int64(size) || rep.Checkpoints != 1 {
			t.Fatalf("clean record: %+v", rep)
		}
		const k = 20
		t.Run("payload edited in place", func(t *testing.T) {
			r.exec(t, "UPDATE events SET payload = ? WHERE seq = ?", `{"note":{"text":"nothing happened"}}`, k)
			wantBad(t, r.verify(t, nil), k, "altered in place")
		})
	})
	cases := []struct {
		name   string
		tamper func(t *testing.T, r *rig)
		seq    func(size int64) int64
		words  string
	}{
		{
			"row deleted",
			func(t *testing.T, r *rig) { r.exec(t, "DELETE FROM events WHERE seq = ?", 20) },
			func(int64) int64 { return 20 },
			"missing (removed)",
		},
		{"two rows swapped", func(t *testing.T, r *rig) {
			r.exec(t, "UPDATE events SET seq = -1 WHERE seq = 21")
			r.exec(t, "UPDATE events SET seq = 21 WHERE seq = 20")
			r.exec(t, "UPDATE events SET seq = 20 WHERE seq = -1")
		}, func(int64) int64 { return 20 }, "does not follow"},
		{"contents of two rows swapped", func(t *testing.T, r *rig) {
			var p20, p21 string
			for seq, p := range map[int64]*string{20: &p20, 21: &p21} {
				r.db.ScanEvents(ctx, seq, seq, func(e *event.Event) error { *p = string(e.Payload); return nil })
			}
			if p20 == p21 {
				t.Fatal("test needs two different payloads")
			}
			r.exec(t, "UPDATE events SET payload = ? WHERE seq = 20", p21)
			r.exec(t, "UPDATE events SET payload = ? WHERE seq = 21", p20)
		}, func(int64) int64 { return 20 }, "altered"},
		{
			"log truncated",
			func(t *testing.T, r *rig) { r.exec(t, "DELETE FROM events WHERE seq > ?", 25) },
			func(int64) int64 { return 26 },
			"truncated",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
				r := newRig(t, db)
				if _, err := r.log.Cut(ctx); err != nil {
					t.Fatal(err)
				}
				size, _ := r.log.Size(ctx)
				tc.tamper(t, r)
				wantBad(t, r.verify(t, nil), tc.seq(int64(size)), tc.words)
			})
		})
	}
}

// TestRewrittenHistoryIsCaughtByAnInspectorsCheckpoint: an attacker with
// the database edits an old event and recomputes every hash after it, and
// removes the stored checkpoints. The chain is consistent again; only a
// checkpoint kept outside the database shows the rewrite.
func TestRewrittenHistoryIsCaughtByAnInspectorsCheckpoint(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		c, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held, err := ledger.Open(c.Note, r.v) // the inspector saves this
		if err != nil {
			t.Fatal(err)
		}
		// Work goes on after the inspector's visit.
		r.f.Allocated(t)
		var evs []*event.Event
		db.ScanEvents(ctx, 1, 0, func(e *event.Event) error { evs = append(evs, e); return nil })
		evs[9].Payload = []byte(`{"note":{"text":"rewritten"}}`)
		prev := evs[8].Hash
		for _, e := range evs[9:] {
			if err := e.Seal(prev); err != nil {
				t.Fatal(err)
			}
			prev = e.Hash
			r.exec(
				t,
				"UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?",
				string(e.Payload),
				e.PrevHash,
				e.Hash,
				e.Seq,
			)
		}
		r.exec(t, "DELETE FROM checkpoints")
		if rep := r.verify(t, nil); !rep.OK {
			t.Fatalf("without outside evidence the rewrite is consistent, yet verify said %q", rep.Problem)
		}
		wantBad(t, r.verify(t, &held), 1, "history rewritten")
		// And an inspector's consistency check from the new API fails too.
		fresh := ledger.NewLog(db, nil, r.v, time.Now)
		p, err := fresh.ConsistencyProof(ctx, held.Size, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.VerifyConsistency(held.Size, p.Size2, p.Proof, held.Root, p.Root2); err == nil {
			t.Fatal("consistency proof from the rewritten log verified against the inspector's checkpoint")
		}
	})
}

func TestForgedCheckpointIsRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		dir := t.TempDir()
		// Same name as the force's key, different key: a forgery.
		if _, err := ledger.GenerateKey(r.v.Name(), filepath.Join(dir, "evil"), filepath.Join(dir, "evil.pub")); err != nil {
			t.Fatal(err)
		}
		evil, _ := ledger.LoadSigner(filepath.Join(dir, "evil"))
		forger := ledger.NewLog(db, evil, r.v, time.Now)
		if _, err := forger.Cut(ctx); err != nil {
			t.Fatal(err)
		}
		rep := r.verify(t, nil)
		if rep.OK || !strings.Contains(rep.Problem, "forged") {
			t.Fatalf("forged checkpoint accepted: %+v", rep)
		}
	})
}

func TestBundleRoundTripAndOneByteChanged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		c, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := ledger.Export(ctx, db, r.vkey, &buf); err != nil {
			t.Fatal(err)
		}
		rep, err := ledger.Check(bytes.NewReader(buf.Bytes()), r.v, c.Note, time.Now())
		if err != nil || !rep.OK {
			t.Fatalf("clean bundle: %+v %v", rep, err)
		}
		b := buf.Bytes()
		// Change one byte in many places: every change is refused.
		for pos := len(b) / 7; pos < len(b); pos += len(b) / 23 {
			if b[pos+1] == '=' {
				// The last base64 digit before padding carries bits the
				// decoder ignores (a signature reads the same): not a change.
				continue
			}
			mod := append([]byte(nil), b...)
			mod[pos] ^= 0x01
			rep, err := ledger.Check(bytes.NewReader(mod), r.v, c.Note, time.Now())
			if err == nil && rep.OK {
				t.Errorf("bundle with byte %d changed (%q→%q) verified", pos, b[pos], mod[pos])
			}
		}
	})
}
