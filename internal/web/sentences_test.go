package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/service"
)

// TestSentencesBeginWithACapital: an inbox alert shown without its case
// reference, and the dashboard's figure labels, each begin a sentence of
// their own and so a capital letter.
func TestSentencesBeginWithACapital(t *testing.T) {
	falert := findFuncs["falert"].(func(string, string) string)
	got := falert("CSE/2018/000001: the suspect Carl Evans may be the suspect Carl Evans on CSE/2019/000002",
		"CSE/2018/000001")
	if !strings.HasPrefix(got, "The suspect Carl Evans may be the suspect Carl Evans") {
		t.Errorf("inbox alert reads %q", got)
	}

	h, err := New(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := h.pages["dashboard"].ExecuteTemplate(&b, "content",
		page{Data: dashboardView(&service.Dashboard{})}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">Open cases<", ">Duties overdue now<", ">Open cases whose owner has left<"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
}
