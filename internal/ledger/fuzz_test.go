package ledger

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// FuzzParseCheckpoint: any input either fails cleanly or parses to a
// checkpoint that formats back to exactly the same bytes.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"))
	f.Add([]byte("go.sum database tree\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n"))
	f.Add([]byte("o\n01\nAAAA\n"))
	// A checkpoint that signs its time (its fourth line), and the spellings
	// of a time the parser refuses.
	f.Add([]byte("example.com/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\ntime 1796630400\n"))
	f.Add([]byte("example.com/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\ntime 01796630400\n"))
	f.Add([]byte("example.com/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\ntime 1796630400\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCheckpoint(b)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Marshal(), b) {
			t.Fatalf("parsed %q but formats as %q", b, c.Marshal())
		}
	})
}

// FuzzCheckBundle: no input makes the bundle checker panic, and none but
// an untouched bundle verifies.
func FuzzCheckBundle(f *testing.F) {
	skey, vkey, _ := note.GenerateKey(nil, "fuzz.invalid/log")
	_ = skey
	v, _ := note.NewVerifier(vkey)
	f.Add([]byte(`{"format":"holdfast-ledger-bundle/1","key":"` + vkey + `","events":0,"checkpoints":0}` + "\n"))
	f.Add([]byte(`{"format":"holdfast-ledger-bundle/1","key":"` + vkey + `","events":1,"checkpoints":0}` + "\n" +
		`{"event":{"seq":1,"at":"2026-01-01T00:00:00Z","actor":"a","case":"","case_version":0,"type":"t","v":1,"source":"","payload":"{}","prev_hash":"","hash":"AAAA"}}` + "\n"))
	f.Add([]byte("{}\n{\"checkpoint\":\"x\"}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Check(bytes.NewReader(b), v, nil, time.Time{})
		if err == nil && rep.OK && rep.Events > 0 {
			t.Fatalf("a fuzzed bundle with %d events verified", rep.Events)
		}
	})
}

// FuzzOpenCheckpoint: signed-note opening never panics and never accepts
// a note our key did not sign.
func FuzzOpenCheckpoint(f *testing.F) {
	skey, vkey, _ := note.GenerateKey(nil, "fuzz.invalid/log")
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	good, _ := Sign(Checkpoint{Origin: "fuzz.invalid/log", Size: 3, Root: make([]byte, 32)}, s)
	f.Add(good)
	f.Add([]byte(strings.Replace(string(good), "3\n", "4\n", 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Open(b, v)
		if err == nil && !bytes.Equal(b, good) && c.Size != 3 {
			t.Fatalf("opened a note the key did not sign: %q", b)
		}
	})
}
