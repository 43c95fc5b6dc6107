package faults_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/mail"
	"github.com/holdfast/holdfast/internal/mail/smtpcapture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestMailDownAtDigestTime: the mail server refuses every connection
// (421) when the day's digests are due. Each message is tried, refused,
// kept in the outbox and retried only when its backoff has passed (a
// minute, then two); an instance started afresh finds the messages still
// waiting; and when the server accepts mail again, two instances
// delivering at the same moment send each message exactly once. Later
// runs send nothing more.
func TestMailDownAtDigestTime(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		capture := smtpcapture.Start(t)
		relay := mail.SMTP{Addr: capture.Addr, From: "holdfast@northshire.police.invalid"}
		f := fixture.New(t, db, func(c *app.Config) { c.Mail = relay })
		f.Allocated(t)
		f.Clock.Advance(10 * 24 * time.Hour)
		sys := service.SystemActor("digest")
		start := f.Clock.Now()
		at := func(d time.Duration) time.Time { return start.Add(d) }

		capture.Refuse(true)
		rep, err := f.Svc.SendDigests(ctx, sys, at(0))
		if err != nil || !rep.Claimed || rep.Queued == 0 || rep.Sent != 0 || rep.Failed != rep.Queued {
			t.Fatalf("digests with the mail server down: %+v %v", rep, err)
		}
		q := rep.Queued
		tries := func(when time.Duration, wantFailed int) {
			t.Helper()
			before := capture.Refused()
			rep, err := f.Svc.SendDigests(ctx, sys, at(when))
			if err != nil || rep.Claimed || rep.Sent != 0 || rep.Failed != wantFailed || capture.Refused()-before != wantFailed {
				t.Fatalf("at +%v: %+v %v, %d connections; want %d failed attempts",
					when, rep, err, capture.Refused()-before, wantFailed)
			}
		}
		tries(30*time.Second, 0) // within the first backoff: not tried
		tries(time.Minute, q)    // the second attempt
		tries(2*time.Minute, 0)  // the second backoff is two minutes
		if len(capture.Messages()) != 0 {
			t.Fatal("a message got through a refusing server")
		}

		// An instance started afresh (as after a restart) finds the
		// outbox; the server is back; two instances deliver at once.
		second, err := app.New(db, app.Config{Clock: f.Clock, Mail: relay})
		if err != nil {
			t.Fatal(err)
		}
		capture.Refuse(false)
		var wg sync.WaitGroup
		var mu sync.Mutex
		sent := 0
		for _, svc := range []*service.Service{f.Svc, second.Svc} {
			wg.Add(1)
			go func(svc *service.Service) {
				defer wg.Done()
				rep, err := svc.DeliverDigests(ctx, sys, at(3*time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				sent += rep.Sent
				mu.Unlock()
			}(svc)
		}
		wg.Wait()
		msgs := capture.Messages()
		if sent != q || len(msgs) != q {
			t.Fatalf("after the server came back: %d reported sent, %d received, want %d", sent, len(msgs), q)
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			to := m[strings.Index(m, "To: "):]
			to = to[:strings.Index(to, "\r\n")]
			if seen[to] {
				t.Fatalf("%s got the day's digest twice", to)
			}
			seen[to] = true
		}
		for _, when := range []time.Duration{4 * time.Minute, 2 * time.Hour} {
			if rep, err := second.Svc.SendDigests(ctx, sys, at(when)); err != nil || rep.Sent != 0 || rep.Failed != 0 {
				t.Fatalf("a later run sent again: %+v %v", rep, err)
			}
		}
		if len(capture.Messages()) != q {
			t.Fatalf("%d messages received, want %d", len(capture.Messages()), q)
		}
		faults.Intact(t, f.Svc, f.Admin, db, nil)
	})
}
