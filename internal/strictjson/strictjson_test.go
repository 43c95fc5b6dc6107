package strictjson_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf16"

	"github.com/holdfast/holdfast/internal/strictjson"
)

func TestLoneSurrogate(t *testing.T) {
	for raw, want := range map[string]bool{
		`"plain"`: false, `"\u0041"`: false, `"\ud83d\ude00"`: false, `"\uD83D\uDE00"`: false,
		`"\\ud800"`: false, `"\ufffd"`: false, `"\ud800"`: true, `"\udc00"`: true, `"\ud800\u0041"`: true,
		`"\ud800\ud800"`: true, `"\\\ud800"`: true, `"\ud800\\udc00"`: true, `"a\ud83d"`: true,
	} {
		if got := strictjson.LoneSurrogate([]byte(raw)); got != want {
			t.Errorf("LoneSurrogate(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestCheckNamesTheField(t *testing.T) {
	type rec struct {
		Summary string   `json:"summary"`
		Tags    []string `json:"tags"`
	}
	for body, want := range map[string]string{
		`{"summary":"ok \ud83d\ude00","tags":["a"]}`: "",
		`{"summary":"\ud800"}`:                       "summary:invalid_text",
		`{"tags":["a","\udfff"]}`:                    "tags:invalid_text",
		`{"Summary":"x"}`:                            "Summary:key_case",
		`{"summary":"x","summary":"y"}`:              "summary:duplicate_key",
		"{\"summary\":\"\xff\"}":                     ":invalid_text",
	} {
		got := ""
		if p := strictjson.Check([]byte(body), reflect.TypeFor[rec]()); p != nil {
			got = p.Field + ":" + p.Rule
			if p.Message == "" {
				t.Errorf("%s: no message", body)
			}
		}
		if got != want {
			t.Errorf("Check(%s) = %q, want %q", body, got, want)
		}
	}
}

// FuzzLoneSurrogate: for any JSON string literal, LoneSurrogate agrees
// with decoding its \u escapes as UTF-16 the slow way (unicode/utf16).
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"a"`, `"\ud800"`, `"\ud83d\ude00"`, `"\\ud800"`, `"\udc00\ud800"`, `"\ud800\n"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var s string
		if json.Unmarshal([]byte(raw), &s) != nil {
			return
		}
		if got, want := strictjson.LoneSurrogate([]byte(raw)), slowLone(raw); got != want {
			t.Fatalf("LoneSurrogate(%q) = %v, want %v", raw, got, want)
		}
	})
}

// slowLone collects each run of \u escapes as UTF-16 units and asks
// utf16 whether every surrogate in it is paired.
func slowLone(raw string) bool {
	var run []uint16
	lone := func() bool {
		for i := 0; i < len(run); i++ {
			if utf16.IsSurrogate(rune(run[i])) {
				if i+1 < len(run) && utf16.DecodeRune(rune(run[i]), rune(run[i+1])) != 0xFFFD {
					i++
					continue
				}
				return true
			}
		}
		run = run[:0]
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			if lone() {
				return true
			}
			continue
		}
		if raw[i+1] == 'u' && i+6 <= len(raw) {
			var u uint16
			for _, c := range []byte(raw[i+2 : i+6]) {
				d := uint16(0)
				switch {
				case c >= '0' && c <= '9':
					d = uint16(c - '0')
				case c >= 'a' && c <= 'f':
					d = uint16(c-'a') + 10
				case c >= 'A' && c <= 'F':
					d = uint16(c-'A') + 10
				}
				u = u<<4 | d
			}
			run = append(run, u)
			i += 5
			continue
		}
		if lone() {
			return true
		}
		i++
	}
	return lone()
}
