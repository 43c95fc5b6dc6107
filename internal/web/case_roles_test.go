package web_test

import (
	"context"
	"html"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// apiCommands maps every case command of the API to its journey in the
// pages (GET/POST /cases/{ref}/do/{name}; proposing closure is
// /cases/{ref}/close). A new case command in the API fails the test until
// it has a journey here and in the pages.
var apiCommands = map[string]string{
	"PATCH /api/v1/cases/{ref}":                                "update-case",
	"POST /api/v1/cases/{ref}/owner":                           "assign-owner",
	"POST /api/v1/cases/{ref}/victims":                         "add-victim",
	"POST /api/v1/cases/{ref}/suspects":                        "add-suspect",
	"POST /api/v1/cases/{ref}/people":                          "add-person",
	"POST /api/v1/cases/{ref}/actions":                         "raise-action",
	"POST /api/v1/cases/{ref}/notes":                           "add-note",
	"POST /api/v1/cases/{ref}/actions/{action}/allocate":       "allocate-action",
	"POST /api/v1/cases/{ref}/actions/{action}/result":         "result-action",
	"POST /api/v1/cases/{ref}/actions/{action}/file":           "file-action",
	"POST /api/v1/cases/{ref}/actions/{action}/refer-back":     "refer-back-action",
	"POST /api/v1/cases/{ref}/actions/{action}/cancel":         "cancel-action",
	"POST /api/v1/cases/{ref}/duties/{duty}/waive":             "waive-duty",
	"PUT /api/v1/cases/{ref}/victims/{victim}/contact-plan":    "contact-plan",
	"POST /api/v1/cases/{ref}/victims/{victim}/contacts":       "record-contact",
	"PUT /api/v1/cases/{ref}/victims/{victim}/view":            "victim-view",
	"POST /api/v1/cases/{ref}/suspects/{suspect}/status":       "suspect-status",
	"PUT /api/v1/cases/{ref}/people/{person}/details":          "correct-person",
	"POST /api/v1/cases/{ref}/reviews":                         "review",
	"PUT /api/v1/cases/{ref}/plan":                             "plan",
	"POST /api/v1/cases/{ref}/decisions":                       "decision",
	"POST /api/v1/cases/{ref}/transfer":                        "transfer",
	"POST /api/v1/cases/{ref}/transfer/accept":                 "accept-transfer",
	"POST /api/v1/cases/{ref}/training-overrides":              "override-training",
	"POST /api/v1/cases/{ref}/transfer/reject":                 "reject-transfer",
	"POST /api/v1/cases/{ref}/closure":                         "propose-closure",
	"POST /api/v1/cases/{ref}/closure/approve":                 "approve-closure",
	"POST /api/v1/cases/{ref}/closure/reject":                  "reject-closure",
	"POST /api/v1/cases/{ref}/reopen":                          "reopen",
	"POST /api/v1/cases/{ref}/vrr":                             "request-vrr",
	"POST /api/v1/cases/{ref}/vrr/acknowledge":                 "acknowledge-vrr",
	"POST /api/v1/cases/{ref}/vrr/decide":                      "decide-vrr",
	"POST /api/v1/cases/{ref}/audit-findings/{finding}/answer": "answer-finding",
	"POST /api/v1/cases/{ref}/break-glass/{access}/review":     "review-break-glass",
}

// caseCommandRoutes are the API's commands on one case: writes under
// /api/v1/cases/{ref}.
func caseCommandRoutes(f *fixture.Force) []string {
	var out []string
	for _, rt := range api.New(f.Svc, false).Routes() {
		method, path, _ := strings.Cut(rt, " ")
		if method != "GET" && strings.HasPrefix(path, "/api/v1/cases/{ref}") {
			out = append(out, rt)
		}
	}
	return out
}

// TestEveryCaseCommandHasAJourney: every case command in the API route
// table has a journey page in the pages.
func TestEveryCaseCommandHasAJourney(t *testing.T) {
	testdb.Each(t, everyCaseCommandHasAJourney)
}

func everyCaseCommandHasAJourney(t *testing.T, db *sqlstore.DB) {
	f, base := start(t, db)
	c := f.Allocated(t)
	path := "/cases/" + request.PathRef(c.Ref)
	sam := newClient(t, base, "sam")
	routes := caseCommandRoutes(f)
	if len(routes) < 25 {
		t.Fatalf("only %d case commands in the API: the route table changed shape", len(routes))
	}
	for _, rt := range routes {
		name, ok := apiCommands[rt]
		if !ok {
			t.Errorf("the API's case command %s has no journey in the pages: add one (internal/web/case_forms.go)"+
				" and name it in apiCommands", rt)
			continue
		}
		page := path + "/do/" + name
		if name == "propose-closure" {
			page = path + "/close"
		}
		if status, _ := sam.get(page); status == 404 {
			t.Errorf("%s: its journey %s is not a page", rt, page)
		}
	}
}

// world is a force with a case in every state a case command needs.
type world struct {
	f     *fixture.Force
	cases []*domain.Case
}

func mustCase(t *testing.T) func(*domain.Case, error) *domain.Case {
	return func(c *domain.Case, err error) *domain.Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

// newWorld builds, through the service, an open case at work (victim,
// suspect, lines of enquiry raised, allocated and resulted), a case
// offered to another team, a closure awaiting approval, a closed case, a
// closed case with a review request waiting to be acknowledged, one being
// reviewed, and a closed case with an audit finding to answer.
func newWorld(t *testing.T, f *fixture.Force) *world {
	ctx := context.Background()
	s, ok := f.Svc, mustCase(t)
	w := &world{f: f}

	c := f.Allocated(t)
	c = ok(s.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
		DateOfBirth: "2012-05-01"}))
	c = ok(s.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult X"}))
	for _, title := range []string{"Download the phone", "Trace the car", "House-to-house", "Check ANPR"} {
		c = ok(s.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: title}))
	}
	for _, a := range c.Actions[1:] {
		c = ok(s.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: a.ID, To: f.Investigator.ID()}))
	}
	c = ok(s.ResultAction(ctx, f.Investigator, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
		Version: c.Version,
		Action:  c.Actions[2].ID, Result: "Nobody saw anything"}))
	c = ok(s.ResultAction(ctx, f.Investigator, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
		Version: c.Version,
		Action:  c.Actions[3].ID, Result: "The car passed the camera at 02:10"}))
	c = ok(s.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: "Spoke to the school"}))
	w.cases = append(w.cases, c)

	moving := f.Allocated(t)
	moving = ok(s.ProposeTransfer(ctx, f.Investigator, moving.ID, service.ProposeTransfer{Version: moving.Version,
		ToTeam: f.TeamC, Reason: "Linked to an MIT operation"}))
	w.cases = append(w.cases, moving)

	closable := func() *domain.Case {
		c := f.Allocated(t)
		c = ok(s.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2011-01-01"}))
		v := c.Victims[0].ID
		c = ok(s.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v,
			Kind: domain.ContactAccount, Method: "visit"}))
		c = ok(s.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: v,
			View: "Does not want to go to court"}))
		c = ok(s.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed: nothing more can be done"}))
		return ok(s.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "15", Rationale: domain.Rationale{LinesConsidered: "Every line raised was considered and filed",
				WhyNoneRemain: "No other line of enquiry remains to follow", SuspectsStatus: "No suspect was identified",
				VictimView: "The victim does not support a prosecution"}}))
	}
	closed := func() *domain.Case {
		c := closable()
		return ok(s.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
	}
	w.cases = append(w.cases, closable(), closed())
	asked := closed()
	asked = ok(s.RequestVRR(ctx, f.Liaison, asked.ID, service.RequestVRR{Version: asked.Version,
		VictimID: asked.Victims[0].ID}))
	w.cases = append(w.cases, asked)
	reviewing := closed()
	reviewing = ok(s.RequestVRR(ctx, f.Liaison, reviewing.ID, service.RequestVRR{Version: reviewing.Version,
		VictimID: reviewing.Victims[0].ID}))
	reviewing = ok(s.AcknowledgeVRR(ctx, f.Supervisor, reviewing.ID, service.AcknowledgeVRR{
		Version: reviewing.Version, Reviewer: f.Manager.ID()}))
	w.cases = append(w.cases, reviewing)

	// An audit of the closed cases, with a finding for the officer to answer.
	audited := w.cases[3]
	from := f.Clock.Now().AddDate(0, 0, -1).Format("2006-01-02")
	to := f.Clock.Now().AddDate(0, 0, 1).Format("2006-01-02")
	au, err := s.CreateAudit(ctx, f.Auditor, service.NewAudit{Name: "Routine", ClosedFrom: from, ClosedTo: to,
		Margin: 0.05, Seed: "web-roles"})
	if err != nil {
		t.Fatal(err)
	}
	sampled := false
	for _, ac := range au.Cases {
		sampled = sampled || ac.CaseID == audited.ID
	}
	if !sampled {
		t.Fatalf("the audit did not sample %s: %+v", audited.Ref, au.Cases)
	}
	if _, err := s.AssignReview(ctx, f.Auditor, service.AssignReview{Audit: au.ID, Case: audited.ID,
		Reviewer: f.Auditor.ID()}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{Audit: au.ID, Case: audited.ID,
		Form: domain.ReviewForm{VictimAccount: domain.AccountBestPractice, SuspectsPursued: domain.PursuedNoSuspects,
			OutcomeJustified: domain.JustifiedYes, Summary: "Justified, but the victim was not told"},
		Findings: []service.NewAuditFinding{{Kind: "victim_not_updated", Severity: domain.SeverityMedium,
			Detail: "The victim was not told of the decision", Action: domain.ActionVictimContact}}}); err != nil {
		t.Fatal(err)
	}
	// An officer of another team opens a closed case in an emergency; the
	// audit team reviews it.
	if _, err := s.BreakGlass(ctx, f.OtherTeam, service.BreakGlassRequest{Case: audited.Ref,
		Reason: "The suspect was arrested by MIT tonight and named this case"}); err != nil {
		t.Fatal(err)
	}
	return w
}

var (
	journeyRE = regexp.MustCompile(`(?:href|action)="(/cases/[A-Z0-9-]+/(?:do/[a-z-]+[^"]*|close))"`)
	hiddenRE  = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)
	formRE    = regexp.MustCompile(`(?s)<form method="post" action="(/cases/[^"]+)"[^>]*>(.*?)</form>`)
)

var sections = []string{"", "/actions", "/victims", "/people", "/decisions", "/history"}

// TestCasePagesOfferOnlyWhatTheServiceAllows: for every role of the
// fixture, on every section of cases in every state, each write control
// shown leads to a form, and that form's command, sent, is not refused as
// forbidden; and every case command in the API is reached by some role.
// On both engines: what the pages offer is asked of the store.
func TestCasePagesOfferOnlyWhatTheServiceAllows(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			if engine == "postgres" && os.Getenv(testdb.PostgresEnv) == "" {
				t.Skipf("PostgreSQL crawl skipped: set %s", testdb.PostgresEnv)
			}
			crawlCasePages(t, engine)
		})
	}
}

// crawlCasePages is TestCasePagesOfferOnlyWhatTheServiceAllows on engine,
// a fresh store for each role.
func crawlCasePages(t *testing.T, engine string) {
	reached := map[string]bool{}
	var routes []string
	roles := []string{"ivy", "sam", "ines", "max", "aud", "ana", "lia", "hmi", "olly", "admin"}
	for _, who := range roles {
		t.Run(who, func(t *testing.T) {
			db := testdb.Open(t, engine)
			f, base := start(t, db)
			w := newWorld(t, f)
			routes = caseCommandRoutes(f)
			cl := newClient(t, base, who)
			seen := map[string]bool{}
			var journeys []string
			for _, c := range w.cases {
				for _, s := range sections {
					status, body := cl.get("/cases/" + request.PathRef(c.Ref) + s)
					if status == 404 {
						break // not this person's to see
					}
					if status != 200 {
						t.Fatalf("%s%s: %d", c.Ref, s, status)
					}
					for _, m := range journeyRE.FindAllStringSubmatch(body, -1) {
						j := html.UnescapeString(m[1])
						if !seen[j] {
							seen[j] = true
							journeys = append(journeys, j)
						}
					}
				}
			}
			sort.Strings(journeys)
			if who == "hmi" && len(journeys) > 0 {
				t.Errorf("the read-only inspector is offered write controls: %v", journeys)
			}
			// Every offered form is read first, while the cases are as the
			// pages showed them: each must be a page with its form. Then
			// each is read again and sent at once (with the case's version
			// now): a sent form changes the case and may rightly end what
			// another offered, and then the page itself says so (403) and
			// the form is not sent. A form sent must not be refused as
			// forbidden, nor be stale.
			for _, j := range journeys {
				if status, _, _ := offeredForm(cl, j); status != 200 {
					t.Errorf("%s is offered %s, which answers %d or has no form", who, j, status)
				} else {
					reached[journeyName(j)] = true
				}
			}
			sent := 0
			for _, j := range journeys {
				status, action, vals := offeredForm(cl, j)
				if status != 200 {
					continue
				}
				status, body := cl.post(action, vals)
				switch status {
				case 403:
					t.Errorf("%s is offered %s, but the service refuses it as forbidden: %s", who, j,
						errorSummary(body))
				case 409:
					t.Errorf("%s: the form of %s was stale as soon as it was read", who, j)
				}
				if summaryRE.MatchString(body) {
					t.Run(journeyName(j), func(t *testing.T) { summaryLinksLand(t, body) }) // in page order, each landing
				}
				sent++
			}
			t.Logf("%s: %d journeys offered, %d sent", who, len(journeys), sent)
		})
	}
	if t.Failed() {
		return
	}
	for _, rt := range routes {
		if name := apiCommands[rt]; !reached[name] {
			t.Errorf("no role of the fixture reaches %s (%s) in the pages", name, rt)
		}
	}
}

// offeredForm reads journey j's page and its form: the status (200 only
// when the page has the journey's form), where it posts, and its hidden
// values (the CSRF token, the version, the target).
func offeredForm(cl *client, j string) (int, string, url.Values) {
	name := journeyName(j)
	page := j
	if strings.HasSuffix(j, "/do/raise-standard") {
		page = strings.TrimSuffix(j, "/do/raise-standard") + "/actions" // raised from the list
	}
	status, body := cl.get(page)
	if status != 200 {
		return status, "", nil
	}
	for _, fm := range formRE.FindAllStringSubmatch(body, -1) {
		if strings.Contains(fm[1], "/do/"+name) || (name == "propose-closure" && strings.HasSuffix(fm[1], "/close")) {
			vals := url.Values{}
			for _, h := range hiddenRE.FindAllStringSubmatch(fm[2], -1) {
				vals.Set(h[1], html.UnescapeString(h[2]))
			}
			if name == "propose-closure" {
				vals.Set("step", "check")
			}
			return 200, fm[1], vals
		}
	}
	return 0, "", nil
}

func journeyName(j string) string {
	if strings.HasSuffix(j, "/close") {
		return "propose-closure"
	}
	_, after, _ := strings.Cut(j, "/do/")
	name, _, _ := strings.Cut(after, "?")
	return name
}

var summaryLinkRE = regexp.MustCompile(`<li data-rule="[^"]*"><a href="#([^"]+)">`)

var problemRE = regexp.MustCompile(`<li data-rule="([^"]*)">(?:<a [^>]*>)?([^<]*)`)

// errorSummary is the error summary's rules and messages.
func errorSummary(body string) string {
	var out []string
	for _, m := range problemRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+": "+html.UnescapeString(m[2]))
	}
	return strings.Join(out, "; ")
}
