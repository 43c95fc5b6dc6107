package casefile

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// FuzzSplitLine holds splitLine to what decoding the line whole gives:
// wherever it answers, the same type and, byte for byte, the same body
// (which the import hashes: a different body would make a case imported
// before look changed).
func FuzzSplitLine(f *testing.F) {
	for _, name := range []string{"testdata/example.jsonl", "testdata/bad.jsonl"} {
		b, _ := os.ReadFile(name)
		for _, l := range bytes.Split(b, []byte("\n")) {
			f.Add(l)
		}
	}
	for _, s := range []string{
		richCase, historyCase, recordsCase, `{}`, `{"type":"case"}`, ` { "b" : [1, 2 ,{"x" : "a b"}] , "type":"unit", "a":null } `,
		`{"type":"case","summary":"<a> & \u2028 \" \\ x"}`, "{\"s\":\"\xe2\x80\xa8\xe2\x80\xa9\",\"type\":\"x\"}",
		`{"Type":"case"}`, `{"type":"case","type":"unit"}`, `{"type":"c\u0061se"}`, `{"type":null}`, `{"type":1}`,
		`[1]`, `"x"`, `{"a":1,"a":2}`, `{"\u0061":1}`, `{"a<":1}`, `{"type":"case","n":-1.5e3,"t":true,"f":false}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		typ, body, ok := splitLine(raw)
		if !ok {
			return
		}
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatalf("split %q, which does not decode: %v", raw, err)
		}
		if typ != head.Type {
			t.Fatalf("type of %q: %q, decoded %q", raw, typ, head.Type)
		}
		if want := stripType(raw); !bytes.Equal(body, want) {
			t.Fatalf("body of %q:\n%s\nstripType:\n%s", raw, body, want)
		}
	})
}

// TestSplitLineTakesOrdinaryLines checks the fast path is the one taken
// for the lines a force's file is made of.
func TestSplitLineTakesOrdinaryLines(t *testing.T) {
	for _, s := range []string{richCase, historyCase, recordsCase} {
		for _, l := range bytes.Split([]byte(s), []byte("\n")) {
			if l = bytes.TrimSpace(l); len(l) == 0 {
				continue
			}
			if _, _, ok := splitLine(l); !ok {
				t.Errorf("took the slow path for %s", l)
			}
		}
	}
}
