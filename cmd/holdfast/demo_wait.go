package main

import (
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/demo"
)

// waitPage answers on the demo's address while its force is generated, so
// that someone who opens it at once is told what is happening and how far
// it has got, rather than that nothing is listening (issue 20: a first
// page within 45 s of a fresh start). It is not Holdfast: nobody can sign
// in until the force is whole, because the generator writes as the force's
// own officers on a simulated clock, and the record it builds is moved
// into place only when complete. Every path answers 503 with Retry-After,
// /healthz included, so nothing mistakes it for the service.
type waitPage struct {
	mu    sync.Mutex
	p     demo.Progress
	began time.Time
	addr  string // where it listens
}

func (w *waitPage) set(p demo.Progress) {
	w.mu.Lock()
	w.p = p
	w.mu.Unlock()
}

var waitTmpl = template.Must(template.New("wait").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The demo force is being generated – Holdfast</title>
<style>body{font-family:arial,sans-serif;margin:0;color:#0b0c0c}header{background:#0b0c0c;color:#fff;padding:10px 15px;font-weight:700}
main{max-width:640px;margin:30px auto;padding:0 15px}h1{font-size:2rem}progress{width:100%;height:1.5rem}</style></head>
<body><header>Holdfast demo</header><main>
<h1>The demo force is being generated</h1>
{{if .Total}}<p><progress max="{{.Total}}" value="{{.Opened}}">{{.Percent}}%</progress></p>
<p>{{.Opened}} of {{.Total}} investigations opened ({{.Percent}}%), their history simulated up to {{.At}}, after {{.Took}}.</p>
{{else}}<p>Setting up the force: its units, officers and policy.</p>{{end}}
<p>This page refreshes itself every 5 seconds. When the force is complete, Holdfast's sign-in page opens here
and the accounts to sign in with are printed where you ran <code>holdfast demo</code>.</p>
</main></body></html>
`))

func (w *waitPage) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	p, began := w.p, w.began
	w.mu.Unlock()
	data := struct {
		Opened, Total, Percent int
		At, Took               string
	}{Opened: p.Opened, Total: p.Total, Took: time.Since(began).Round(time.Second).String()}
	if p.Total > 0 {
		data.Percent = 100 * p.Opened / p.Total
		data.At = p.At.Format("January 2006")
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Retry-After", "5")
	rw.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		_ = waitTmpl.Execute(rw, data)
	}
}

// startWaitPage listens on addr and serves the wait page until handOff,
// which stops it and returns the listener, still open, for the service to
// serve on: the address never refuses a connection, so a browser
// refreshing the wait page meanwhile is answered — by the wait page, or,
// once the service serves, by it (a connection made in between waits in
// the listener's queue). stop stops the wait page and closes the
// listener, when the service is not to follow.
//
// The wait page stops without http.Server.Shutdown: once Shutdown has
// begun, net/http closes unanswered a connection whose request it reads
// from then on, and a connection accepted just before the hand-over is
// often read only after it (on a busy machine, often enough for a
// browser to show an error). Instead it stops accepting, and answers
// every connection it has accepted, each closed after its one answer.
func startWaitPage(addr string) (w *waitPage, handOff func() net.Listener, stop func(), err error) {
	tl, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	l := &handOffListener{Listener: tl, paused: make(chan struct{})}
	w = &waitPage{began: time.Now(), addr: tl.Addr().String()}
	var conns sync.WaitGroup // the connections the wait page has accepted and not yet closed
	srv := &http.Server{
		Handler:           w,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      5 * time.Second,
		ConnState: func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				conns.Done()
			}
		},
	}
	// Every answer closes its connection: none lingers idle, to be closed
	// under a browser sending its next request on it.
	srv.SetKeepAlivesEnabled(false)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) {
			fmt.Printf("the demo's wait page stopped: %v\n", err)
		}
	}()
	var once sync.Once
	finish := func() {
		once.Do(func() {
			l.Close() // pauses l: the wait page stops accepting, the socket stays open
			<-done
			// Serve has returned, so every conns.Add is done: wait for the
			// answers, which the timeouts above bound; past those, cut.
			answered := make(chan struct{})
			go func() { conns.Wait(); close(answered) }()
			select {
			case <-answered:
			case <-time.After(15 * time.Second):
				srv.Close()
				<-answered
			}
		})
	}
	return w, func() net.Listener {
			finish()
			l.resume()
			return l
		}, func() {
			finish()
			l.resume()
			l.Close()
		}, nil
}

// handOffListener is the demo's one listener, accepting first for the
// wait page, then for the service. The wait page's server closing it
// only pauses it: Accept returns net.ErrClosed, the socket stays open and
// connections queue, until resume hands it on; after that Close closes it.
type handOffListener struct {
	net.Listener
	mu      sync.Mutex
	paused  chan struct{} // closed once the wait page has closed it
	resumed bool
	pending []net.Conn // accepted as the wait page closed: the service's
}

// deadline sets the socket's accept deadline.
func (l *handOffListener) deadline(t time.Time) {
	if d, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); ok {
		_ = d.SetDeadline(t)
	}
}

func (l *handOffListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	resumed := l.resumed
	if resumed && len(l.pending) > 0 {
		c := l.pending[0]
		l.pending = l.pending[1:]
		l.mu.Unlock()
		return c, nil
	}
	l.mu.Unlock()
	c, err := l.Listener.Accept()
	if resumed {
		return c, err
	}
	select {
	case <-l.paused:
		if err == nil {
			l.mu.Lock()
			l.pending = append(l.pending, c)
			l.mu.Unlock()
		}
		return nil, net.ErrClosed
	default:
	}
	return c, err
}

// Close pauses the listener while the wait page serves on it, waking its
// Accept by a deadline in the past; once resumed it closes the socket and
// any connection still queued for the service.
func (l *handOffListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.resumed {
		for _, c := range l.pending {
			c.Close()
		}
		l.pending = nil
		return l.Listener.Close()
	}
	select {
	case <-l.paused:
	default:
		close(l.paused)
		l.deadline(time.Unix(1, 0))
	}
	return nil
}

// resume clears the pause, once the wait page has stopped, for the
// service to accept on the listener.
func (l *handOffListener) resume() {
	l.deadline(time.Time{})
	l.mu.Lock()
	l.resumed = true
	l.mu.Unlock()
}
