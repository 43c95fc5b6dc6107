package domain_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/domain"
)

type limitsIn struct {
	Version    int64    `json:"version"`
	Action     string   `json:"-" path:"action"`
	Name       string   `json:"name"`
	Note       string   `json:"note"`
	Directions []string `json:"directions"`
	Nested     struct {
		Title string `json:"title"`
	} `json:"nested"`
	embeddedLimits
}

type embeddedLimits struct {
	Reason string `json:"reason"`
}

func rules(p domain.Problems) map[string]string {
	out := map[string]string{}
	for _, pr := range p {
		out[pr.Field] = pr.Rule
	}
	return out
}

func TestCheckFieldsNamesEveryFieldOverItsLimit(t *testing.T) {
	var in limitsIn
	in.Action = strings.Repeat("a", domain.ShortText+1)
	in.Name = strings.Repeat("é", domain.ShortText+1) // characters, not bytes
	in.Note = strings.Repeat("n", domain.ProseText+1)
	in.Directions = []string{"ok", strings.Repeat("d", domain.ProseText+1)}
	in.Nested.Title = strings.Repeat("t", domain.LineText+1)
	in.Reason = strings.Repeat("r", domain.ProseText+1)
	got := rules(domain.CheckFields(in))
	for _, f := range []string{"action", "name", "note", "directions", "title", "reason"} {
		if got[f] != "too_long" {
			t.Errorf("%s over its limit: rule %q, want too_long (all: %v)", f, got[f], got)
		}
	}
	if len(got) != 6 {
		t.Errorf("problems for %v, want exactly the six fields over their limits", got)
	}
	// At the limit is fine, counted in characters.
	in = limitsIn{Name: strings.Repeat("é", domain.ShortText), Note: strings.Repeat("n", domain.ProseText)}
	if p := domain.CheckFields(&in); len(p) != 0 {
		t.Errorf("fields at their limits refused: %v", p)
	}
}

func TestCheckFieldsRefusesBadTextAndLongLists(t *testing.T) {
	in := limitsIn{Name: "Ann\xffSmith", Note: "line one\nline two\ttabbed"}
	in.Reason = "bell\a"
	in.Directions = make([]string, domain.ListItems+1)
	got := rules(domain.CheckFields(in))
	want := map[string]string{"name": "invalid_text", "reason": "control_character", "directions": "too_many"}
	for f, r := range want {
		if got[f] != r {
			t.Errorf("%s: rule %q, want %q (all %v)", f, got[f], r, got)
		}
	}
	if _, ok := got["note"]; ok {
		t.Errorf("line breaks and tabs in a note refused: %v", got)
	}
	if p := domain.CheckText("name", "Ann\nSmith"); len(p) != 1 || p[0].Rule != "control_character" {
		t.Errorf("a line break in a name: %v, want control_character", p)
	}
	for _, pr := range domain.CheckFields(in) {
		if pr.Message == "" || pr.Message[0] < 'A' || pr.Message[0] > 'Z' {
			t.Errorf("message %q: a sentence starting with a capital, for a person", pr.Message)
		}
	}
}

func TestDatesWithinSaneBounds(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		dob  time.Time
		rule string
	}{
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "date_too_early"},
		{time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), "date_too_early"},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{time.Date(2012, 5, 1, 0, 0, 0, 0, time.UTC), ""},
		{now.AddDate(0, 0, 1), "date_in_future"},
	} {
		got := ""
		if p := domain.CheckBirthDate("dob", c.dob, now); len(p) > 0 {
			got = p[0].Rule
		}
		if got != c.rule {
			t.Errorf("date of birth %s: %q, want %q", c.dob.Format(time.DateOnly), got, c.rule)
		}
	}
	if p := domain.CheckPast("reported_at", now.Add(time.Minute), now); len(p) != 0 {
		t.Errorf("a minute of clock skew refused: %v", p)
	}
	if p := domain.CheckPast("reported_at", now.AddDate(9, 0, 0), now); len(p) != 1 {
		t.Errorf("a report dated 2035 accepted")
	}
	if p := domain.CheckPast("reported_at", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), now); len(p) != 1 {
		t.Errorf("a report in year 1 accepted")
	}
}

// Whatever the text, CheckText never panics, and it refuses exactly what is
// invalid UTF-8 or over the limit.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "Ann Smith", "a\xffb", "line\nbreak", strings.Repeat("x", domain.ShortText+1)} {
		f.Add("name", s)
		f.Add("note", s)
	}
	f.Fuzz(func(t *testing.T, field, s string) {
		p := domain.CheckText(field, s)
		r := rules(p)
		if !utf8.ValidString(s) {
			if r[field] != "invalid_text" {
				t.Fatalf("invalid UTF-8 %q not refused: %v", s, p)
			}
			return
		}
		over := utf8.RuneCountInString(s) > domain.TextLimit(field)
		tooLong := false
		for _, pr := range p {
			tooLong = tooLong || pr.Rule == "too_long"
		}
		if tooLong != over {
			t.Fatalf("%q in %s: too_long=%v, want %v", s, field, tooLong, over)
		}
	})
}
