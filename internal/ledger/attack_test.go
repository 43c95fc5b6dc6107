package ledger_test

// Attacks on the ledger by someone who can write to the database — and,
// where the signing key sits beside it, sign. Each names what it does and
// what must catch it; add one for every new way in. The server's own path
// (a checkpoint at shutdown, then events deleted) is in
// cmd/holdfast/attack_test.go.

import (
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
	"github.com/holdfast/holdfast/internal/witness"
)

// witnessFor runs a witness of the rig's log and returns its client.
func witnessFor(t *testing.T, r *rig) (*witness.Witness, *witness.Client) {
	t.Helper()
	key := filepath.Join(t.TempDir(), "w.key")
	if _, err := ledger.GenerateKey("witness.invalid/w1", key, key+".pub"); err != nil {
		t.Fatal(err)
	}
	s, vkey, err := witness.LoadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	w, err := witness.New(s, []note.Verifier{r.v}, filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	c, err := witness.NewClient(srv.URL, vkey)
	if err != nil {
		t.Fatal(err)
	}
	return w, c
}

// anchor is what `ledger verify --witness URL` checks: the witness's copy.
func anchor(t *testing.T, r *rig, c *witness.Client) ledger.Anchor {
	t.Helper()
	signed, err := c.Latest(ctx, r.v.Name())
	if err != nil {
		t.Fatal(err)
	}
	cp, names, err := witness.Open(signed, r.v, c.Keys)
	if err != nil || len(names) != 1 {
		t.Fatalf("the witness's copy: %v %v", names, err)
	}
	return ledger.Anchor{Checkpoint: cp, What: "checkpoint cosigned by witness " + c.URL}
}

func (r *rig) note(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		c := r.f.Allocated(t)
		if _, err := r.f.Svc.AddNote(ctx, r.f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "more"}); err != nil {
			t.Fatal(err)
		}
	}
}

// rollBack deletes every event after keep and the checkpoints above it,
// and points the log head at what is left: the record as it would be had
// the newest events never happened.
func (r *rig) rollBack(t *testing.T, keep int64) {
	t.Helper()
	r.exec(t, "DELETE FROM events WHERE seq > ?", keep)
	r.exec(t, "DELETE FROM checkpoints WHERE size > ?", keep)
	r.exec(t, "UPDATE log_head SET seq = ?, hash = (SELECT hash FROM events WHERE seq = ?)", keep, keep)
}

// Without outside evidence, events deleted with the checkpoints above them
// leave a record that verifies: the reason for a witness (below). This
// pins the limit, so a change that claims to close it must change the test.
func TestWithoutAWitnessDeletingEventsAndCheckpointsIsUnseen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		cp, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keep := cp.Size
		r.note(t, 2)
		if _, err := r.log.Cut(ctx); err != nil {
			t.Fatal(err)
		}
		r.rollBack(t, keep)
		// What the database alone says: intact, as before the witness.
		if rep := r.verify(t, nil); !rep.OK {
			t.Fatalf("without outside evidence the deletion cannot be seen, yet verify said %s", rep.Problem)
		}
	})
}

// With a witness, events deleted with the checkpoints above them are
// named as the gap: the witness's copy covers them.
func TestAttackDeletingEventsBehindAWitness(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		w, c := witnessFor(t, r)
		r.log.SetWitnesses(c)
		cp, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keep := cp.Size
		r.note(t, 2)
		top, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rec, _ := w.Latest(r.v.Name()); rec.Size != uint64(top.Size) {
			t.Fatalf("the witness holds %d events, want %d", rec.Size, top.Size)
		}
		if !strings.Contains(string(top.Note), "— witness.invalid/w1 ") {
			t.Fatalf("the cosignature was not kept with the checkpoint:\n%s", top.Note)
		}
		r.rollBack(t, keep)
		rep, err := ledger.VerifyWith(ctx, r.db, r.v, []ledger.Anchor{anchor(t, r, c)}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		wantBad(t, rep, keep+1, "truncated")
		if !strings.Contains(rep.Problem, "witness") || !strings.Contains(rep.Problem, "holds only") {
			t.Fatalf("the report does not name the witness and the gap: %s", rep.Problem)
		}
	})
}

// A log rolled back behind the witness and grown again — every hash
// recomputed and re-signed with the log's own key, as anyone holding a key
// kept beside the database could — is refused by the witness and fails
// verification against its copy.
func TestAttackRollingBackBehindAWitness(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		_, c := witnessFor(t, r)
		r.log.SetWitnesses(c)
		cp, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keep := cp.Size
		r.note(t, 1)
		top, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r.rollBack(t, keep)
		// The attacker's new history, longer than what the witness saw.
		r.note(t, 3)
		again := ledger.NewLog(db, r.s, r.v, time.Now)
		_, c2 := witnessClientOf(t, c)
		again.SetWitnesses(c2)
		forged, err := again.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if forged.Size <= top.Size || strings.Contains(string(forged.Note), "— witness.invalid/w1 ") {
			t.Fatalf("the witness cosigned a rewritten history (size %d):\n%s", forged.Size, forged.Note)
		}
		// The witness's refusal stops the ledger signing.
		if _, err := again.Cut(ctx); !errors.Is(err, ledger.ErrTampered) {
			t.Fatalf("the ledger signs on after the witness refused it: %v", err)
		}
		rep, err := ledger.VerifyWith(ctx, r.db, r.v, []ledger.Anchor{anchor(t, r, c)}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK || !strings.Contains(rep.Problem, "history rewritten") || !strings.Contains(rep.Problem, "witness") {
			t.Fatalf("a history rewritten behind the witness passed: %+v", rep)
		}
	})
}

// witnessClientOf is a second client of the same witness, as a restarted
// server (or the attacker's) would have.
func witnessClientOf(t *testing.T, c *witness.Client) (string, *witness.Client) {
	t.Helper()
	c2, err := witness.NewClient(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	c2.Keys = c.Keys
	return c.URL, c2
}
