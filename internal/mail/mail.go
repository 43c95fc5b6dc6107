// Package mail sends Holdfast's alerts and daily digests by SMTP.
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
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
	if err := m.send(ctx, to.Email, []byte(b.String())); err != nil {
		return fmt.Errorf("mail to %s via %s: %w", to.Email, m.Addr, err)
	}
	return nil
}

// send is smtp.SendMail (without authentication) held to ctx: SendMail
// takes no context, so a relay that accepted the connection and then
// said nothing held the caller, and the alerts sent after answering,
// for ever. The connection is dialled under ctx and closed when ctx
// ends, which fails whatever step of the conversation is waiting.
func (m SMTP) send(ctx context.Context, rcpt string, msg []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(m.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := c.Quit(); err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// oneLine keeps a header value on one line: a newline would let text
// from a case add headers.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
