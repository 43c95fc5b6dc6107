package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/mail"
	"github.com/holdfast/holdfast/internal/mail/smtpcapture"
)

func TestSendReachesAnSMTPServer(t *testing.T) {
	cap := smtpcapture.Start(t)
	m := mail.SMTP{Addr: cap.Addr, From: "holdfast@force.invalid"}
	u := &domain.User{Username: "ivy", Email: "ivy@force.invalid"}
	if err := m.Send(context.Background(), u, "overdue\r\nBcc: evil@x", "CSE/2026/000001: review due"); err != nil {
		t.Fatal(err)
	}
	msgs := cap.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "To: ivy@force.invalid") ||
		!strings.Contains(msgs[0], "CSE/2026/000001") {
		t.Fatalf("captured %q", msgs)
	}
	if strings.Contains(msgs[0], "\r\nBcc:") {
		t.Fatal("a newline in the subject injected a header")
	}
	if err := m.Send(context.Background(), &domain.User{Username: "nomail"}, "s", "b"); err == nil {
		t.Fatal("sent to a user with no address")
	}
}
