package request_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
)

type versioned struct {
	Version int64 `json:"version"`
}

type rationale struct {
	LinesConsidered string `json:"lines_considered"`
	WhyNoneRemain   string `json:"why_none_remain,omitempty"`
}

// kinds has a field of every kind the decoder fills.
type kinds struct {
	versioned
	Action     string               `json:"-" path:"action"`
	Name       string               `json:"name"`
	Status     domain.SuspectStatus `json:"status,omitempty"`
	EveryDays  int                  `json:"every_days"`
	Small      int8                 `json:"small"`
	Count      uint                 `json:"count"`
	Ratio      float64              `json:"ratio"`
	Vulnerable bool                 `json:"vulnerable"`
	Maybe      *int64               `json:"maybe"`
	Directions []string             `json:"directions"`
	When       time.Time            `json:"when"`
	Later      *time.Time           `json:"later"`
	Rationale  rationale            `json:"rationale"`
	Skipped    string               `json:"-"`
	Untagged   string
	//lint:ignore U1000 the decoder must pass over an unexported field
	hidden string
}

func ptr[T any](v T) *T { return &v }

func TestDecodeForm(t *testing.T) {
	when := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		form url.Values
		want kinds
	}{
		{"empty form: every field left as it was", url.Values{}, kinds{}},
		{"blank values: left as they were", url.Values{"every_days": {" "}, "vulnerable": {""}, "maybe": {""},
			"directions": {"", "\n \n"}, "when": {""}}, kinds{}},
		{"every kind", url.Values{
			"version": {"7"}, "action": {"a1"}, "name": {" Ann "}, "status": {"charged"}, "every_days": {" 14 "},
			"small": {"-8"}, "count": {"3"}, "ratio": {"0.5"}, "vulnerable": {"yes"}, "maybe": {"9"},
			"directions": {"first\r\n\n  second  \n"}, "when": {"2025-03-01T09:30:00Z"},
			"later": {"2025-03-01T09:30:00Z"}, "rationale.lines_considered": {"all"}, "Untagged": {"u"},
			"Skipped": {"no"}, "-": {"no"}, "hidden": {"no"}, "csrf": {"ignored"}, "lines_considered": {"no"},
		}, kinds{versioned: versioned{Version: 7}, Action: "a1", Name: " Ann ", Status: "charged", EveryDays: 14,
			Small: -8, Count: 3, Ratio: 0.5, Vulnerable: true, Maybe: ptr(int64(9)),
			Directions: []string{"first", "second"}, When: when, Later: &when,
			Rationale: rationale{LinesConsidered: "all"}, Untagged: "u"}},
		{"repeated fields: one item each, a value's lines split", url.Values{"directions": {"a", "b\nc", " "}},
			kinds{Directions: []string{"a", "b", "c"}}},
		{"a repeated scalar: the first value", url.Values{"name": {"first", "second"}}, kinds{Name: "first"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got kinds
			if err := request.DecodeForm(tc.form, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeFormBools(t *testing.T) {
	for v, want := range map[string]bool{"yes": true, "true": true, "on": true, "1": true, "YES": true, " on ": true,
		"no": false, "false": false, "off": false, "0": false} {
		got := kinds{Vulnerable: !want}
		if err := request.DecodeForm(url.Values{"vulnerable": {v}}, &got); err != nil || got.Vulnerable != want {
			t.Errorf("vulnerable=%q: %v, %v; want %v", v, got.Vulnerable, err, want)
		}
	}
}

// Bad fields are every one reported at once, each named with its rule, as
// a 400 that is also domain.Problems; nothing else is the decoder's to say.
func TestDecodeFormBadFields(t *testing.T) {
	form := url.Values{"version": {"seven"}, "every_days": {"1.5"}, "small": {"300"}, "count": {"-1"},
		"ratio": {"half"}, "vulnerable": {"maybe"}, "maybe": {"x"}, "when": {"yesterday"}, "later": {"1/2/2025"},
		"name": {"fine"}}
	var got kinds
	err := request.DecodeForm(form, &got)
	ps, ok := domain.AsProblems(err)
	if !ok {
		t.Fatalf("%v is not domain.Problems", err)
	}
	var inErr *request.Error
	if !errors.As(err, &inErr) || inErr.Status != http.StatusBadRequest {
		t.Errorf("%#v: want a request.Error with status 400", err)
	}
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field+":"+p.Rule)
		if p.Message == "" || !strings.Contains(p.Message, "must be") {
			t.Errorf("problem %+v: want a plain message saying what the field must be", p)
		}
	}
	slices.Sort(fields)
	want := []string{"count:whole_number", "every_days:whole_number", "later:format", "maybe:whole_number",
		"ratio:number", "small:whole_number", "version:whole_number", "vulnerable:yes_no", "when:format"}
	if !slices.Equal(fields, want) {
		t.Errorf("problems %v\nwant     %v", fields, want)
	}
	if !strings.Contains(err.Error(), `every days must be a whole number, not "1.5"`) {
		t.Errorf("message %q does not name the field as a person reads it", err)
	}
}

// A struct no request can fill is a fault of ours (500), said plainly, and
// never a panic.
func TestDecodeFormUnsupported(t *testing.T) {
	type odd struct {
		Tags  map[string]string `json:"tags"`
		Ids   []int             `json:"ids"`
		Inner *rationale        `json:"inner"`
		Path  int               `json:"-" path:"n"`
	}
	var got odd
	err := request.DecodeForm(url.Values{"tags": {"a"}, "ids": {"1"}, "inner": {"x"}, "n": {"1"}}, &got)
	ps, ok := domain.AsProblems(err)
	var inErr *request.Error
	if !ok || len(ps) != 4 || !errors.As(err, &inErr) || inErr.Status != http.StatusInternalServerError {
		t.Errorf("%#v: want four unsupported problems as a 500", err)
	}
	for _, v := range []any{nil, kinds{}, (*kinds)(nil), new(int)} {
		if _, ok := domain.AsProblems(request.DecodeForm(url.Values{"name": {"x"}}, v)); !ok {
			t.Errorf("DecodeForm into %T: want a problem", v)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		field, rule             string
	}{
		{"every kind", "application/json; charset=utf-8", `{"version":3,"name":"Ann","directions":["a"],` +
			`"rationale":{"lines_considered":"all"}}`, 0, "", ""},
		{"no content type", "", `{"version":3}`, 0, "", ""},
		{"unknown field", "", `{"version":3,"nmae":"Ann"}`, 400, "nmae", "unknown_field"},
		{"the path field is not in the body", "", `{"action":"a2"}`, 400, "action", "unknown_field"},
		{"wrong type, in an embedded struct", "", `{"version":"3"}`, 400, "version", "type"},
		{"wrong type, nested", "", `{"rationale":{"lines_considered":1}}`, 400, "rationale.lines_considered", "type"},
		{"trailing data", "", `{"version":3} {}`, 400, "", "single_object"},
		{"not JSON", "", `{"version":`, 400, "", "json"},
		{"syntax", "", `{version:3}`, 400, "", "json"},
		{"empty", "", ``, 400, "", "required"},
		{"too large", "", `{"name":"` + strings.Repeat("a", request.MaxBody) + `"}`, 413, "", "too_large"},
		{"a form", "application/x-www-form-urlencoded", `name=Ann`, 415, "", "content_type"},
		{"a bad content type", "text/", `{}`, 415, "", "content_type"},
		// Strict where encoding/json is lenient (issue 16, item 7).
		{"a key in another case", "", `{"Version":3}`, 400, "Version", "key_case"},
		{"a nested key in another case", "", `{"rationale":{"Lines_Considered":"x"}}`, 400,
			"rationale.Lines_Considered", "key_case"},
		{"a key twice", "", `{"version":3,"name":"Ann","name":"Bob"}`, 400, "name", "duplicate_key"},
		{"a key twice, nested", "", `{"rationale":{"lines_considered":"a","lines_considered":"b"}}`, 400,
			"rationale.lines_considered", "duplicate_key"},
		{"a key twice, in two spellings", "", `{"version":3,"VERSION":4}`, 400, "VERSION", "key_case"},
		{"invalid UTF-8", "", "{\"version\":3,\"name\":\"Ann\xff\"}", 400, "", "invalid_text"},
		// A lone surrogate escape would be stored as U+FFFD (issue 16).
		{"a lone high surrogate", "", `{"name":"surrogate \ud800 here"}`, 400, "name", "invalid_text"},
		{"a lone low surrogate", "", `{"name":"\uDC00"}`, 400, "name", "invalid_text"},
		{"a high surrogate then not a low one", "", `{"name":"\ud800\u0041"}`, 400, "name", "invalid_text"},
		{"two high surrogates", "", `{"name":"\ud800\ud800"}`, 400, "name", "invalid_text"},
		{"a lone surrogate, nested", "", `{"rationale":{"lines_considered":"\udfff"}}`, 400,
			"rationale.lines_considered", "invalid_text"},
		{"a lone surrogate in a list", "", `{"directions":["a","\ud83d"]}`, 400, "directions", "invalid_text"},
		{"a lone surrogate in a key", "", `{"version":3,"\ud800":1}`, 400, "", "invalid_text"},
		{"a field over its limit", "", `{"name":"` + strings.Repeat("a", domain.ShortText+1) + `"}`, 400,
			"name", "too_long"},
		{"a control character", "", `{"name":"Ann\u0000"}`, 400, "name", "control_character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/cases/CSE-2025-000001/actions/a1/allocate",
				strings.NewReader(tc.body))
			r.SetPathValue("action", "a1")
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			var got kinds
			err := request.DecodeJSON(httptest.NewRecorder(), r, &got)
			if tc.status == 0 {
				want := kinds{versioned: versioned{3}, Name: "Ann", Directions: []string{"a"}, Action: "a1",
					Rationale: rationale{LinesConsidered: "all"}}
				if tc.body == `{"version":3}` {
					want = kinds{versioned: versioned{3}, Action: "a1"}
				}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v, %v; want %+v", got, err, want)
				}
				return
			}
			var inErr *request.Error
			ps, ok := domain.AsProblems(err)
			if !errors.As(err, &inErr) || !ok || inErr.Status != tc.status || len(ps) != 1 ||
				ps[0].Field != tc.field || ps[0].Rule != tc.rule || ps[0].Message == "" {
				t.Errorf("got %#v, want status %d with problem %s:%s", err, tc.status, tc.field, tc.rule)
			}
		})
	}
}

func TestCaseRefs(t *testing.T) {
	if got := request.PathRef("CSE/2025/000123"); got != "CSE-2025-000123" {
		t.Errorf("PathRef: %q", got)
	}
	if got := request.CaseRef("CSE-2025-000123"); got != "CSE/2025/000123" {
		t.Errorf("CaseRef: %q", got)
	}
	r := httptest.NewRequest("GET", "/api/v1/cases/CSE-2025-000123", nil)
	r.SetPathValue("ref", "CSE-2025-000123")
	if got := request.RefOf(r); got != "CSE/2025/000123" {
		t.Errorf("RefOf: %q", got)
	}
}

func TestCSRFOK(t *testing.T) {
	if request.CSRFOK("", "") || request.CSRFOK("a", "") || request.CSRFOK("a", "b") || !request.CSRFOK("a", "a") {
		t.Error("CSRFOK: an empty or different token must not match; the same one must")
	}
}

// FuzzDecodeForm: whatever a form holds, the decoder never panics and
// refuses only with domain.Problems, each with a rule and a message.
func FuzzDecodeForm(f *testing.F) {
	for _, seed := range []string{"", "version=1&every_days=x", "directions=a%0Ab&directions=c", "vulnerable=maybe",
		"maybe=9999999999999999999999", "small=-129", "when=2025-13-01", "rationale.lines_considered=%00",
		"action=a&action=b", "count=%2B1", "ratio=NaN", "later=", "=&&==&name"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, _ := url.ParseQuery(raw)
		var got kinds
		err := request.DecodeForm(form, &got)
		if err == nil {
			return
		}
		ps, ok := domain.AsProblems(err)
		if !ok || len(ps) == 0 {
			t.Fatalf("%q: %v is not domain.Problems", raw, err)
		}
		for _, p := range ps {
			if p.Rule == "" || p.Message == "" || p.Field == "" {
				t.Fatalf("%q: problem %+v lacks a field, rule or message", raw, p)
			}
		}
		if fmt.Sprint(err) == "" {
			t.Fatalf("%q: empty error", raw)
		}
	})
}

// FuzzStrictJSON: whatever the body, DecodeJSON never panics, refuses only
// with problems, and never accepts a body with invalid UTF-8, a key twice in
// an object or a key in another case than the field it names.
func FuzzStrictJSON(f *testing.F) {
	for _, seed := range []string{`{"version":3}`, `{"Version":3}`, `{"name":"a","name":"b"}`,
		"{\"name\":\"\xc3\"}", `{"rationale":{"lines_considered":"x","LINES_CONSIDERED":"y"}}`,
		`{"directions":["a",{"x":1,"x":2}]}`, `{"maybe":null}`, `[]`, `{"version":3}{}`, `{"name":"\ud800"}`,
		`{"name":"\ud83d\ude00"}`, `{"name":"\\ud800"}`, `{"name":"\ufffd"}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		var got kinds
		err := request.DecodeJSON(httptest.NewRecorder(), r, &got)
		if err != nil {
			if ps, ok := domain.AsProblems(err); !ok || len(ps) == 0 || ps[0].Rule == "" || ps[0].Message == "" {
				t.Fatalf("%q: %v is not a problem with a rule and a message", body, err)
			}
			return
		}
		if !utf8.ValidString(body) {
			t.Fatalf("%q: invalid UTF-8 accepted", body)
		}
		if dup := duplicateOrCasedKey(body); dup != "" {
			t.Fatalf("%q: key %q accepted", body, dup)
		}
		// A lone surrogate escape decodes to U+FFFD: accepted, U+FFFD can
		// only have been sent as itself or as \ufffd.
		if strings.ContainsRune(got.Name, utf8.RuneError) && !strings.ContainsRune(body, utf8.RuneError) &&
			!strings.Contains(strings.ToLower(body), `\ufffd`) {
			t.Fatalf("%q: a lone surrogate accepted as %q", body, got.Name)
		}
	})
}

// duplicateOrCasedKey is a key of the body's top-level object that is given
// twice or that is not spelt as any of kinds' fields, compared the slow way.
func duplicateOrCasedKey(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	exact := map[string]bool{"version": true, "name": true, "status": true, "every_days": true, "small": true,
		"count": true, "ratio": true, "vulnerable": true, "maybe": true, "directions": true, "rationale": true,
		"when": true, "later": true, "Untagged": true}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		k, _ := tok.(string)
		if seen[k] || !exact[k] {
			return k
		}
		seen[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}
