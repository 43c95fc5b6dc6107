package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/http/response"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestClientGoneIsNoError: a request whose client went away before the
// answer was ready (the user closed the page) fails with the cancelled
// context, which is what it is — logged as the client going away, below
// ERROR — not a fault of ours to alert anyone about.
func TestClientGoneIsNoError(t *testing.T) {
	logs := &lockedBuffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	started := make(chan struct{})
	s := New(nil, Config{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done() // as a query does, given the request's context
		response.WriteProblem(w, r, fmt.Errorf("list cases: %w", r.Context().Err()))
	})})
	ts := httptest.NewServer(s.Handler)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/cases", nil)
	errc := make(chan error, 1)
	go func() {
		r, err := http.DefaultClient.Do(req)
		if err == nil {
			r.Body.Close()
		}
		errc <- err
	}()
	<-started
	cancel()
	<-errc
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "/cases") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := logs.String()
	if strings.Contains(got, "level=ERROR") {
		t.Errorf("a client that went away is logged as an error:\n%s", got)
	}
	if !strings.Contains(got, "level=INFO") || !strings.Contains(got, "the client went away") ||
		!strings.Contains(got, "path=/cases") {
		t.Errorf("the request the client left is not logged as such:\n%s", got)
	}

	// A fault of ours while the client waits is still an error.
	logs.mu.Lock()
	logs.b.Reset()
	logs.mu.Unlock()
	s = New(nil, Config{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		response.WriteProblem(w, r, fmt.Errorf("render: %w", context.Canceled))
	})})
	ts2 := httptest.NewServer(s.Handler)
	defer ts2.Close()
	r, err := http.Get(ts2.URL + "/cases")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusInternalServerError || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("an error of ours with the client there: %d, logged:\n%s", r.StatusCode, logs.String())
	}
}
