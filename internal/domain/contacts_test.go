package domain

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestContactSummary: the document keeps, instead of every contact, the
// count, the first and the latest of each kind (AddContact); LastContact
// and Latest must answer from them what they answered from the whole list,
// in whatever order the contacts' times come.
func TestContactSummary(t *testing.T) {
	kinds := ContactKinds()
	t0 := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		var v Victim
		var all []Contact
		// Times out of order, never two the same (the record's clock is
		// monotonic; of two at one instant, the summary keeps either).
		hours := r.Perm(50)
		for i := range r.IntN(30) {
			c := Contact{ID: fmt.Sprint(i), Kind: kinds[r.IntN(len(kinds))], Method: fmt.Sprint(r.IntN(3)),
				At: t0.Add(time.Duration(hours[i]) * time.Hour)}
			all = append(all, c)
			v.AddContact(c)
		}
		if v.ContactCount != len(all) || len(v.Contacts) != len(all) {
			t.Fatalf("seed %d: count %d, %d folded, want %d", seed, v.ContactCount, len(v.Contacts), len(all))
		}
		if len(all) > 0 && !v.FirstContact.Equal(all[0].At) {
			t.Fatalf("seed %d: first contact %s, want %s", seed, v.FirstContact, all[0].At)
		}
		// The answers as they were, from the whole list.
		last := func(ks ...string) (out *Contact) {
			for i := range all {
				if (len(ks) == 0 || contains(ks, all[i].Kind)) && (out == nil || all[i].At.After(out.At)) {
					out = &all[i]
				}
			}
			return out
		}
		for _, ks := range [][]string{nil, {ContactSupportReferral}, {ContactUpdate, ContactDecision}} {
			want := last(ks...)
			if want == nil && !v.LastContact(ks...).IsZero() || want != nil && !v.LastContact(ks...).Equal(want.At) {
				t.Fatalf("seed %d: LastContact %v = %s, want %+v", seed, ks, v.LastContact(ks...), want)
			}
			if got := v.LatestContact(); ks == nil && ((want == nil) != (got == nil) ||
				want != nil && (got.At != want.At || got.Kind != want.Kind || got.Method != want.Method)) {
				t.Fatalf("seed %d: latest contact %+v, want %+v", seed, got, want)
			}
		}
		// And none of the contacts is in the document.
		b, err := json.Marshal(&v)
		if err != nil {
			t.Fatal(err)
		}
		var back Victim
		if err := json.Unmarshal(b, &back); err != nil || back.Contacts != nil || back.ContactCount != v.ContactCount {
			t.Fatalf("seed %d: the document %s decodes to %+v (%v)", seed, b, back, err)
		}
	}
}
