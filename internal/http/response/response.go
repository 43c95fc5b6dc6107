// Package response is the response side of the HTTP seam the API and the pages share: the status an error from the
// service is answered with, and JSON and RFC 9457 problem+json bodies.
package response

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
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
	switch {
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
	}
	return http.StatusInternalServerError
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
}

// WriteProblem answers err as application/problem+json with every reason
// it carries. A fault of ours is logged and its detail kept from the client.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	p := Problem{Type: "about:blank", Title: titles[status], Status: status, Detail: err.Error()}
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "the error has been logged; tell your administrator the time it happened"
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
