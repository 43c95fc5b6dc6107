package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// syntheticLog makes n sealed events with payloads shaped like real ones.
func syntheticLog(b testing.TB, n int) (*MemSource, int64) {
	m := &MemSource{}
	prev := []byte{}
	var total int64
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		p, _ := json.Marshal(map[string]any{"note": map[string]any{"id": fmt.Sprintf("0193a5f0-%012d", i), "text": "Spoke to the school's designated safeguarding lead about attendance and the cars seen at the gate.", "author": "0193a5f0-0000-7000-8000-000000000001", "at": at}})
		e := &event.Event{Seq: int64(i), At: at.Add(time.Duration(i) * time.Second), Actor: "0193a5f0-0000-7000-8000-000000000001", CaseID: fmt.Sprintf("case-%d", i%1000), CaseVersion: int64(i / 1000), Type: "note.added", PayloadVersion: 1, Payload: p}
		if err := e.Seal(prev); err != nil {
			b.Fatal(err)
		}
		l, _ := e.Leaf()
		total += int64(len(l))
		prev = e.Hash
		m.Events = append(m.Events, e)
	}
	return m, total
}

// BenchmarkVerify reports events/s and leaf MB/s of a full verification,
// beside raw SHA-256 over the same leaf bytes (the yardstick).
func BenchmarkVerify(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m, total := syntheticLog(b, n)
			leaves := make([][]byte, n)
			for i, e := range m.Events {
				leaves[i], _ = e.Leaf()
			}
			start := time.Now()
			for _, l := range leaves {
				sha256.Sum256(l)
			}
			raw := float64(total) / time.Since(start).Seconds()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := Verify(context.Background(), m, nil, nil, time.Now())
				if err != nil || !r.OK {
					b.Fatal(err, r.Problem)
				}
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(n)/secs, "events/s")
			b.ReportMetric(float64(total)/secs/1e6, "leafMB/s")
			b.ReportMetric(raw/1e6, "rawSHA256MB/s")
			b.ReportMetric(100*float64(total)/secs/raw, "%ofSHA256")
		})
	}
}

func TestVerifySyntheticLog(t *testing.T) {
	m, _ := syntheticLog(t, 1000)
	r, err := Verify(context.Background(), m, nil, nil, time.Now())
	if err != nil || !r.OK || r.Events != 1000 {
		t.Fatalf("%+v %v", r, err)
	}
	m.Events[500].Payload = []byte(`{"note":{}}`)
	r, _ = Verify(context.Background(), m, nil, nil, time.Now())
	if r.OK || r.FirstBad != 501 {
		t.Fatalf("edit of event 501 reported as %+v", r)
	}
}
