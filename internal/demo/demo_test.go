package demo_test

import (
	"context"
	"fmt"
	"github.com/holdfast/holdfast/internal/audit"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// now is a fixed present, so that two generations can be compared.
var now = time.Date(2026, 3, 4, 11, 30, 0, 0, time.UTC)

// cases is the size of the generated force; HOLDFAST_DEMO_CASES overrides
// it (e.g. 2000, to check the command's default size by hand).
var cases = casesFromEnv(60)

func casesFromEnv(def int) int { return casesFromEnvNamed("HOLDFAST_DEMO_CASES", def) }

// casesFromEnvNamed is the number in the environment variable name, or def.
func casesFromEnvNamed(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

type generated struct {
	db  *sqlstore.DB
	svc *service.Service
	res *demo.Result
}

// generate builds a force on a fresh SQLite file in dir.
// With fast, commits do not wait for the disk, as `holdfast demo` makes
// them (cmd/holdfast/demo.go).
func generate(dir string, seed uint64, workers int, fast ...bool) (generated, error) {
	return generateAt(dir, seed, workers, now, cases, fast...)
}

// generateAt is generate with the present at and n cases.
func generateAt(dir string, seed uint64, workers int, at time.Time, n int, fast ...bool) (generated, error) {
	ctx := context.Background()
	fastDisk := len(fast) > 0 && fast[0]
	name := "demo.db"
	if fastDisk {
		name += ".partial" // as cmd/holdfast names the file it generates
	}
	db, err := sqlstore.Open(ctx, filepath.Join(dir, name), true)
	if err != nil {
		return generated{}, err
	}
	if fastDisk {
		if err := demo.FastWrites(ctx, db.Raw()); err != nil {
			db.Close()
			return generated{}, err
		}
		// The find index and the figures built once at the end, as
		// `holdfast demo` builds them: the record must be the same.
		if err := db.DeferDerived(ctx); err != nil {
			db.Close()
			return generated{}, err
		}
	}
	clk := clock.NewManual(demo.DefaultStart)
	hf, err := app.New(db, app.Config{Clock: clk})
	if err != nil {
		db.Close()
		return generated{}, err
	}
	res, err := demo.Generate(
		ctx,
		hf.Svc,
		hf.Store,
		clk,
		demo.Options{Seed: seed, Cases: n, Now: at, Workers: workers},
	)
	if err != nil {
		db.Close()
		return generated{}, err
	}
	return generated{db: db, svc: hf.Svc, res: res}, nil
}

// generateTwice generates the same seed into two files at once: side by
// side (the default) on the settings of `holdfast demo`'s .partial file
// (demo.FastWrites), and one case at a time on the store's own: neither
// how many cases run at once nor those settings may change the record.
func generateTwice(t *testing.T, seed uint64) (generated, generated) {
	t.Helper()
	var gs [2]generated
	var errs [2]error
	var wg sync.WaitGroup
	for i, workers := range []int{8, 1} {
		dir := t.TempDir()
		wg.Add(1)
		go func() {
			defer wg.Done()
			gs[i], errs[i] = generate(dir, seed, workers, workers > 1)
		}()
	}
	wg.Wait()
	for i, g := range gs {
		if g.db != nil {
			t.Cleanup(func() { g.db.Close() })
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		res := g.res
		t.Logf(
			"%d cases (%d open, %d closed, %d reopened, %d transferred), %d users, %d commands in %s; %d planted errors; sweep: %d overdue, %d findings",
			res.Cases,
			res.Open,
			res.Closed,
			res.Reopened,
			res.Transferred,
			res.Users,
			res.Commands,
			res.Elapsed.Round(time.Millisecond),
			len(res.Planted),
			len(res.Sweep.Overdue),
			len(res.Sweep.Findings),
		)
	}
	return gs[0], gs[1]
}

func allCases(t *testing.T, g generated) []*domain.Case {
	t.Helper()
	var out []*domain.Case
	if err := g.db.ScanCases(context.Background(), func(c *domain.Case) error { out = append(out, c); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out
}

// TestGenerate generates a force twice from one seed, checks the record
// and that the two are the same.
func TestGenerate(t *testing.T) {
	g, again := generateTwice(t, 7)
	t.Run("invariants", func(t *testing.T) { checkRecord(t, g) })
	t.Run("historic closures", func(t *testing.T) { checkImported(t, g) })
	t.Run("review in progress", func(t *testing.T) { checkReview(t, g) })
	t.Run("triage answers right", func(t *testing.T) { checkTriageAnswers(t, g) })
	t.Run("suspects linked across cases", func(t *testing.T) { checkLinks(t, g) })
	t.Run("networks surfaced", func(t *testing.T) { checkNetworks(t, g) })
	t.Run("same seed", func(t *testing.T) { compare(t, g, again) })
}

// TestGenerateTimeOfDay: the same seed gives the same force whatever the
// hour it is generated (issue 20 item 5: two runs a quarter of an hour
// apart had different cases open, reopened and transferred, and the
// planted errors on other cases), and nothing it did not plant is overdue
// at either hour, or later that day.
func TestGenerateTimeOfDay(t *testing.T) {
	// One London day, 08:05 and 21:40 (GMT): the history ends at its
	// start.
	early := time.Date(2026, 2, 10, 8, 5, 0, 0, time.UTC)
	late := time.Date(2026, 2, 10, 21, 40, 0, 0, time.UTC)
	var gs [2]generated
	var errs [2]error
	var wg sync.WaitGroup
	for i, at := range []time.Time{early, late} {
		dir := t.TempDir()
		wg.Add(1)
		go func() {
			defer wg.Done()
			gs[i], errs[i] = generateAt(dir, 5, 4, at, 30)
		}()
	}
	wg.Wait()
	for i, g := range gs {
		if g.db != nil {
			t.Cleanup(func() { g.db.Close() })
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
	}
	a, b := gs[0], gs[1]
	if a.res.Open != b.res.Open || a.res.Closed != b.res.Closed || a.res.Reopened != b.res.Reopened ||
		a.res.Transferred != b.res.Transferred || len(a.res.Sweep.Overdue) != len(b.res.Sweep.Overdue) {
		t.Errorf("generated at %s: %d open, %d closed, %d reopened, %d transferred, %d overdue; at %s: %d, %d, %d, %d, %d",
			early.Format(time.TimeOnly), a.res.Open, a.res.Closed, a.res.Reopened, a.res.Transferred, len(a.res.Sweep.Overdue),
			late.Format(time.TimeOnly), b.res.Open, b.res.Closed, b.res.Reopened, b.res.Transferred, len(b.res.Sweep.Overdue))
	}
	compare(t, a, b)
	// Duties not planted fall due after the end of the day: none turns
	// overdue while the demo is used that day.
	dayEnd := time.Date(2026, 2, 11, 0, 0, 0, 0, clock.London)
	planted := map[string]bool{}
	for _, p := range b.res.Planted {
		planted[p.Ref] = true
	}
	for _, c := range allCases(t, b) {
		if planted[c.Ref] || c.Imported {
			continue
		}
		for _, d := range c.OpenDuties() {
			if d.Due.Before(dayEnd) {
				t.Errorf("%s (%s): duty %s due %s, before the end of the day", c.Ref, c.Status, d.Kind,
					d.Due.In(clock.London).Format(time.DateTime))
			}
		}
	}
}

// codeRE finds a status code (snake_case) in text written for people.
var codeRE = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)

func checkRecord(t *testing.T, g generated) {
	ctx := context.Background()
	res := g.res
	if res.Cases != cases || res.Open+res.Closed != cases {
		t.Fatalf("cases: %+v", res)
	}
	if res.Closed < cases/2 || res.Open == 0 {
		t.Errorf("want mostly closed cases and some open: %d open, %d closed", res.Open, res.Closed)
	}

	// Every open case has a serving owner and something owed in the
	// future — except the planted errors.
	planted := map[string]string{}
	for _, p := range res.Planted {
		planted[p.Ref] = p.Kind
	}
	org, err := g.db.Org(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range allCases(t, g) {
		// The printout's word for it holds: a closure said to be awaiting
		// approval is awaiting it.
		if planted[c.Ref] == demo.PlantClosureUnapproved && c.Status != domain.StatusClosureProposed {
			t.Errorf("the demo says %s has a closure proposed, not yet approved; it is %s", c.Ref, c.Status)
		}
		// A closure's rationale is written as an officer would, not in codes.
		for _, cl := range c.Closures {
			if r := cl.Rationale; codeRE.MatchString(r.SuspectsStatus + " " + r.LinesConsidered) {
				t.Errorf("%s: the closure's rationale has a code in it: %q %q", c.Ref, r.SuspectsStatus, codeRE.FindString(r.SuspectsStatus+" "+r.LinesConsidered))
			}
			// The page shows each answer under its own label: the
			// answer does not say the label again.
			if r := cl.Rationale; strings.HasPrefix(strings.ToLower(r.LinesConsidered), "lines of enquiry considered") {
				t.Errorf("%s: the lines of enquiry considered repeat their label: %q", c.Ref, r.LinesConsidered)
			}
		}
		if kind, bad := planted[c.Ref]; bad {
			var owed []string
			for _, d := range c.OpenDuties() {
				if !d.Due.After(now) {
					owed = append(owed, d.Kind)
				}
			}
			t.Logf("planted %s on %s (%s): overdue %v", kind, c.Ref, c.Status, owed)
			continue
		}
		var open []domain.Duty
		for _, d := range c.OpenDuties() {
			open = append(open, d)
			if c.Imported && d.Kind == "decision_notice" {
				continue // a historic closure whose victims were never told owes it still
			}
			if !d.Due.After(now) {
				t.Errorf("%s (%s): duty %s was due %s", c.Ref, c.Status, d.Kind, d.Due.Format(time.DateTime))
			}
		}
		if !c.Status.IsOpen() {
			continue
		}
		if len(open) == 0 {
			t.Errorf("%s is open with nothing owed", c.Ref)
		}
		if c.Status == domain.StatusReferral {
			continue // allocation is owed, in the future (checked above)
		}
		if u := org.Users[c.OwnerID]; u == nil || !u.Active {
			t.Errorf("%s: owner %q is not serving", c.Ref, c.OwnerID)
		}
	}

	// The planted errors are what the watchdog reports, and nothing else
	// is — but for the historic closures imported as they were decided,
	// which it sees closed with work open or without a second person's
	// approval, and the national review's reviews left undone and
	// sign-offs left waiting for weeks.
	imported := map[string]bool{}
	for _, c := range allCases(t, g) {
		if c.Imported {
			imported[c.Ref] = true
		}
	}
	kinds := map[string]bool{}
	historic := 0
	for _, f := range res.Sweep.Findings {
		if imported[f.Case] &&
			(f.Kind == service.FindingClosedWithOpenWork || f.Kind == service.FindingClosedWithoutApproval) {
			historic++
			continue
		}
		kinds[f.Kind] = true
		if imported[f.Case] &&
			(f.Kind == service.FindingAuditReviewOverdue || f.Kind == service.FindingAuditSignOffOverdue) {
			continue
		}
		if _, ok := planted[f.Case]; !ok {
			t.Errorf("finding %s on %s, which carries no planted error", f.Kind, f.Case)
		}
	}
	if historic == 0 || historic != res.Review.WatchdogFindings {
		t.Errorf("%d findings on imported closures; the result says %d", historic, res.Review.WatchdogFindings)
	}
	for _, k := range []string{service.FindingOrphaned, service.FindingTransferOverdue, service.FindingVictimNoContactPlan, service.FindingAuditReviewOverdue, service.FindingAuditSignOffOverdue} {
		if !kinds[k] {
			t.Errorf("the sweep found no %s", k)
		}
	}
	overdue := map[string]bool{}
	for _, d := range res.Sweep.Overdue {
		overdue[d.Kind] = true
		if imported[d.Case] && d.Kind == "decision_notice" {
			continue // a historic closure whose victims were never told owes it still
		}
		if _, ok := planted[d.Case]; !ok {
			t.Errorf("overdue %s on %s, which carries no planted error", d.Kind, d.Case)
		}
	}
	for _, k := range []string{"supervisory_review", "victim_update", "action_target", "allocate_referral", "transfer_accept", "closure_approval", "decision_notice", "contact_plan"} {
		if !overdue[k] {
			t.Errorf("no overdue %s in the sweep", k)
		}
	}
	// The watchdog has walked the overdue duties up the ladder.
	top := 0
	for _, c := range allCases(t, g) {
		for _, d := range c.OpenDuties() {
			top = max(top, d.Escalation)
		}
	}
	if top < 3 {
		t.Errorf("no overdue duty has reached a manager (highest escalation step %d)", top)
	}
	plantedKinds := map[string]bool{}
	for _, p := range res.Planted {
		plantedKinds[p.Kind] = true
	}
	for _, k := range []string{demo.PlantReviewOverdue, demo.PlantVictimNotUpdated, demo.PlantOrphaned, demo.PlantTransferNotAccepted,
		demo.PlantNoContactPlan, demo.PlantActionOverdue, demo.PlantReferralUnallocated, demo.PlantClosureUnapproved, demo.PlantVictimNotTold} {
		if !plantedKinds[k] {
			t.Errorf("no %s planted", k)
		}
	}

	// One account per role, all signing in with the one password.
	roles := map[string]bool{}
	for _, a := range res.Accounts {
		roles[a.Role] = true
		if _, err := g.svc.SignIn(ctx, a.Username, demo.Password); err != nil {
			t.Errorf("%s (%s): %v", a.Username, a.Role, err)
		}
	}
	for _, r := range domain.Roles() {
		if !roles[string(r)] {
			t.Errorf("no demo account for role %s", r)
		}
	}
	again, err := demo.Accounts(ctx, g.svc)
	if err != nil || !slices.Equal(again, res.Accounts) {
		t.Errorf("accounts found again in the record differ:\n%v\n%v (%v)", again, res.Accounts, err)
	}

	// Suspects are linked across cases by a phone or a vehicle, whatever
	// the format they were written in.
	phone := regexp.MustCompile(`(?:\+44 |0)7700 ?900\d{3}`)
	vrm := regexp.MustCompile(`VRM ([A-Z]{2}\d{2} ?[A-Z]{3})`)
	seen := map[string]map[string]bool{}
	for _, c := range allCases(t, g) {
		for _, sus := range c.Suspects {
			var ids []string
			for _, m := range phone.FindAllString(sus.Description, -1) {
				ids = append(ids, strings.Replace(strings.ReplaceAll(m, " ", ""), "+44", "0", 1))
			}
			for _, m := range vrm.FindAllStringSubmatch(sus.Description, -1) {
				ids = append(ids, strings.ReplaceAll(m[1], " ", ""))
			}
			for _, id := range ids {
				if seen[id] == nil {
					seen[id] = map[string]bool{}
				}
				seen[id][c.Ref] = true
			}
		}
	}
	linked := 0
	for _, refs := range seen {
		if len(refs) > 1 {
			linked++
		}
	}
	if linked == 0 {
		t.Error("no phone or vehicle links two cases")
	}

	// Ranks: a force's worth.
	ranks := map[domain.Rank]int{}
	for _, u := range org.Users {
		ranks[u.Rank]++
	}
	for _, r := range []domain.Rank{domain.RankConstable, domain.RankSergeant, domain.RankInspector, domain.RankChiefInspector, domain.RankSuperintendent} {
		if ranks[r] == 0 {
			t.Errorf("no %s", r)
		}
	}
	if ranks[domain.RankConstable] < 24 {
		t.Errorf("only %d constables", ranks[domain.RankConstable])
	}

	// The record replays to the same projections.
	st, diff, err := replay.Compare(ctx, g.db)
	if err != nil || diff != nil {
		t.Fatalf("rebuild: %v %v", diff, err)
	}
	t.Logf("replayed %d events", st.Events)
}

// compare checks that two generations from one seed wrote the same record.
func compare(t *testing.T, a, b generated) {
	sum := func(g generated) []string {
		var out []string
		for _, c := range allCases(t, g) {
			var acts []string
			for _, x := range c.Actions {
				acts = append(acts, fmt.Sprintf("%s:%s", x.Title, x.State))
			}
			var vs []string
			for _, v := range c.Victims {
				vs = append(vs, fmt.Sprintf("%s/%s/%d", v.Name, v.DateOfBirth, v.ContactCount))
			}
			var ss []string
			for _, s := range c.Suspects {
				ss = append(ss, fmt.Sprintf("%s/%s/%s", s.Name, s.Status, s.Description))
			}
			out = append(
				out,
				fmt.Sprintf(
					"%s %s %s v%d %s outcome=%s reviews=%d duties=%d findings=%d at=%s\n  victims=%s\n  suspects=%s\n  actions=%s",
					c.Ref,
					c.Status,
					c.Summary,
					c.Version,
					c.Source,
					c.Outcome,
					len(c.Reviews),
					len(c.Duties),
					len(c.Findings),
					c.UpdatedAt.Format(
						time.RFC3339,
					),
					strings.Join(vs, ","),
					strings.Join(ss, ","),
					strings.Join(acts, ","),
				),
			)
		}
		return out
	}
	sa, sb := sum(a), sum(b)
	if len(sa) != len(sb) {
		t.Fatalf("%d cases, then %d", len(sa), len(sb))
	}
	for i := range sa {
		if sa[i] != sb[i] {
			t.Fatalf("first difference:\n%s\n%s", sa[i], sb[i])
		}
	}
	if a.res.Commands != b.res.Commands || len(a.res.Sweep.Findings) != len(b.res.Sweep.Findings) ||
		len(a.res.Sweep.Escalations) != len(b.res.Sweep.Escalations) {
		t.Errorf(
			"counts differ: %d/%d commands, %d/%d findings, %d/%d escalations",
			a.res.Commands,
			b.res.Commands,
			len(
				a.res.Sweep.Findings,
			),
			len(b.res.Sweep.Findings),
			len(a.res.Sweep.Escalations),
			len(b.res.Sweep.Escalations),
		)
	}
	ua, ub := a.res.Accounts, b.res.Accounts
	for i := range ua {
		if ua[i].Username != ub[i].Username {
			t.Errorf("account %s: %s, then %s", ua[i].Role, ua[i].Username, ub[i].Username)
		}
	}
	// The review's record ids (the audit's, the reviewers') are drawn by
	// the service; everything else is the seed's.
	ra, rb := *a.res.Review, *b.res.Review
	for _, r := range []*demo.Review{&ra, &rb} {
		r.AuditID, r.Elapsed = "", 0
		var by []service.ReviewerProgress
		for _, p := range r.Progress.ByReviewer {
			p.Reviewer = ""
			by = append(by, p)
		}
		r.Progress.ByReviewer = by
	}
	if ja, jb := fmt.Sprintf("%+v", ra), fmt.Sprintf("%+v", rb); ja != jb {
		t.Errorf("the national reviews differ:\n%s\n%s", ja, jb)
	}
	if !slices.Equal(a.res.Planted, b.res.Planted) {
		t.Errorf("planted errors differ:\n%v\n%v", a.res.Planted, b.res.Planted)
	}
	compareEvents(t, a, b)
}

// compareEvents: each case's events are of the same types, at the same
// times and versions, whatever order the cases' commands reached the log
// in; and in each log no event is earlier than the one before it (but for
// the imported historic closures, whose events carry the old system's
// times and name it as their source).
func compareEvents(t *testing.T, a, b generated) {
	t.Helper()
	ctx := context.Background()
	for _, g := range []generated{a, b} {
		var last event.Event
		var n int
		if err := g.db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
			n++
			if e.Source != "" {
				return nil
			}
			if e.At.Before(last.At) {
				return fmt.Errorf("event %d (%s) at %s, after %d (%s) at %s", e.Seq, e.Type,
					e.At.Format(time.RFC3339), last.Seq, last.Type, last.At.Format(time.RFC3339))
			}
			last = *e
			return nil
		}); err != nil {
			t.Errorf("the log's times run backwards: %v", err)
		}
		if n == 0 {
			t.Fatal("no events in the log")
		}
	}
	trail := func(g generated, c *domain.Case) []string {
		evs, err := g.db.CaseEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(evs))
		for i, e := range evs {
			out[i] = fmt.Sprintf("%s v%d %s", e.At.Format(time.RFC3339), e.CaseVersion, e.Type)
		}
		return out
	}
	ca, cb := allCases(t, a), allCases(t, b)
	for i := range ca {
		ta, tb := trail(a, ca[i]), trail(b, cb[i])
		if !slices.Equal(ta, tb) {
			t.Fatalf("%s: events differ:\n%s\nthen\n%s", ca[i].Ref, strings.Join(ta, "\n"), strings.Join(tb, "\n"))
		}
	}
}

// checkLinks: the force's own suspects carry their phones, vehicles and
// addresses as officers wrote them — one number in several forms — and
// those identifiers link cases, as an analyst would find them.
func checkLinks(t *testing.T, g generated) {
	forms := map[string]map[string]bool{} // phone key → the forms written
	cases := map[string]map[string]bool{} // any key → cases
	for _, c := range allCases(t, g) {
		if c.Imported {
			continue
		}
		for _, s := range c.Suspects {
			for _, l := range audit.SuspectLinks(s) {
				if cases[l.Key] == nil {
					cases[l.Key] = map[string]bool{}
				}
				cases[l.Key][c.ID] = true
				if l.Kind == audit.LinkPhone {
					if forms[l.Key] == nil {
						forms[l.Key] = map[string]bool{}
					}
					forms[l.Key][s.Phone] = true
				}
			}
		}
	}
	byKind := map[string]int{}
	for k, cs := range cases {
		if len(cs) > 1 {
			byKind[strings.SplitN(k, ":", 2)[0]]++
		}
	}
	several := 0
	for _, f := range forms {
		if len(f) > 1 {
			several++
		}
	}
	t.Logf("identifiers shared by 2+ cases, by kind: %v; phones written in more than one form: %d", byKind, several)
	if len(byKind) < 3 || several == 0 {
		t.Errorf(
			"want phones, vehicles and addresses linking cases, some phones in several forms: %v, %d",
			byKind,
			several,
		)
	}
}
