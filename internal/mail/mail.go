// Package mail sends Holdfast's alerts and daily digests by SMTP.
package mail

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// SMTP sends through one relay. Forces run their own relay on the
// internal network, so there is no authentication here.
type SMTP struct {
	Addr string // host:port
	From string
}

// Send sends one plain-text message to the user's address.
func (m SMTP) Send(ctx context.Context, to *domain.User, subject, body string) error {
	if to.Email == "" {
		return fmt.Errorf("mail to %s: no email address on record", to.Username)
	}
	var b strings.Builder
	fmt.Fprintf(
		&b,
		"From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		m.From,
		to.Email,
		oneLine(subject),
		time.Now().Format(time.RFC1123Z),
	)
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	b.WriteString("\r\n")
	if err := smtp.SendMail(m.Addr, nil, m.From, []string{to.Email}, []byte(b.String())); err != nil {
		return fmt.Errorf("mail to %s via %s: %w", to.Email, m.Addr, err)
	}
	return nil
}

// oneLine keeps a header value on one line: a newline would let text
// from a case add headers.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
