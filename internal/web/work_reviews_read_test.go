package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHomeRecordsOnlyShownReviews: My work shows an auditor the reviews
// assigned to them, not the reviews awaiting a second reviewer, so the
// read it records names only the former, under its own view, which the
// access report names in words. My reviews, which shows both, still
// records both.
func TestHomeRecordsOnlyShownReviews(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		other, mine := closedOwingVictim(t, f, "Child E"), closedOwingVictim(t, f, "Child F")
		aud2 := f.AddUser(t, service.NewUser{Username: "aud2", Name: "Arun Auditor", Collar: "Caud2",
			Rank: domain.RankStaff, UnitID: f.ForceID, Roles: []domain.Role{domain.RoleAuditor},
			Password: fixture.Password, Email: "aud2@northshire.police.invalid"})
		from := f.Clock.Now().AddDate(0, 0, -1).Format("2006-01-02")
		to := f.Clock.Now().AddDate(0, 0, 1).Format("2006-01-02")
		au, err := f.Svc.CreateAudit(ctx, f.Auditor, service.NewAudit{Name: "Routine", ClosedFrom: from,
			ClosedTo: to, Margin: 0.05, Seed: "home-reviews", RiskTop: 2, HighRiskScore: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, as := range []struct {
			c  *domain.Case
			to string
		}{{other, aud2.ID()}, {mine, f.Auditor.ID()}} {
			if _, err := f.Svc.AssignReview(ctx, f.Auditor, service.AssignReview{Audit: au.ID, Case: as.c.ID,
				Reviewer: as.to}); err != nil {
				t.Fatalf("assign %s: %v", as.c.Ref, err)
			}
		}
		form := domain.ReviewForm{VictimAccount: domain.AccountBestPractice, SuspectsPursued: domain.PursuedAll,
			OutcomeJustified: domain.JustifiedYes, Summary: "Closure justified: every line followed, the victim heard"}
		ac, err := f.Svc.SubmitReview(ctx, aud2, service.ReviewSubmission{Audit: au.ID, Case: other.ID, Form: form})
		if err != nil {
			t.Fatal(err)
		}
		if ac.Status != domain.AuditCaseAwaitingSignOff {
			t.Fatalf("aud2's review left %s %s; want it awaiting a second reviewer", other.Ref, ac.Status)
		}
		// reads are the records.read events by aud while path is loaded.
		aud := newClient(t, base, "aud")
		reads := func(path string) (string, []domain.RecordsRead) {
			t.Helper()
			before, _ := db.ForceEvents(ctx, []string{domain.EvRecordsRead})
			status, page := aud.get(path)
			if status != 200 {
				t.Fatalf("%s: %d", path, status)
			}
			after, _ := db.ForceEvents(ctx, []string{domain.EvRecordsRead})
			var out []domain.RecordsRead
			for _, e := range after[len(before):] {
				var p domain.RecordsRead
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					t.Fatal(err)
				}
				if e.Actor == f.Auditor.ID() {
					out = append(out, p)
				}
			}
			return page, out
		}

		work, rs := reads("/work")
		if !strings.Contains(work, mine.Ref) || strings.Contains(work, other.Ref) {
			t.Fatalf("My work shows %s: %v, %s: %v; want only the review assigned to aud",
				mine.Ref, strings.Contains(work, mine.Ref), other.Ref, strings.Contains(work, other.Ref))
		}
		var reviews []domain.RecordsRead
		for _, r := range rs {
			if slices.Contains(r.Cases, other.ID) {
				t.Fatalf("My work recorded a read of %s, which it does not show: %+v", other.Ref, r)
			}
			if r.View == service.ReadWorkReviews {
				reviews = append(reviews, r)
			} else if slices.Contains(r.Cases, mine.ID) {
				t.Fatalf("My work recorded the read of %s under %q: %+v", mine.Ref, r.View, r)
			}
		}
		if len(reviews) != 1 || !slices.Equal(reviews[0].Cases, []string{mine.ID}) {
			t.Fatalf("My work's reviews read is recorded as %+v; want one naming %s alone", reviews, mine.Ref)
		}

		_, rs = reads("/audits/reviews")
		if len(rs) != 1 || rs[0].View != "audits.my_reviews" || len(rs[0].Cases) != 2 ||
			!slices.Contains(rs[0].Cases, mine.ID) || !slices.Contains(rs[0].Cases, other.ID) {
			t.Fatalf("My reviews' read is recorded as %+v; want one naming both cases shown", rs)
		}

		_, access := aud.get("/access?" + url.Values{"case": {mine.Ref}}.Encode())
		if !strings.Contains(access, "Shown in My work&#39;s audit reviews") || strings.Contains(access,
			service.ReadWorkReviews) {
			t.Fatalf("the access report does not name My work's reviews read in words:\n%s", access)
		}
	})
}
