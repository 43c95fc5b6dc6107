// Package server runs Holdfast's HTTP surface — health checks around the
// handler app builds (internal/http/router) — with a graceful shutdown.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/holdfast/holdfast/internal/service"
)

// Config says what to serve.
type Config struct {
	Addr string
	// Handler, if set, serves everything but the health checks: the API
	// and the pages (App.Handler).
	Handler http.Handler
}

// Server is a running Holdfast HTTP server.
type Server struct {
	svc      *service.Service
	http     *http.Server
	draining atomic.Bool
	Handler  http.Handler
}

// WriteTimeout is how long a response may take before the connection is
// cut: the benchmarks flag pages slower than this (internal/bench).
const WriteTimeout = 60 * time.Second

// New builds the handler tree.
func New(svc *service.Service, cfg Config) *Server {
	s := &Server{svc: svc}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		// Not ready while draining, or when the database does not answer: a
		// load balancer then sends work to another instance.
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if s.draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		if err := svc.Ready(ctx); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	if cfg.Handler != nil {
		mux.Handle("/", cfg.Handler)
	}
	s.Handler = securityHeaders(logRequests(mux))
	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       2 * time.Minute,
	}
	return s
}

// Serve listens on l until ctx ends, then stops taking requests and waits
// for those in flight: a write acknowledged to a client was committed first.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	slog.Info("draining requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set(
			"Content-Security-Policy",
			"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
		)
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		level, msg := slog.LevelDebug, "request"
		if errors.Is(r.Context().Err(), context.Canceled) {
			// The user closed the page, or went elsewhere, before the
			// answer was ready: no fault, but worth seeing if it is often.
			level, msg = slog.LevelInfo, "request abandoned: the client went away"
		}
		slog.Log(r.Context(), level, msg, "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", float64(time.Since(start).Microseconds())/1000)
	})
}
