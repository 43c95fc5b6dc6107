package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/demo"
)

// syncBuffer is a buffer the server goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// startDemo runs `holdfast demo` until the returned stop is called, once
// /healthz answers.
func startDemo(t *testing.T, args ...string) (out *syncBuffer, stop func() int) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"demo", "--addr", addr}, args...), out, errb) }()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		if r, err := http.Get("http://" + addr + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("demo exited %d before serving:\n%s\n%s", code, out, errb)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("demo did not serve in time:\n%s\n%s", out, errb)
		}
	}
	return out, func() int {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("demo exited %d: %s", code, errb)
			}
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("demo did not stop")
			return -1
		}
	}
}

func TestDemoGeneratesServesAndReuses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	out, stop := startDemo(t, "--db", db, "--cases", "24", "--seed", "3")
	text := out.String()
	stop()
	for _, want := range []string{"Generating the demo force", "Generated 24 investigations", demo.Password, "Holdfast is running at http://",
		"administrator", "investigator", "supervisor", "manager", "auditor", "analyst", "victim_liaison", "inspector", "admin ",
		"historic closures (closed 2012-2022) from northshire-cis", "marked import:northshire-cis",
		"The national review \"Operation Beaconport", "awaiting a second reviewer's sign-off", "reopened CSE/20",
		"and open Audits", "auditor (reviewer)", "auditor (seconded officer)"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if _, err := os.Stat(db + ".partial"); err == nil {
		t.Error("the partial file was left behind")
	}
	// The file served is in WAL mode, as the store keeps every file
	// (bytes 18 and 19 of the header, kept by the file itself), whatever
	// the .partial file's writer was set to while it was generated.
	if head, err := os.ReadFile(db); err != nil || len(head) < 20 || head[18] != 2 || head[19] != 2 {
		t.Errorf("the demo's file is not in WAL mode (header bytes 18-19, want 2 2): %v", err)
	}

	// The record replays: rebuild finds no difference. It holds the 24
	// cases generated and the 40 historic closures imported.
	if code, o, e := runCLI(t, "rebuild", "--db", db); code != 0 || !strings.Contains(o, "64 cases") {
		t.Fatalf("rebuild: %d %q %q", code, o, e)
	}

	// A second run serves the same force without generating again.
	out, stop = startDemo(t, "--db", db)
	again := out.String()
	stop()
	if !strings.Contains(again, "Reusing the demo force") || strings.Contains(again, "Generating") ||
		!strings.Contains(again, demo.Password) {
		t.Errorf("second run:\n%s", again)
	}
	// The same accounts are listed both times.
	table := func(s string) string {
		return s[strings.Index(s, "Demo accounts"):strings.Index(s, "Holdfast is running")]
	}
	if table(text) != table(again) {
		t.Errorf("accounts differ on reuse:\n%s\n%s", table(text), table(again))
	}
}

func TestDemoRefusesAnotherForce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	if code, _, e := runCLI(t, "user", "add", "--db", db, "--username", "boss", "--name", "Chief Admin", "--collar", "A1", "--password", "a long enough password"); code != 0 {
		t.Fatal(e)
	}
	code, _, e := runCLI(t, "demo", "--db", db, "--addr", freeAddr(t))
	if code != 1 || !strings.Contains(e, "not the demo force") {
		t.Fatalf("demo on a real record: %d %q", code, e)
	}
	if code, _, _ := runCLI(t, "demo", "--db", db, "--cases", "3"); code != 2 {
		t.Fatalf("--cases 3: exit %d, want 2", code)
	}
}

// TestDemoAnswersWhileGenerating: from the moment holdfast demo starts,
// its address answers — 503 with a page saying the force is being
// generated and how far it has got — and then Holdfast itself serves
// there. Nothing can be signed into on the wait page.
func TestDemoAnswersWhileGenerating(t *testing.T) {
	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errb := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", addr, "--db", db, "--cases", "24", "--seed", "5"}, out, errb)
	}()
	// A connection of its own for every request, as a browser refreshing
	// the wait page makes after the page has gone.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(path string) (int, string, error) {
		r, err := client.Get("http://" + addr + path)
		if err != nil {
			return 0, "", err
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b), nil
	}
	var waited, served bool
	deadline := time.Now().Add(10 * time.Minute)
	for !served {
		if time.Now().After(deadline) {
			t.Fatalf("demo did not serve in time:\n%s\n%s", out, errb)
		}
		select {
		case code := <-done:
			t.Fatalf("demo exited %d:\n%s\n%s", code, out, errb)
		case <-time.After(50 * time.Millisecond):
		}
		code, body, err := get("/healthz")
		switch {
		case err != nil && waited:
			// The wait page hands its listener to Holdfast: the address
			// never refuses.
			t.Fatalf("the address failed a request between the wait page and Holdfast: %v", err)
		case err != nil:
			// Before the wait page listens.
		case code == http.StatusServiceUnavailable:
			if strings.Contains(out.String(), "Holdfast is running") {
				t.Fatalf("the wait page answered after Holdfast said it was running")
			}
			if !strings.Contains(body, "The demo force is being generated") {
				t.Fatalf("the wait page does not say what is happening: %s", body)
			}
			if strings.Contains(body, "<form") || strings.Contains(body, "password") {
				t.Fatalf("the wait page offers to sign in: %s", body)
			}
			waited = true
		case code == http.StatusOK:
			served = true
		}
	}
	if !waited {
		t.Error("the address never answered while the force was generated")
	}
	if code, body, err := get("/"); err != nil || code != http.StatusOK || !strings.Contains(body, "Sign in") {
		t.Errorf("after generating, the address is not Holdfast's sign-in: %d %v", code, err)
	}
	cancel()
	<-done
}

// TestDemoWaitPageHandsOver: the wait page's listener passes to the
// service open, so a connection made between the two is queued and
// answered by the service, not refused; the service closing it closes it.
func TestDemoWaitPageHandsOver(t *testing.T) {
	w, handOff, stop, err := startWaitPage("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	url := "http://" + w.addr + "/"
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	r, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("the wait page answered %d", r.StatusCode)
	}
	l := handOff()
	// Between the wait page and the service: asked now, answered once
	// the service serves.
	type answer struct {
		code int
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		r, err := client.Get(url)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		got <- answer{code: r.StatusCode, body: string(b)}
	}()
	select {
	case a := <-got:
		t.Fatalf("answered before the service served: %+v", a)
	case <-time.After(300 * time.Millisecond):
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		io.WriteString(rw, "the service")
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	if a := <-got; a.err != nil || a.code != http.StatusOK || a.body != "the service" {
		t.Fatalf("the request made in between: %+v", a)
	}
	srv.Close()
	<-served
	if _, err := net.DialTimeout("tcp", w.addr, 5*time.Second); err == nil {
		t.Error("the address still accepts after the service closed its listener")
	}
}
