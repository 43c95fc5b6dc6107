package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCaseReferenceAsShown: /cases/CSE/2026/000001, the reference as the
// screen shows it, reaches the case; someone who may not see it gets the
// plain not-found page.
func TestCaseReferenceAsShown(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := f.Allocated(t)
		ivy := newClient(t, base, "ivy")
		ivy.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		for path, want := range map[string]string{
			"/cases/" + c.Ref:                     "/cases/" + request.PathRef(c.Ref),
			"/cases/" + strings.ToLower(c.Ref):    "/cases/" + request.PathRef(c.Ref),
			"/cases/" + c.Ref + "/victims":        "/cases/" + request.PathRef(c.Ref) + "/victims",
			"/cases/" + c.Ref + "/no-such-place/": "/cases/" + request.PathRef(c.Ref),
		} {
			res, err := ivy.http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
				t.Errorf("%s: %d to %q, want %d to %q", path, res.StatusCode, res.Header.Get("Location"),
					http.StatusMovedPermanently, want)
			}
		}
		olly := newClient(t, base, "olly")
		if status, body := olly.get("/cases/" + c.Ref); status != 404 || strings.Contains(body, c.Summary) {
			t.Errorf("another team's officer at the slashed reference: %d", status)
		}
		if status, _ := ivy.get("/cases/CSE/2026/999999"); status != 404 {
			t.Errorf("an unknown slashed reference: %d, want 404", status)
		}
	})
}

// TestStaleFormKeepsWhatWasTyped: a form sent after someone else changed
// the case is refused (409), shows what was typed, and says what changed.
func TestStaleFormKeepsWhatWasTyped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		status, form := ivy.get(path + "/do/add-note")
		if status != 200 || !strings.Contains(form, `name="text"`) {
			t.Fatalf("the add-note page: %d", status)
		}
		// Meanwhile the supervisor records a decision.
		must(f.Svc.RecordDecision(ctx, f.Supervisor, c.ID, service.RecordDecision{Version: c.Version,
			Decision: "Treat as high risk", Rationale: "Missing three times in a month"}))
		before, _ := db.LatestSeq(ctx)
		typed := "Spoke to the school's safeguarding lead about the cars"
		status, body := ivy.post(path+"/do/add-note", url.Values{"csrf": {ivy.csrf(form)},
			"version": {itoa(c.Version)}, "text": {typed}})
		if status != http.StatusConflict {
			t.Fatalf("a stale note: %d, want 409", status)
		}
		onlyReads(t, db, c.ID, before)
		for _, want := range []string{html.EscapeString(typed), "What changed since you opened the form",
			"DS Sam Supervisor</strong> recorded decision 1: Treat as high risk", `data-rule="stale"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the stale form does not show %q", want)
			}
		}
		// Sent again from the page it gave, it is recorded.
		cur, _ := db.Case(ctx, c.ID)
		if !strings.Contains(body, `name="version" value="`+itoa(cur.Version)+`"`) {
			t.Fatal("the stale form's page does not carry the case's version now")
		}
		if status, body := ivy.post(path+"/do/add-note", url.Values{"csrf": {ivy.csrf(body)},
			"version": {itoa(cur.Version)}, "text": {typed}}); status != 200 || !strings.Contains(body, "Note added") {
			t.Fatalf("the note sent again: %d", status)
		}
	})
}

// TestHistoryReadsAsSentences: the history names people and what they
// did, collapses reads, filters by kind and pages.
func TestHistoryReadsAsSentences(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	ctx := context.Background()
	f, base := start(t, db)
	c := f.Allocated(t)
	c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Victim 1",
		DateOfBirth: "2012-01-01"}))
	c = must(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version,
		Victim: c.Victims[0].ID, Kind: domain.ContactUpdate, Method: "phone", Note: "told of progress"}))
	for range 3 {
		must(f.Svc.ViewCase(ctx, f.Supervisor, c.Ref, "checking"))
	}
	must(f.Svc.ViewCase(ctx, f.Manager, c.Ref, "checking"))
	path := "/cases/" + request.PathRef(c.Ref) + "/history"
	ivy := newClient(t, base, "ivy")
	_, body := ivy.get(path)
	for _, want := range []string{
		"<strong>Lia Liaison</strong> recorded a contact with Victim 1 by phone",
		"<strong>DS Sam Supervisor</strong> made DC Ivy Investigator the officer in charge",
		"Viewed 5 times by 3 people",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the history does not say %q", want)
		}
	}
	// Met, the allocation and the first contact are out of the document
	// (domain.Case.Duties): the history names them from the log.
	if !strings.Contains(body, "recorded a duty as met: ") || strings.Contains(body, "recorded a duty as met: a duty") {
		t.Error("the history does not name the duties met")
	}
	if strings.Contains(body, "case.viewed") || strings.Contains(body, "victim.contacted") {
		t.Error("the history shows event names")
	}
	_, body = ivy.get(path + "?kind=victims")
	if !strings.Contains(body, "recorded a contact with Victim 1") || strings.Contains(body, "officer in charge") ||
		strings.Contains(body, "Viewed") {
		t.Error("the victims filter shows more than the victims' history")
	}
	// Forty notes make two pages of changes.
	for i := range 40 {
		cur, _ := db.Case(ctx, c.ID)
		must(f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: cur.Version,
			Text: "Note number " + itoa(int64(i+1))}))
	}
	_, body = ivy.get(path + "?kind=notes")
	if !strings.Contains(body, "<q>Note number 40</q>") || !strings.Contains(body, "<q>Note number 16</q>") ||
		strings.Contains(body, "<q>Note number 15</q>") ||
		!strings.Contains(body, `href="`+path+`?kind=notes&amp;page=2"`) {
		t.Error("the notes' first page is not the newest 25 with a link to the next")
	}
	_, body = ivy.get(path + "?kind=notes&page=2")
	if !strings.Contains(body, "<q>Note number 15</q>") || strings.Contains(body, "<q>Note number 16</q>") {
		t.Error("the notes' second page is not the oldest")
	}
}

// TestContactsSayHowPlainly: a method typed as how it was done ("via the
// ISVA") is not put after "by" on the victims' section ("Update by via the
// ISVA"); one typed as a means ("phone") is.
func TestContactsSayHowPlainly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Victim 1",
			DateOfBirth: "2012-01-01"}))
		v := c.Victims[0].ID
		c = must(f.Svc.AgreeContactPlan(ctx, f.Investigator, c.ID, service.AgreeContactPlan{Version: c.Version,
			Victim: v, EveryDays: 14, Method: "via the ISVA"}))
		c = must(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version,
			Victim: v, Kind: domain.ContactUpdate, Method: "via the ISVA", Note: "Told of progress"}))
		must(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version,
			Victim: v, Kind: domain.ContactUpdate, Method: "phone", Note: "Told of progress"}))
		_, body := newClient(t, base, "ivy").get("/cases/" + request.PathRef(c.Ref) + "/victims")
		text := html.UnescapeString(tagRE.ReplaceAllString(body, " "))
		// The plan's date is when it was agreed, and says so (it read "Every
		// 14 days by phone call to foster carer on 28 December 2025").
		for _, want := range []string{"Every 14 days via the ISVA, agreed on ", "Update via the ISVA", "Update by phone"} {
			if !strings.Contains(text, want) {
				t.Errorf("the victims' section does not say %q", want)
			}
		}
		if strings.Contains(text, "by via") {
			t.Error(`the victims' section says "by via"`)
		}
	})
}

// TestAllContactsLinkIsOneVictims: "All 4 contacts with Victim 1" leads to
// that victim's contacts alone, not to every victim's history.
func TestAllContactsLinkIsOneVictims(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		for _, name := range []string{"Victim 1", "Victim 2"} {
			c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: name,
				DateOfBirth: "2012-01-01"}))
		}
		v1, v2 := c.Victims[0].ID, c.Victims[1].ID
		for i, v := range []string{v1, v1, v2, v1, v1, v2} {
			c = must(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version,
				Victim: v, Kind: domain.ContactUpdate, Method: "phone", Note: "Call " + itoa(int64(i+1))}))
		}
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		_, body := ivy.get(path + "/victims")
		link := path + "/history?kind=victims&amp;contacts=" + url.QueryEscape(v1)
		if !strings.Contains(body, `href="`+link+`">All 4 contacts`) {
			t.Fatalf("the victims' section does not link Victim 1's 4 contacts to %s", link)
		}
		status, h := ivy.get(html.UnescapeString(link))
		text := html.UnescapeString(tagRE.ReplaceAllString(h, " "))
		if status != 200 || !strings.Contains(text, "4 entries") || !strings.Contains(text, "Contacts with Victim 1 only") ||
			strings.Contains(text, "with Victim 2") || strings.Contains(text, "added a victim") {
			t.Errorf("Victim 1's contacts: %d, want their 4 contacts alone:\n%s", status, text)
		}
		for _, n := range []string{"Call 1", "Call 2", "Call 4", "Call 5"} {
			if !strings.Contains(text, n) {
				t.Errorf("Victim 1's contacts leave out %q", n)
			}
		}
		if status, h := ivy.get(path + "/history?contacts=nobody"); status != 422 || !strings.Contains(errorSummary(h),
			"names no victim of this case") {
			t.Errorf("contacts of no victim: %d %q", status, errorSummary(h))
		}
	})
}

var (
	tagRE       = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]+>`)
	snakeRE     = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)
	badPluralRE = regexp.MustCompile(`\(s\)|\b1 (lines|duties|victims|suspects|notes|days|entries|people)\b|\ba (inspector|officer|investigator|outcome|audit)\b`)
)

// TestCasePagesSpeakPlainly: no code in snake_case, no "(s)", no "1 lines"
// and no "a inspector" in what the case pages say, in every section and
// journey of cases in every state, as the officer and the supervisor.
func TestCasePagesSpeakPlainly(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	w := newWorld(t, f)
	for _, who := range []string{"ivy", "sam"} {
		cl := newClient(t, base, who)
		seen := map[string]bool{}
		for _, c := range w.cases {
			var pages []string
			for _, s := range sections {
				pages = append(pages, "/cases/"+request.PathRef(c.Ref)+s)
			}
			for i := 0; i < len(pages); i++ {
				p := pages[i]
				status, body := cl.get(p)
				if status != 200 && status != 403 {
					t.Errorf("%s: %d", p, status)
					continue
				}
				if i < len(sections) {
					for _, m := range journeyRE.FindAllStringSubmatch(body, -1) {
						if j := html.UnescapeString(m[1]); !seen[j] {
							seen[j] = true
							pages = append(pages, j)
						}
					}
				}
				main := body[strings.Index(body, "<main"):]
				text := html.UnescapeString(tagRE.ReplaceAllString(main, " "))
				for _, re := range []*regexp.Regexp{snakeRE, badPluralRE} {
					if m := re.FindString(text); m != "" {
						i := strings.Index(text, m)
						t.Errorf("%s says %q: …%s…", p, m, strings.Join(strings.Fields(text[max(0, i-60):min(len(text), i+60)]), " "))
					}
				}
			}
		}
	}
}

// TestSentBackClosureSaysWhy: a closure sent back shows its reason on the
// case's overview, with the way to propose again.
func TestSentBackClosureSaysWhy(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	ctx := context.Background()
	f, base := start(t, db)
	w := newWorld(t, f)
	c := w.cases[2] // a closure awaiting approval
	must(f.Svc.RejectClosure(ctx, f.Supervisor, c.ID, service.RejectClosure{Version: c.Version,
		Reason: "Trace the second male seen on the CCTV first"}))
	ivy := newClient(t, base, "ivy")
	_, body := ivy.get("/cases/" + request.PathRef(c.Ref))
	if !strings.Contains(body, "Closure sent back") || !strings.Contains(body, "Trace the second male seen on the CCTV first") ||
		!strings.Contains(body, "propose closing the case again") {
		t.Error("the overview of a case whose closure was sent back does not say why")
	}
	// It says who sent it back, by rank and name, and when.
	who := domain.PersonName(&f.Supervisor.User)
	if !strings.Contains(html.UnescapeString(body), "was sent back by "+who+" on "+f.Svc.Now().In(clock.London).Format("2 January 2006")+". Their reason:") {
		t.Errorf("the sent-back banner does not say %s sent it back, or when", who)
	}
	// My work's duty to act on it carries the reason too.
	_, work := ivy.get("/work")
	i := strings.Index(work, "Act on the closure sent back")
	if i < 0 {
		t.Fatal("My work does not list the closure sent back")
	}
	row := work[i:]
	if j := strings.Index(row, "</tr>"); j > 0 {
		row = row[:j]
	}
	if !strings.Contains(row, "Trace the second male seen on the CCTV first") {
		t.Errorf("the sent-back duty on My work does not say why: %s", row)
	}
	_, body = ivy.get("/cases/" + request.PathRef(w.cases[0].Ref))
	if strings.Contains(body, "Closure sent back") {
		t.Error("a case never proposed for closure says a closure was sent back")
	}
}

// TestWordsReadAsAPersonWould: an outcome named mid-sentence is in lower
// case, an audit finding reads as a sentence with its kind's label, and a
// user holding nothing is said to hold nothing.
func TestWordsReadAsAPersonWould(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	w := newWorld(t, f)
	ivy := newClient(t, base, "ivy")
	_, body := ivy.get("/cases/" + request.PathRef(w.cases[2].Ref))
	if !strings.Contains(body, "Proposed with outcome 15 (") || strings.Contains(body, "with Outcome") {
		t.Error("the overview names the outcome proposed with a capital mid-sentence")
	}
	_, body = ivy.get("/cases/" + request.PathRef(w.cases[3].Ref) + "/decisions")
	if !strings.Contains(body, "Victim not updated, medium severity. The victim was not told of the decision.") ||
		strings.Contains(body, "severity)") {
		t.Errorf("the audit finding does not read as a sentence: %s", body[max(0, strings.Index(body, "Audit finding")):][:400])
	}
	admin := newClient(t, base, "admin")
	_, body = admin.get("/admin/users/" + f.Analyst.ID())
	if !strings.Contains(body, "No open cases or duties.") || strings.Contains(body, "0 open") {
		t.Error("a user holding nothing is said to hold 0 open cases and 0 open duties")
	}
}
