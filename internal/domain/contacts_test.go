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
		for i := range r.IntN(30) {
			c := Contact{ID: fmt.Sprint(i), Kind: kinds[r.IntN(len(kinds))],
				At: t0.Add(time.Duration(r.IntN(50)) * time.Hour)}
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
			want, got := last(ks...), v.Latest(ks...)
			if (want == nil) != (got == nil) || want != nil && !want.At.Equal(got.At) {
				t.Fatalf("seed %d: latest %v = %+v, want %+v", seed, ks, got, want)
			}
			if want != nil && !v.LastContact(ks...).Equal(want.At) {
				t.Fatalf("seed %d: LastContact %v = %s", seed, ks, v.LastContact(ks...))
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
