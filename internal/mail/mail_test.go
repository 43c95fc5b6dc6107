package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

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

// A relay that accepts the connection and then says nothing, or greets
// and then stops answering, fails the send when its context ends: before,
// smtp.SendMail took no context and held the sender for ever.
func TestSendGivesUpWithItsContext(t *testing.T) {
	for _, greet := range []bool{false, true} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			if greet {
				c.Write([]byte("220 relay.invalid ESMTP\r\n"))
			}
			<-done // answer nothing more
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		m := mail.SMTP{Addr: ln.Addr().String(), From: "holdfast@force.invalid"}
		err = m.Send(ctx, &domain.User{Username: "ivy", Email: "ivy@force.invalid"}, "s", "b")
		cancel()
		close(done)
		ln.Close()
		if err == nil {
			t.Errorf("greet=%v: a relay that never answered took the message", greet)
		}
	}
}
