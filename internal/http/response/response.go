// Package response is the response side of the HTTP seam the API and the pages share: the status an error from the
// service is answered with, and JSON and RFC 9457 problem+json bodies.
package response

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Problem is an RFC 9457 problem detail, with every reason a command was
// refused in Errors.
type Problem struct {
	Type   string           `json:"type"`
	Title  string           `json:"title"`
	Status int              `json:"status"`
	Detail string           `json:"detail,omitempty"`
	Errors []domain.Problem `json:"errors,omitempty"`
}

// StatusOf maps an error from a decoder or the service layer to an HTTP
// status.
func StatusOf(err error) int {
	var p domain.Problems
	var inErr *request.Error
	var th *service.Throttled
	switch {
	case errors.As(err, &th):
		return http.StatusTooManyRequests
	case errors.As(err, &inErr):
		return inErr.Status
	case errors.As(err, &p):
		return http.StatusUnprocessableEntity
	case errors.Is(err, service.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, service.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, service.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, service.ErrUnauthenticated):
		return http.StatusUnauthorized
	case store.Unavailable(err):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// StatusClientGone answers a request whose client went away first
// (nginx's 499, "client closed request"): nobody reads it, but the
// request log (internal/server) shows it.
const StatusClientGone = 499

// ClientGone reports whether err is only the client's leaving: the
// request's context was cancelled — the user closed the page or went
// elsewhere — and the work failed with that cancellation. That is no fault
// of ours to log as an error, and there is nobody to answer. Any other
// error is not, even with the client gone: a corrupt database, an I/O
// error, a full disk, a timeout or a lost connection is an outage that
// happened to meet a request whose client left, and is still logged.
func ClientGone(r *http.Request, err error) bool {
	return errors.Is(r.Context().Err(), context.Canceled) && errors.Is(err, context.Canceled)
}

// RetryAfter is what a 503 tells the client to wait, in seconds: instances
// reconnect within a second of the database returning, and a restart or a
// failover takes a few seconds.
const RetryAfter = "5"

// Unavailable marks a 503 answer as one to retry (Retry-After) and logs it:
// an outage is ours to see, even though the client's request was sound.
func Unavailable(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Set("Retry-After", RetryAfter)
	slog.ErrorContext(r.Context(), "database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
}

var titles = map[int]string{
	http.StatusBadRequest:            "The request could not be read",
	http.StatusUnauthorized:          "Sign in first",
	http.StatusForbidden:             "You are not allowed to do that",
	http.StatusNotFound:              "Not found",
	http.StatusConflict:              "Someone else changed this case first",
	http.StatusRequestEntityTooLarge: "The request is too large",
	http.StatusUnprocessableEntity:   "The command was refused",
	http.StatusUnsupportedMediaType:  "Send JSON",
	http.StatusInternalServerError:   "Something went wrong on our side",
	http.StatusServiceUnavailable:    "Holdfast cannot reach its database",
	http.StatusTooManyRequests:       "Too many attempts: wait and try again",
}

// UnavailableMessage says, for a request that met an outage, whether what
// it asked to change was saved. A write is acknowledged only after its
// transaction commits, and a request that ends in an error was not
// acknowledged: so a change was not saved (docs/reliability.md says what
// the rare lost reply to a commit means).
func UnavailableMessage(r *http.Request) string {
	return retryLater(r, "Holdfast cannot reach its database just now.")
}

// BusyTitle and BusyMessage answer a request that met a busy database (a
// lock held past the busy timeout, or the request's time ran out waiting):
// still a 503 with Retry-After, but it is not the outage "cannot reach"
// describes, and the transaction that met it rolled back (store.Busy).
const BusyTitle = "Holdfast is busy"

// BusyMessage is UnavailableMessage for a busy database.
func BusyMessage(r *http.Request) string { return retryLater(r, "Holdfast is busy just now.") }

// retryLater is what happened followed by what it means for the request:
// nothing changed by a read, or a change not saved, with the typing kept in
// the browser, and when to try again (RetryAfter).
func retryLater(r *http.Request, what string) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return what + " Nothing was changed. Try again in a few seconds."
	}
	return what + " Your change was not saved: " +
		"try again in a few seconds (what you typed is still in your browser: go back)."
}

// SavedTitle and SavedMessage answer a request whose change was committed
// but whose answer could not then be read (an API command answers with the
// whole case, read after the commit): saying "nothing was changed" would be
// false, and a client told so would repeat the change.
const (
	SavedTitle   = "Your change was saved"
	SavedMessage = "Your change was saved, but Holdfast could not read the case back just now. " +
		"Read the case again in a minute; do not repeat the change."
)

// afterSave is an error met after the request's change was committed.
type afterSave struct{ err error }

func (e *afterSave) Error() string { return "after the change was saved: " + e.err.Error() }
func (e *afterSave) Unwrap() error { return e.err }

// AfterSave marks err as met after the request's change was committed, so
// that an outage's answer does not say the change was not saved.
func AfterSave(err error) error {
	if err == nil {
		return nil
	}
	return &afterSave{err}
}

// DiskFullTitle and DiskFullMessage answer a write refused because the
// database's disk is full: still a 503 with Retry-After (it mends once space
// is freed), but saying what an administrator must do, since waiting alone
// will not (docs/reliability.md).
const (
	DiskFullTitle   = "Holdfast cannot save: its disk is full"
	DiskFullMessage = "The disk holding Holdfast's database is full. Your change was not saved; " +
		"nothing was half-written. Tell your administrator to free space, then try again."
)

// WriteProblem answers err as application/problem+json with every reason
// it carries. A fault of ours is logged and its detail kept from the client.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r, err) {
		w.WriteHeader(StatusClientGone)
		return
	}
	status := StatusOf(err)
	p := Problem{Type: "about:blank", Title: titles[status], Status: status, Detail: err.Error()}
	switch status {
	case http.StatusInternalServerError:
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "the error has been logged; tell your administrator the time it happened"
	case http.StatusServiceUnavailable:
		Unavailable(w, r, err)
		p.Detail = UnavailableMessage(r)
		var saved *afterSave
		switch {
		case errors.As(err, &saved):
			p.Title, p.Detail = SavedTitle, SavedMessage
		case store.DiskFull(err):
			p.Title, p.Detail = DiskFullTitle, DiskFullMessage
		case store.Busy(err):
			p.Title, p.Detail = BusyTitle, BusyMessage(r)
		}
	case http.StatusTooManyRequests:
		ThrottledHeader(w, err)
	}
	if ps, ok := domain.AsProblems(err); ok {
		p.Errors = ps
	}
	switch status {
	case http.StatusUnprocessableEntity:
		p.Type = "https://holdfast.invalid/problems/refused"
	case http.StatusConflict:
		p.Type = "https://holdfast.invalid/problems/conflict"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// JSON answers v as application/json with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ThrottledHeader sets Retry-After for a sign-in refused with 429.
func ThrottledHeader(w http.ResponseWriter, err error) {
	var th *service.Throttled
	if errors.As(err, &th) {
		w.Header().Set("Retry-After", strconv.Itoa(th.Seconds()))
	}
}
