package ledger_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCheckpointTimeLine: the time is the fourth line of the signed body,
// in one spelling, and reads back as written; a checkpoint without it (cut
// before) still parses, its time zero; a time line elsewhere, twice, or
// spelt another way is refused, so a body never reads two ways.
func TestCheckpointTimeLine(t *testing.T) {
	root := make([]byte, 32)
	at := time.Date(2026, 12, 7, 6, 21, 45, 0, time.UTC)
	body := string(ledger.Checkpoint{Origin: "o.invalid/log", Size: 3, Root: root, Time: at.Add(999 * time.Millisecond),
		Extensions: []string{"other"}}.Marshal())
	want := "o.invalid/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntime 1796624505\nother\n"
	if body != want {
		t.Fatalf("checkpoint body:\n%s\nwant:\n%s", body, want)
	}
	cp, err := ledger.ParseCheckpoint([]byte(body))
	if err != nil || !cp.Time.Equal(at) || len(cp.Extensions) != 1 || string(cp.Marshal()) != body {
		t.Fatalf("parsed %+v, %v", cp, err)
	}
	old := "o.invalid/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	if cp, err := ledger.ParseCheckpoint([]byte(old)); err != nil || !cp.Time.IsZero() {
		t.Fatalf("a checkpoint without a time: %+v, %v", cp, err)
	}
	for _, bad := range []string{
		old + "other\ntime 1796624505\n",
		old + "time 1796624505\ntime 1796624506\n",
		old + "time 01796624505\n",
		old + "time +1796624505\n",
		old + "time 1796624505.5\n",
		old + "time 0\n",
		old + "time -5\n",
		old + "time 2026-12-07T06:21:45Z\n",
		old + "time \n",
	} {
		if _, err := ledger.ParseCheckpoint([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestCheckpointTimeSigned: a checkpoint signs its time; the stored time
// moved later (or earlier) afterwards is caught by verification and the
// ledger's status, which shows the signed figures only; a checkpoint cut
// before times were signed still verifies, its time said to be unsigned.
func TestCheckpointTimeSigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		c, err := r.log.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := ledger.Open(c.Note, r.v)
		if err != nil || cp.Time.IsZero() || !cp.Time.Equal(c.Created) || time.Since(cp.Time) > time.Minute {
			t.Fatalf("the checkpoint signs time %v, stored %v (%v)", cp.Time, c.Created, err)
		}
		st, err := r.log.Status(ctx, r.vkey)
		if err != nil || !st.CheckpointVerified || !st.CheckpointTimeSigned || !st.CheckpointAt.Equal(cp.Time) ||
			st.CheckpointSize != int64(cp.Size) {
			t.Fatalf("status of a clean checkpoint: %+v, %v", st, err)
		}
		if rep := r.verify(t, nil); !rep.OK || rep.LatestSize != cp.Size || !rep.LatestAt.Equal(cp.Time) {
			t.Fatalf("clean record: %+v", rep)
		}

		later := c.Created.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z")
		r.exec(t, "UPDATE checkpoints SET created_at = ? WHERE size = ?", later, c.Size)
		rep := r.verify(t, nil)
		if rep.OK || !strings.Contains(rep.Problem, "the table has been altered") {
			t.Errorf("a stored checkpoint time moved an hour later passes verification: %+v", rep)
		}
		st, err = r.log.Status(ctx, r.vkey)
		if err != nil || st.CheckpointVerified || !st.CheckpointAt.IsZero() || st.CheckpointSize != 0 ||
			!strings.Contains(st.CheckpointProblem, "signed text says") {
			t.Errorf("status shows a moved checkpoint time as verified: %+v, %v", st, err)
		}
		r.exec(t, "UPDATE checkpoints SET created_at = ? WHERE size = ?",
			c.Created.UTC().Format("2006-01-02T15:04:05.000000000Z"), c.Size)
		if rep := r.verify(t, nil); !rep.OK {
			t.Fatalf("time put back: %+v", rep)
		}

		// The size column edited: status takes no figure from it.
		r.exec(t, "UPDATE checkpoints SET size = ? WHERE size = ?", c.Size+1000, c.Size)
		st, err = r.log.Status(ctx, r.vkey)
		if err != nil || st.CheckpointVerified || st.CheckpointSize != 0 {
			t.Errorf("status shows an edited checkpoint size: %+v, %v", st, err)
		}
		if rep := r.verify(t, nil); rep.OK {
			t.Error("an edited checkpoint size passes verification")
		}
		r.exec(t, "UPDATE checkpoints SET size = ? WHERE size = ?", c.Size, c.Size+1000)

		// A checkpoint from before times were signed, of a later size.
		r.f.Allocated(t)
		size, err := r.log.Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.log.ConsistencyProof(ctx, 1, size)
		if err != nil {
			t.Fatal(err)
		}
		signed, err := ledger.Sign(ledger.Checkpoint{Origin: r.log.Origin(), Size: size, Root: p.Root2}, r.s)
		if err != nil {
			t.Fatal(err)
		}
		if size == uint64(c.Size) {
			t.Fatal("no event since the first checkpoint")
		}
		if err := db.SaveCheckpoint(ctx, store.Checkpoint{Size: int64(size), Note: signed,
			Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if rep := r.verify(t, nil); !rep.OK || rep.LatestSize != size || !rep.LatestAt.IsZero() {
			t.Fatalf("a checkpoint without a signed time: %+v", rep)
		}
		st, err = r.log.Status(ctx, r.vkey)
		if err != nil || !st.CheckpointVerified || st.CheckpointTimeSigned || !st.CheckpointAt.IsZero() ||
			st.CheckpointSize != int64(size) {
			t.Fatalf("status of a checkpoint without a signed time: %+v, %v", st, err)
		}
	})
}

// TestCutWithNothingNewKeepsTheStoredCheckpoint: a cut with no event since
// the latest checkpoint (after a quiet sweep, at shutdown) signed the same
// tree again at a later time; the database keeps one checkpoint a size, so
// the caller got, and the witness cosigned, a checkpoint it did not hold,
// and the witness's line for that other text was added to the stored one.
// The cut now gives back the stored checkpoint.
func TestCutWithNothingNewKeepsTheStoredCheckpoint(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newRig(t, db)
		at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
		l := ledger.NewLog(db, r.s, r.v, func() time.Time { at = at.Add(time.Minute); return at })
		_, c := witnessFor(t, r)
		l.SetWitnesses(c)
		first, err := l.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, err := l.Cut(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := l.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		body := func(n []byte) string { b, _, _ := strings.Cut(string(n), "\n\n"); return b }
		if again.Size != first.Size || !again.Created.Equal(first.Created) || body(again.Note) != body(first.Note) ||
			body(stored.Note) != body(first.Note) {
			t.Fatalf("a cut with nothing new signed another checkpoint of %d events:\nfirst %s\nagain %s\nstored %s",
				first.Size, first.Note, again.Note, stored.Note)
		}
		signed, err := c.Latest(ctx, r.v.Name())
		if err != nil {
			t.Fatal(err)
		}
		if body(signed) != body(stored.Note) {
			t.Errorf("the witness cosigned a checkpoint the database does not hold:\n%s\nstored:\n%s", signed, stored.Note)
		}
	})
}
