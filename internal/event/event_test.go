package event

import (
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"
)

// The leaf hash is RFC 6962's: ../shared/data/merkle/README.md gives the
// leaf hash of "hello world".
func TestLeafHashIsRFC6962(t *testing.T) {
	got := hex.EncodeToString(LeafHash([]byte("hello world")))
	if want := "4eccf34608d31bac5c7becf6006df59005d828181056d092084e341e6bb005bd"; got != want {
		t.Fatalf("leaf hash %s, want %s", got, want)
	}
}

func TestLeafIsCanonical(t *testing.T) {
	at := time.Date(2026, 3, 29, 1, 30, 0, 5, time.FixedZone("BST", 3600))
	a := &Event{
		Seq:            7,
		At:             at,
		Actor:          "u\"1\n",
		CaseID:         "c1",
		CaseVersion:    3,
		Type:           "note.added",
		PayloadVersion: 1,
		Payload:        json.RawMessage(`{"b":1,"a":"x"}`),
	}
	b := *a
	b.At = at.UTC()
	la, _ := a.Leaf()
	lb, _ := b.Leaf()
	if string(la) != string(lb) {
		t.Fatalf("same instant in two zones, different leaves:\n%s\n%s", la, lb)
	}
	want := `{"format":"holdfast-event/1","seq":7,"at":"2026-03-29T00:30:00.000000005Z","actor":"u\"1\u000a","case":"c1","case_version":3,"type":"note.added","v":1,"source":"","payload":{"b":1,"a":"x"}}`
	if string(la) != want {
		t.Fatalf("leaf\n%s\nwant\n%s", la, want)
	}
	if !json.Valid(la) {
		t.Fatal("the leaf is not valid JSON")
	}
	b.Payload = json.RawMessage(`{"b":2,"a":"x"}`)
	a.Seal(nil)
	b.Seal(nil)
	if string(a.Hash) == string(b.Hash) {
		t.Fatal("different payloads sealed to the same hash")
	}
	// Whitespace is part of the committed bytes: reformatting is tampering.
	b.Payload = json.RawMessage(`{"b":1, "a":"x"}`)
	b.Seal(nil)
	if string(a.Hash) == string(b.Hash) {
		t.Fatal("reformatted payload sealed to the same hash")
	}
}

// FuzzLeafString: every actor, case, type and source string encodes to a
// leaf that is valid JSON and decodes back to the same string (for valid UTF-8).
func FuzzLeafString(f *testing.F) {
	f.Add("plain", "\"quoted\\", "\x00\x1f\u2028", "caf\xe9")
	f.Fuzz(func(t *testing.T, actor, cs, typ, src string) {
		e := &Event{Seq: 1, Actor: actor, CaseID: cs, Type: typ, Source: src, PayloadVersion: 1}
		l, _ := e.Leaf()
		// The verifier's byte path encodes the same event to the same leaf.
		r := &Raw{
			Seq:            1,
			At:             AppendLeafTime(nil, e.At),
			Actor:          []byte(actor),
			CaseID:         []byte(cs),
			Type:           []byte(typ),
			Source:         []byte(src),
			PayloadVersion: 1,
		}
		if raw := r.AppendLeaf(nil); string(raw) != string(l) {
			t.Fatalf("leaf from bytes %q differs from leaf from strings %q", raw, l)
		}
		var back struct {
			Actor, Case, Type, Source string
		}
		if err := json.Unmarshal(l, &back); err != nil {
			t.Fatalf("leaf %q is not JSON: %v", l, err)
		}
		if utf8.ValidString(actor) && back.Actor != actor {
			t.Fatalf("actor %q came back as %q", actor, back.Actor)
		}
	})
}

// appendStringByByte is appendString as first written, one byte at a time:
// the fast path for plain runs must produce exactly its bytes, or every
// leaf hash would change.
func appendStringByByte(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func FuzzAppendStringUnchanged(f *testing.F) {
	for _, s := range []string{"", "plain", "0193a5f0-0000-7000-8000-000000000001", "a\"b", "back\\slash", "\x00\x1f\x7f", "caf\xe9", "café ✓", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := appendStringByByte([]byte("x"), s)
		if got := appendString([]byte("x"), s); string(got) != string(want) {
			t.Fatalf("%q encodes as %q, was %q", s, got, want)
		}
		if got := appendString([]byte("x"), []byte(s)); string(got) != string(want) {
			t.Fatalf("%q as bytes encodes as %q, as a string %q", s, got, want)
		}
	})
}
