package service_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/mail"
	"github.com/holdfast/holdfast/internal/mail/smtpcapture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestDailyDigestOncePerDay: each user with work gets one digest a day over
// real SMTP, overdue first, naming cases by reference only; a second run
// (or a second instance) the same day sends nothing.
func TestDailyDigestOncePerDay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		capture := smtpcapture.Start(t)
		f := fixture.New(t, db, func(c *app.Config) {
			c.Mail = mail.SMTP{Addr: capture.Addr, From: "holdfast@northshire.police.invalid"}
		})
		c := f.Allocated(t)
		f.Clock.Advance(10 * 24 * time.Hour)
		sys := service.SystemActor("digest")
		if _, err := f.Svc.SendDigests(ctx, f.Investigator, f.Clock.Now()); err == nil {
			t.Fatal("an investigator sent the digests")
		}
		rep, err := f.Svc.SendDigests(ctx, sys, f.Clock.Now())
		if err != nil || !rep.Claimed || rep.Sent == 0 {
			t.Fatalf("digest: %+v %v", rep, err)
		}
		msgs := capture.Messages()
		var ivy string
		for _, m := range msgs {
			if strings.Contains(m, "ivy@northshire.police.invalid") {
				ivy = m
			}
		}
		if ivy == "" || !strings.Contains(ivy, "!! "+c.Ref) || !strings.Contains(ivy, "overdue") {
			t.Fatalf("the investigator's digest does not list the overdue duty on %s:\n%s", c.Ref, ivy)
		}
		// Duties by their labels, as the pages name them, never codes
		// ("investigation plan" was the code with its underscores gone),
		// and one duty is "1 open duty".
		if !strings.Contains(ivy, "Set the investigation plan") || strings.Contains(ivy, "  investigation plan  ") ||
			!strings.Contains(ivy, "You have 1 open duty, 1 overdue.") {
			t.Fatalf("the investigator's digest does not list the overdue duty on %s:\n%s", c.Ref, ivy)
		}
		if strings.Contains(ivy, c.Summary) {
			t.Fatal("a digest carried case details outside Holdfast")
		}
		for _, m := range msgs {
			if strings.Contains(m, "hmi@northshire.police.invalid") {
				t.Fatal("a user with nothing owed got a digest")
			}
		}
		again, err := f.Svc.SendDigests(ctx, sys, f.Clock.Now().Add(time.Hour))
		if err != nil || again.Claimed || again.Sent != 0 || len(capture.Messages()) != len(msgs) {
			t.Fatalf("second run the same day: %+v %v", again, err)
		}
		f.Clock.Advance(24 * time.Hour)
		if next, err := f.Svc.SendDigests(ctx, sys, f.Clock.Now()); err != nil || !next.Claimed {
			t.Fatalf("the next day: %+v %v", next, err)
		}
	})
}

// TestDigestTimesTheGOVUKWay: the digest writes its times as the pages do
// ("due 17 July 2026 at 11:59pm", "midday"), from the one GOV.UK helper,
// never the 24-hour clock (it said "due Fri 17 Jul 23:59").
func TestDigestTimesTheGOVUKWay(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		capture := smtpcapture.Start(t)
		f := fixture.New(t, db, func(c *app.Config) {
			c.Mail = mail.SMTP{Addr: capture.Addr, From: "holdfast@northshire.police.invalid"}
		})
		f.Allocated(t)
		f.Clock.Advance(10 * 24 * time.Hour)
		if _, err := f.Svc.SendDigests(ctx, service.SystemActor("digest"), f.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		var body string
		for _, m := range capture.Messages() {
			if strings.Contains(m, "ivy@northshire.police.invalid") {
				_, body, _ = strings.Cut(m, "\r\n\r\n") // the Date header keeps RFC 5322's clock
			}
		}
		govuk := regexp.MustCompile(`due \d{1,2} [A-Z][a-z]+ \d{4} at (\d{1,2}(:\d\d)?[ap]m|midday|midnight)\r?\n`)
		if !govuk.MatchString(body) {
			t.Errorf("the digest's due times are not the GOV.UK way:\n%s", body)
		}
		if twentyFour := regexp.MustCompile(`\b\d{1,2}:\d\d\b`); twentyFour.MatchString(body) {
			t.Errorf("the digest writes a 24-hour time (%q):\n%s", twentyFour.FindString(body), body)
		}
	})
}
