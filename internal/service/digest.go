package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// DigestReport says what one run of the digests did.
type DigestReport struct {
	Day     string `json:"day"`
	Claimed bool   `json:"claimed"` // true: this run queued the day's digests
	Queued  int    `json:"queued"`  // messages this run put in the outbox
	Sent    int    `json:"sent"`    // messages delivered by this run (any day's)
	Failed  int    `json:"failed"`  // attempts that failed this run; each is retried later
}

// SendDigests queues the day's digests, once, whichever instance gets there
// first: each active user with an address and something owed or new gets
// a summary of their open duties (overdue first) and the alerts of the last
// day. Then it delivers what the outbox holds that is due, this day's or an
// earlier day's that could not be sent.
//
// The outbox is in the database (store.Mail), written with the day's claim
// in one transaction: a message is never lost to a crash or to the mail
// server being down, and is marked sent once the server accepts it, so it
// never goes twice. A failed message is retried with backoff (mailBackoff).
func (s *Service) SendDigests(ctx context.Context, a *Actor, asOf time.Time) (*DigestReport, error) {
	if err := a.need("send the daily digests", domain.RoleAdmin); err != nil {
		return nil, err
	}
	day := asOf.In(clock.London).Format(time.DateOnly)
	rep := &DigestReport{Day: day}
	if s.mail == nil {
		return rep, fmt.Errorf("send digests: no mail server configured (serve --smtp-addr)")
	}
	queued, err := s.st.DigestQueued(ctx, day)
	if err != nil {
		return rep, err
	}
	if !queued {
		mail, err := s.digestMail(ctx, day, asOf)
		if err != nil {
			return rep, err
		}
		if rep.Claimed, err = s.st.QueueDigests(ctx, day, asOf, mail); err != nil {
			return rep, err
		}
		if rep.Claimed {
			rep.Queued = len(mail)
		}
	}
	return rep, s.deliver(ctx, asOf, rep)
}

// DeliverDigests sends what the outbox holds that is due, without queuing
// a new day: the retries between one day's digest hour and the next.
func (s *Service) DeliverDigests(ctx context.Context, a *Actor, now time.Time) (*DigestReport, error) {
	if err := a.need("send the daily digests", domain.RoleAdmin); err != nil {
		return nil, err
	}
	rep := &DigestReport{Day: now.In(clock.London).Format(time.DateOnly)}
	if s.mail == nil {
		return rep, fmt.Errorf("send digests: no mail server configured (serve --smtp-addr)")
	}
	return rep, s.deliver(ctx, now, rep)
}

// digestMail is the day's messages, one per user with something in it.
func (s *Service) digestMail(ctx context.Context, day string, asOf time.Time) ([]store.Mail, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	users := make([]*domain.User, 0, len(org.Users))
	for _, u := range org.Users {
		if u.Active && u.Email != "" {
			users = append(users, u)
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	var mail []store.Mail
	for _, u := range users {
		body, err := s.digest(ctx, u, asOf)
		if err != nil {
			return nil, err
		}
		if body == "" {
			continue
		}
		mail = append(mail, store.Mail{Day: day, UserID: u.ID, Username: u.Username, To: u.Email,
			Subject: "Holdfast: your work for " + day, Body: body})
	}
	return mail, nil
}

// mailLease is how long an instance holds a message it is sending before
// another may take it: far longer than one SMTP exchange.
const mailLease = 10 * time.Minute

// mailBackoff is how long to wait after the nth failed attempt: a minute,
// doubling each time, at most an hour — a mail server down for a morning is
// tried a dozen times, not thousands.
func mailBackoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// deliver sends the outbox's due messages, marking each sent or failed.
func (s *Service) deliver(ctx context.Context, now time.Time, rep *DigestReport) error {
	for {
		due, err := s.st.DueMail(ctx, now, now.Add(mailLease), 100)
		if err != nil || len(due) == 0 {
			return err
		}
		for _, m := range due {
			to := &domain.User{Username: m.Username, Email: m.To}
			if err := s.mail.Send(context.WithoutCancel(ctx), to, m.Subject, m.Body); err != nil {
				next := now.Add(mailBackoff(m.Attempts + 1))
				s.log.Error("digest mail", "user", m.Username, "day", m.Day, "attempt", m.Attempts+1,
					"retry_at", next, "err", err)
				rep.Failed++
				if err := s.st.MailFailed(ctx, m.Day, m.UserID, next, err.Error()); err != nil {
					return err
				}
				continue
			}
			rep.Sent++
			if err := s.st.MailSent(ctx, m.Day, m.UserID, now); err != nil {
				return err
			}
		}
	}
}

// digest is one user's message, or "" when they have nothing owed or new.
func (s *Service) digest(ctx context.Context, u *domain.User, asOf time.Time) (string, error) {
	rows, err := s.st.UserDuties(ctx, u.ID)
	if err != nil {
		return "", err
	}
	items := s.workItems(rows, asOf)
	inbox, err := s.st.Inbox(ctx, u.ID, 50)
	if err != nil {
		return "", err
	}
	// Times read as the pages write them ("7 December 2026 at 5:30pm",
	// "midday"), from the one helper, never the 24-hour clock.
	var recent []string
	for _, it := range inbox {
		if it.At.After(asOf.Add(-24 * time.Hour)) {
			recent = append(recent, fmt.Sprintf("  %s  %s", clock.GovUK(it.At), it.Text))
		}
	}
	if len(items) == 0 && len(recent) == 0 {
		return "", nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s,\n\n", u.Name)
	overdue := 0
	for _, it := range items {
		if it.Overdue {
			overdue++
		}
	}
	fmt.Fprintf(&b, "You have %s, %d overdue.\n\n", domain.Plural(len(items), "open duty", "open duties"), overdue)
	for _, it := range items {
		mark := "   "
		if it.Overdue {
			mark = "!! "
		}
		fmt.Fprintf(
			&b,
			"%s%s  %s  due %s\n",
			mark,
			it.CaseRef,
			domain.DutyKindLabel(it.Kind),
			clock.GovUK(it.Due),
		)
		if it.Says != "" {
			fmt.Fprintf(&b, "      %s\n", it.Says)
		}
	}
	if len(recent) > 0 {
		b.WriteString("\nAlerts in the last day:\n")
		b.WriteString(strings.Join(recent, "\n"))
		b.WriteString("\n")
	}
	b.WriteString(
		"\nOpen Holdfast to act on them. This message lists references only: case details stay in Holdfast.\n",
	)
	return b.String(), nil
}
