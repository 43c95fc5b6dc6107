package response

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
)

// liteErr is an SQLite result code as modernc's driver reports it.
type liteErr int

func (e liteErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e liteErr) Code() int     { return int(e) }

// pgErr is a PostgreSQL SQLSTATE as pgconn reports it.
type pgErr string

func (e pgErr) Error() string    { return "pg error " + string(e) }
func (e pgErr) SQLState() string { return string(e) }

// TestOutageWhileTheClientLeftIsLogged: only the client's own cancellation
// is answered quietly (499, nothing at ERROR). A corrupt database, an I/O
// error, a full disk, a timeout or a lost connection met by a request whose
// client has since gone is an outage of ours, logged at ERROR as a 503.
func TestOutageWhileTheClientLeftIsLogged(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	outages := map[string]error{
		"corrupt SQLite database":      liteErr(11),
		"SQLite I/O error":             liteErr(10),
		"SQLite disk full":             liteErr(13),
		"PostgreSQL disk full":         pgErr("53100"),
		"PostgreSQL shutting down":     pgErr("57P01"),
		"a deadline passed":            context.DeadlineExceeded,
		"the connection was refused":   syscall.ECONNREFUSED,
		"a full disk under the server": syscall.ENOSPC,
	}
	for name, cause := range outages {
		buf.Reset()
		r := httptest.NewRequest(http.MethodGet, "/api/cases", nil).WithContext(gone)
		w := httptest.NewRecorder()
		WriteProblem(w, r, fmt.Errorf("load case: %w", cause))
		if w.Code == StatusClientGone || !strings.Contains(buf.String(), "level=ERROR") {
			t.Errorf("%s with the client gone: answered %d, logged %q; want 503 logged at ERROR", name, w.Code,
				buf.String())
		}
	}

	// The client's own leaving is quiet, and only while it has left.
	buf.Reset()
	r := httptest.NewRequest(http.MethodGet, "/api/cases", nil).WithContext(gone)
	err := fmt.Errorf("list cases: %w", context.Canceled)
	if !ClientGone(r, err) {
		t.Error("the client's cancellation is not taken as the client leaving")
	}
	w := httptest.NewRecorder()
	WriteProblem(w, r, err)
	if w.Code != StatusClientGone || buf.Len() != 0 {
		t.Errorf("the client leaving: answered %d, logged %q", w.Code, buf.String())
	}
	if ClientGone(httptest.NewRequest(http.MethodGet, "/", nil), err) {
		t.Error("a cancellation with the client still there is taken as the client leaving")
	}
	if ClientGone(r, errors.New("render failed")) {
		t.Error("an error of ours is taken as the client leaving")
	}
}

// TestBusyProblemSaysBusy: the API answers a locked SQLite database with a
// 503 and Retry-After titled busy, not "cannot reach its database"; a real
// outage keeps those words.
func TestBusyProblemSaysBusy(t *testing.T) {
	for _, c := range []struct {
		err   error
		title string
	}{
		{fmt.Errorf("append: %w", liteErr(5)), BusyTitle},
		{fmt.Errorf("query: %w", syscall.ECONNREFUSED), titles[http.StatusServiceUnavailable]},
	} {
		w := httptest.NewRecorder()
		WriteProblem(w, httptest.NewRequest("POST", "/api/v1/cases", nil), c.err)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Fatalf("%v: %d, Retry-After %q", c.err, w.Code, w.Header().Get("Retry-After"))
		}
		if !strings.Contains(w.Body.String(), `"title":"`+c.title+`"`) {
			t.Errorf("%v: %s, want the title %q", c.err, w.Body, c.title)
		}
	}
	// Said as the outage is: when to try again, and for a form or a
	// command that the change was not saved but the typing is kept.
	get, post := httptest.NewRequest("GET", "/cases", nil), httptest.NewRequest("POST", "/cases/x/do/add-note", nil)
	if m := BusyMessage(get); m != "Holdfast is busy just now. Nothing was changed. Try again in a few seconds." {
		t.Errorf("the busy message to a read: %q", m)
	}
	if m := BusyMessage(post); !strings.Contains(m, "Your change was not saved: try again in a few seconds") ||
		!strings.Contains(m, "(what you typed is still in your browser: go back)") {
		t.Errorf("the busy message to a form: %q", m)
	}
}

// TestOutageAfterTheSaveSaysSaved: an API command commits, then reads the
// case back for its answer; if that read meets a busy or unreachable
// database, the answer must not say nothing was changed (the attack on
// this morning's busy answer found it did), or the client repeats it.
func TestOutageAfterTheSaveSaysSaved(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("notes: %w", liteErr(5)),
		fmt.Errorf("notes: %w", context.DeadlineExceeded),
		fmt.Errorf("notes: %w", syscall.ECONNREFUSED),
	} {
		w := httptest.NewRecorder()
		WriteProblem(w, httptest.NewRequest("POST", "/api/v1/cases/CSE-2026-000001/notes", nil), AfterSave(err))
		body := w.Body.String()
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%v: %d", err, w.Code)
		}
		if !strings.Contains(body, `"title":"`+SavedTitle+`"`) || !strings.Contains(body, "do not repeat") {
			t.Errorf("%v: %s, want it to say the change was saved", err, body)
		}
		if strings.Contains(body, "Nothing was changed") || strings.Contains(body, "not saved") {
			t.Errorf("%v: %s says the saved change was not saved", err, body)
		}
	}
	if AfterSave(nil) != nil {
		t.Error("AfterSave(nil) is not nil")
	}
}
