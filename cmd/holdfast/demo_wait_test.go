package main

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWaitPageHandOverAnswersEveryRequest: browsers refreshing the wait
// page all through the hand-over — each request on a connection of its
// own — are every one answered, by the wait page (503) or by the service
// (200): no connection is reset or closed unanswered. A connection the
// wait page accepted just before it stopped was once closed without a
// word (net/http drops a request it reads once Shutdown has begun), which
// a browser shows as an error.
func TestWaitPageHandOverAnswersEveryRequest(t *testing.T) {
	for round := range 3 {
		handOverRound(t, round)
		if t.Failed() {
			return
		}
	}
}

func handOverRound(t *testing.T, round int) {
	w, handOff, stop, err := startWaitPage("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	url := "http://" + w.addr + "/healthz"
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var waited, served atomic.Int64
	var quit atomic.Bool
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	const clients = 24
	for range clients {
		wg.Go(func() {
			for !quit.Load() {
				r, err := client.Get(url)
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				_, _ = io.Copy(io.Discard, r.Body)
				r.Body.Close()
				switch r.StatusCode {
				case http.StatusServiceUnavailable:
					waited.Add(1)
				case http.StatusOK:
					served.Add(1)
				default:
					mu.Lock()
					failures = append(failures, r.Status)
					mu.Unlock()
				}
			}
		})
	}
	// Let the wait page answer a good many, then hand over mid-stream.
	for waited.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	l := handOff()
	// The service takes a moment to start serving (serveDB): meanwhile
	// connections queue in the listener.
	time.Sleep(50 * time.Millisecond)
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		io.WriteString(rw, "ok")
	})}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	for served.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	quit.Store(true)
	wg.Wait()
	srv.Close()
	<-done
	if len(failures) > 0 {
		t.Errorf("round %d: %d of %d requests failed across the hand-over, e.g. %s",
			round, len(failures), int(waited.Load()+served.Load())+len(failures), failures[0])
	}
}
