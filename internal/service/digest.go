package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
)

// DigestReport says what one day's digests did.
type DigestReport struct {
	Day     string `json:"day"`
	Claimed bool   `json:"claimed"` // false: this day's digests had gone already
	Sent    int    `json:"sent"`
	Failed  int    `json:"failed"`
}

// SendDigests mails each active user with an address a summary of their
// open duties (overdue first) and the alerts of the last day. Each day's
// digests go once, whichever instance gets there first.
func (s *Service) SendDigests(ctx context.Context, a *Actor, asOf time.Time) (*DigestReport, error) {
	if err := a.need("send the daily digests", domain.RoleAdmin); err != nil {
		return nil, err
	}
	day := asOf.In(clock.London).Format(time.DateOnly)
	rep := &DigestReport{Day: day}
	if s.mail == nil {
		return rep, fmt.Errorf("send digests: no mail server configured (serve --smtp-addr)")
	}
	ok, err := s.st.ClaimDigest(ctx, day, asOf)
	if err != nil || !ok {
		return rep, err
	}
	rep.Claimed = true
	org, err := s.st.Org(ctx)
	if err != nil {
		return rep, err
	}
	users := make([]*domain.User, 0, len(org.Users))
	for _, u := range org.Users {
		if u.Active && u.Email != "" {
			users = append(users, u)
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	for _, u := range users {
		body, err := s.digest(ctx, u, asOf)
		if err != nil {
			return rep, err
		}
		if body == "" {
			continue
		}
		if err := s.mail.Send(context.WithoutCancel(ctx), u, "Holdfast: your work for "+day, body); err != nil {
			s.log.Error("digest mail", "user", u.Username, "err", err)
			rep.Failed++
			continue
		}
		rep.Sent++
	}
	return rep, nil
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
	var recent []string
	for _, it := range inbox {
		if it.At.After(asOf.Add(-24 * time.Hour)) {
			recent = append(recent, fmt.Sprintf("  %s  %s", it.At.In(clock.London).Format("02 Jan 15:04"), it.Text))
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
	fmt.Fprintf(&b, "You have %d open duties, %d overdue.\n\n", len(items), overdue)
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
			strings.ReplaceAll(it.Kind, "_", " "),
			it.Due.In(clock.London).Format("Mon 02 Jan 15:04"),
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
