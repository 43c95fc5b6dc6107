package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestInboxCountsAgreeInWords: the navigation counts new alerts ("170",
// read as "170 new alerts") and the inbox counted every current one ("178
// alerts"), acknowledged too, so the two disagreed with nothing to say
// why. The inbox now says both, in the same words: "178 alerts, 170 of
// them new".
func TestInboxCountsAgreeInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		for range 3 {
			f.Referral(t)
		}
		f.Clock.Advance(10 * 24 * time.Hour)
		sweepNow(t, f)
		alerts, err := f.Svc.Inbox(ctx, f.Supervisor)
		if err != nil || len(alerts) < 2 {
			t.Fatalf("the supervisor's inbox: %d alerts, %v", len(alerts), err)
		}
		sam := newClient(t, base, "sam")
		caption := regexp.MustCompile(`<caption class="govuk-table__caption[^"]*">([^<]*)</caption>`)
		unread := regexp.MustCompile(`id="unread">(\d+)<span class="govuk-visually-hidden"> new alerts?</span>`)
		_, page := sam.get("/inbox")
		if got, want := caption.FindStringSubmatch(page), fmt.Sprintf("%d new alerts", len(alerts)); got == nil ||
			!strings.HasPrefix(got[1], want) {
			t.Errorf("the inbox with every alert new: %q, want %q", got, want)
		}
		if _, err := f.Svc.AcknowledgeAlert(ctx, f.Supervisor, service.MarkAlert{
			Seq: fmt.Sprint(alerts[0].Seqs[0])}); err != nil {
			t.Fatal(err)
		}
		_, page = sam.get("/inbox")
		newN := len(alerts) - 1
		if got, want := caption.FindStringSubmatch(page), fmt.Sprintf("%d alerts, %d of them new", len(alerts),
			newN); got == nil || !strings.HasPrefix(got[1], want) {
			t.Errorf("the inbox with one acknowledged: %q, want %q", got, want)
		}
		if got := unread.FindStringSubmatch(page); got == nil || got[1] != fmt.Sprint(newN) {
			t.Errorf("the navigation counts %q new, the inbox %d", got, newN)
		}
	})
}
