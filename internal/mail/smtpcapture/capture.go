// Package smtpcapture is a real SMTP server on 127.0.0.1 for tests: it
// speaks enough of the protocol for net/smtp and keeps each message.
package smtpcapture

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// Capture is a real SMTP server on 127.0.0.1 that keeps what it receives.
type Capture struct {
	Addr     string
	mu       sync.Mutex
	msgs     []string
	refusing bool
	refused  int
}

// Refuse makes the server turn every connection away with 421 (service not
// available), as a relay that is down or overloaded does, until Refuse(false).
func (c *Capture) Refuse(on bool) {
	c.mu.Lock()
	c.refusing = on
	c.mu.Unlock()
}

// Refused is how many connections were turned away.
func (c *Capture) Refused() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refused
}

func (c *Capture) Messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

func Start(t testing.TB) *Capture {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	c := &Capture{Addr: l.Addr().String()}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go c.serve(conn)
		}
	}()
	return c
}

func (c *Capture) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { conn.Write([]byte(s + "\r\n")) }
	c.mu.Lock()
	refuse := c.refusing
	if refuse {
		c.refused++
	}
	c.mu.Unlock()
	if refuse {
		say("421 capture: service not available, closing channel")
		return
	}
	say("220 capture ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 capture")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			c.mu.Lock()
			c.msgs = append(c.msgs, b.String())
			c.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
