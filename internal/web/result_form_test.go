package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// summaryEntryRE is an entry of the error summary: where it links, and
// what it says.
var summaryEntryRE = regexp.MustCompile(`<li data-rule="[^"]*"><a href="#f-([^"]+)">([^<]*)</a>`)

// summaryList is where the error summary's list stands on the page
// (summaryRE's submatch indexes: [2]:[3] its entries, [1] its end).
func summaryList(t *testing.T, page string) []int {
	t.Helper()
	m := summaryRE.FindStringSubmatchIndex(page)
	if m == nil {
		t.Fatalf("the page has no error summary:\n%s", page)
	}
	return m
}

// summaryEntries is the error summary's entries of a page, in order: each
// "field: message".
func summaryEntries(t *testing.T, page string) []string {
	t.Helper()
	m := summaryList(t, page)
	var out []string
	for _, l := range summaryEntryRE.FindAllStringSubmatch(page[m[2]:m[3]], -1) {
		out = append(out, l[1]+": "+html.UnescapeString(l[2]))
	}
	return out
}

// summaryLinksLand checks GOV.UK's error summary and error message
// patterns on a refused form: each link of the summary lands on exactly
// one element of the page below it, in the order the page shows them (not
// the order the service refused them in); that element is an input marked
// in error (govuk-input--error and its kin, or a radio or checkbox in a
// group marked govuk-form-group--error), with an error message in its
// group above it. (A link to a part of the page that is no input, such as
// the close page's victims' views, need only land, in order.) It returns
// the fields linked, in order.
func summaryLinksLand(t *testing.T, page string) []string {
	t.Helper()
	m := summaryList(t, page)
	var ids []string
	last := m[1]
	for _, l := range summaryLinkRE.FindAllStringSubmatch(page[m[2]:m[3]], -1) { // case_roles_test.go
		id := l[1]
		ids = append(ids, id)
		at := strings.Index(page[m[1]:], `id="`+id+`"`)
		if at < 0 {
			t.Errorf("the summary links to #%s, which is not on the page", id)
			continue
		}
		at += m[1]
		if n := strings.Count(page, `id="`+id+`"`); n != 1 {
			t.Errorf("#%s is on the page %d times", id, n)
		}
		if at < last {
			t.Errorf("the summary lists #%s after a field below it: its links are not in the order of the page (%v)",
				id, ids)
		}
		last = at
		tag := page[strings.LastIndex(page[:at], "<") : at+strings.Index(page[at:], ">")+1]
		group := strings.LastIndex(page[:at], "govuk-form-group--error")
		msg := strings.LastIndex(page[:at], `class="govuk-error-message"`)
		if !strings.HasPrefix(tag, "<input") && !strings.HasPrefix(tag, "<select") &&
			!strings.HasPrefix(tag, "<textarea") {
			continue
		}
		radio := strings.Contains(tag, `type="radio"`) || strings.Contains(tag, `type="checkbox"`)
		if !radio && !strings.Contains(tag, "--error") {
			t.Errorf("#%s is not marked in error: %s", id, tag)
		}
		if group < 0 || msg < group || strings.Contains(page[group:at], "</fieldset>") {
			t.Errorf("#%s has no error message above it in a group marked in error", id)
		}
	}
	return ids
}

// besideField reports whether the page shows msg as the error message of
// the field named, beside it (GOV.UK's error message).
func besideField(page, name, msg string) bool {
	return strings.Contains(html.UnescapeString(page), `<p id="f-`+name+`-error" class="govuk-error-message">`+
		`<span class="govuk-visually-hidden">Error:</span> `+msg+`</p>`)
}

// TestResultFormAsksOutcomeAndReference: resulting a line of enquiry was
// one free-text box. The form now asks what was done, the outcome (radios)
// and a reference; sent blank, it lists every reason in the order of the
// page, each linking to its field and shown beside it, keeping what was
// typed. The result then shows its outcome and reference on the actions
// page and on the supervisor's review before filing or referring back.
func TestResultFormAsksOutcomeAndReference(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s, ok := f.Svc, mustCase(t)
		c := f.Allocated(t)
		c = ok(s.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Seize the CCTV from the bus station"}))
		act := c.Actions[0]
		c = ok(s.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act.ID, To: f.Investigator.ID()}))
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		_, form := ivy.get(path + "/do/result-action?" + url.Values{"action": {act.ID}}.Encode())
		for _, want := range []string{`name="result"`, `type="radio" value="completed"`,
			`type="radio" value="nothing_found"`, `type="radio" value="not_possible"`, `type="radio" value="referred_on"`,
			"Completed, nothing found", `name="reference"`} {
			if !strings.Contains(form, want) {
				t.Fatalf("the result form lacks %s:\n%s", want, form)
			}
		}
		send := url.Values{"csrf": {ivy.csrf(form)}, "version": {itoa(c.Version)}, "action": {act.ID},
			"result": {""}, "reference": {"M14"}}
		status, page := ivy.post(path+"/do/result-action", send)
		if status != 422 {
			t.Fatalf("a blank result: %d, want 422", status)
		}
		want := []string{"result: Say what was done and what it found.",
			"outcome: Choose how the line of enquiry ended."}
		if got := summaryEntries(t, page); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("the error summary lists %q, want %q", got, want)
		}
		if got := summaryLinksLand(t, page); strings.Join(got, " ") != "f-result f-outcome" {
			t.Errorf("the summary links %v, want the result then the outcome", got)
		}
		if !besideField(page, "result", "Say what was done and what it found.") ||
			!besideField(page, "outcome", "Choose how the line of enquiry ended.") {
			t.Errorf("the reasons are not beside their fields:\n%s", page)
		}
		if !strings.Contains(page, `id="f-outcome" name="outcome" type="radio"`) ||
			!strings.Contains(page, `id="f-reference" name="reference" type="text" value="M14"`) {
			t.Errorf("the summary's links lead nowhere, or the reference typed was lost:\n%s", page)
		}

		send["result"], send["outcome"] = []string{"CCTV overwritten after 28 days; nothing recoverable"},
			[]string{"nothing_found"}
		if status, page = ivy.post(path+"/do/result-action", send); status != 200 {
			t.Fatalf("the result: %d\n%s", status, page)
		}
		_, page = ivy.get(path + "/actions")
		if !strings.Contains(page, "<strong>Completed, nothing found</strong>, reference M14<br>"+
			"What was done: CCTV overwritten after 28 days; nothing recoverable") {
			t.Errorf("the actions page does not show the outcome and reference:\n%s", page)
		}

		sam := newClient(t, base, "sam")
		for _, review := range []string{"file-action", "refer-back-action"} {
			_, page = sam.get(path + "/do/" + review + "?" + url.Values{"action": {act.ID}}.Encode())
			for _, want := range []string{"What was done</dt>", "CCTV overwritten after 28 days; nothing recoverable",
				"Outcome</dt>", "Completed, nothing found</dd>", "Reference</dt>", "M14</dd>", "DC Ivy Investigator on "} {
				if !strings.Contains(page, want) {
					t.Errorf("the supervisor's %s page does not show %q:\n%s", review, want, page)
				}
			}
		}
	})
}
