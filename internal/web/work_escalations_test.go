package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// escalateCases allocates n cases, each with a victim, and lets the
// watchdog sweep over forty days, so their duties are overdue and
// escalated to the team's supervisor.
func escalateCases(t *testing.T, f *fixture.Force, n int) []*domain.Case {
	t.Helper()
	var out []*domain.Case
	for range n {
		c := f.Allocated(t)
		out = append(out, must(f.Svc.AddVictim(context.Background(), f.Investigator, c.ID,
			service.NewVictim{Version: c.Version, Name: "Ann Victim", DateOfBirth: "2012-01-01"})))
	}
	for range 4 {
		f.Clock.Advance(10 * 24 * time.Hour)
		sweepNow(t, f)
	}
	return out
}

// TestHomePutsOwnDutiesBeforeEscalations (the walk of 2026-12-07): a
// detective sergeant's My work was 14,854 px tall, their own duties below
// 44 long-dormant escalations. Their own duties come first, the overdue
// count linking to them; then the first few of this year's escalations
// with "See all N escalations", a page at a time; the long-dormant ones
// only counted, with a link to their own pages.
func TestHomePutsOwnDutiesBeforeEscalations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		old := escalateCases(t, f, 1)[0]
		f.Clock.Advance(2 * 365 * 24 * time.Hour)
		recent := escalateCases(t, f, 4)
		// The supervisor's own duties, overdue (the cases' reviews).
		items, err := f.Svc.MyWork(context.Background(), f.Supervisor)
		if err != nil || len(items) == 0 || !items[0].Overdue {
			t.Fatalf("setup: the supervisor owes %d duties (%v), want some overdue", len(items), err)
		}
		l, err := f.Svc.EscalationList(context.Background(), f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		if l.CurrentCount <= 10 || l.DormantCount == 0 {
			t.Fatalf("setup: %d current and %d long-dormant escalations, want more than 10 and some",
				l.CurrentCount, l.DormantCount)
		}
		sam := newClient(t, base, "sam")
		_, work := sam.get("/work")
		own, esc := strings.Index(work, `id="your-duties"`), strings.Index(work, `id="escalations-heading"`)
		dormant := strings.Index(work, `id="dormant-escalations-heading"`)
		if own < 0 || esc < 0 || dormant < 0 || !(own < esc && esc < dormant) {
			t.Errorf("My work is not own duties (%d), then escalations (%d), then long-dormant (%d)", own, esc, dormant)
		}
		summary := workSummaryRE.FindStringSubmatch(work)
		if summary == nil || !regexp.MustCompile(`<a class="govuk-link" href="#(your-duties|decisions)">\d+ (duty is|duties are) overdue</a>`).MatchString(summary[1]) {
			t.Errorf("the overdue count does not link to the duties it counts: %v", summary)
		}
		table := escTableRE.FindString(work)
		if n := strings.Count(table, `<tr class="govuk-table__row">`) - 1; n != 10 {
			t.Errorf("My work lists %d of this year's escalations, want the first 10", n)
		}
		if !strings.Contains(work, `href="/work/escalations">See all `+strconv.Itoa(l.CurrentCount)+` escalations`) {
			t.Error("My work has no link to see all of this year's escalations")
		}
		if strings.Contains(work, `id="dormant-escalations">`) || strings.Contains(table, old.Ref) {
			t.Error("My work lists the long-dormant escalations, which have their own page")
		}
		if !strings.Contains(work, `href="/work/escalations/long-dormant"`) {
			t.Error("My work has no link to the long-dormant escalations")
		}

		// The pages of this year's: every one, on one page or more.
		status, all := sam.get("/work/escalations")
		if status != 200 || strings.Count(escTableRE.FindString(all), `<tr class="govuk-table__row">`)-1 != l.CurrentCount {
			t.Errorf("/work/escalations: %d, not the %d escalations", status, l.CurrentCount)
		}
		for _, c := range recent {
			if !strings.Contains(all, c.Ref) {
				t.Errorf("/work/escalations does not list %s", c.Ref)
			}
		}
		status, dorm := sam.get("/work/escalations/long-dormant")
		if status != 200 || !strings.Contains(dorm, `id="dormant-escalations">`) || !strings.Contains(dorm, old.Ref) ||
			!strings.Contains(dorm, `id="dormant-escalations-why"`) {
			t.Errorf("/work/escalations/long-dormant: %d, not listing %s with why", status, old.Ref)
		}
		if status, past := sam.get("/work/escalations?page=9"); status != 200 ||
			!strings.Contains(past, `href="/work/escalations">Go to the first page`) {
			t.Errorf("a page past the last: %d, with no way to the first", status)
		}
		if status, _ := sam.get("/work/escalations?page=x"); status != 400 {
			t.Errorf("a damaged page number: %d, want 400", status)
		}
		// A page number whose offset overflowed: PostgreSQL answered 500.
		if status, _ := sam.get("/work/escalations?page=9223372036854775807"); status != 400 && status != 422 {
			t.Errorf("a page number past any list: %d, want it refused", status)
		}
		if status, _ := newClient(t, base, "ivy").get("/work/escalations"); status != 403 {
			t.Errorf("an investigator's /work/escalations: %d, want 403", status)
		}
	})
}

// TestEscalationPagesEachList: a page of one list of escalations holds
// that list's escalations from its place, each once over the pages, and
// counts the other list without reading it.
func TestEscalationPagesEachList(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, _ := start(t, db)
		escalateCases(t, f, 3)
		whole, err := f.Svc.EscalationList(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for page := 1; ; page++ {
			l, err := f.Svc.EscalationPage(ctx, f.Supervisor, service.EscalationPageIn{Page: page, Size: 2})
			if err != nil {
				t.Fatal(err)
			}
			if l.CurrentCount != whole.CurrentCount || len(l.Dormant) != 0 || len(l.Current) > 2 {
				t.Fatalf("page %d: %d of %d, %d long-dormant read", page, len(l.Current), l.CurrentCount, len(l.Dormant))
			}
			if len(l.Current) == 0 {
				break
			}
			for i, it := range l.Current {
				if seen[it.ID] || it.ID != whole.Current[(page-1)*2+i].ID {
					t.Errorf("page %d lists %s out of place", page, it.ID)
				}
				seen[it.ID] = true
			}
		}
		if len(seen) != whole.CurrentCount {
			t.Errorf("the pages list %d escalations of %d", len(seen), whole.CurrentCount)
		}
		if _, err := f.Svc.EscalationPage(ctx, f.Supervisor, service.EscalationPageIn{Page: -1}); err == nil {
			t.Error("page -1 was read")
		}
	})
}
