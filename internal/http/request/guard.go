package request

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/service"
)

// Guard wraps the API and the pages: it puts the client's address and user
// agent on every request's context (service.ClientOf), for the security
// log; sends HSTS when the request came over TLS (directly, or through a
// trusted proxy that says so) or hsts is set (cookies marked Secure: served
// behind TLS); and writes every refusal (HTTP 403) to the security log,
// with who was refused if Authenticate knew them.
func Guard(svc *service.Service, hsts bool, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		note := &authNote{}
		ctx := service.WithClient(r.Context(), service.Client{Address: ClientAddr(r), UserAgent: r.UserAgent()})
		ctx = context.WithValue(ctx, noteKey{}, note)
		if hsts || r.TLS != nil || ForwardedHTTPS(r) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r.WithContext(ctx))
		if sw.status == http.StatusForbidden {
			svc.RecordRefusal(ctx, note.actor, r.Method+" "+r.URL.Path)
		}
	})
}

// authNote is where Authenticate leaves who a request was from, for Guard.
type authNote struct{ actor *service.Actor }

type noteKey struct{}

func noteActor(r *http.Request, a *service.Actor) {
	if n, ok := r.Context().Value(noteKey{}).(*authNote); ok {
		n.actor = a
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
