package web_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestBusyDatabaseSaysBusyAndChangesNothing: under load the pages said
// "Holdfast cannot reach its database" when the SQLite file was only
// locked by another writer past the busy timeout. A real lock is held here
// (another connection's BEGIN IMMEDIATE, as the CLI or a backup would): a
// note posted meanwhile is a 503 with Retry-After saying the database is
// busy and the change was not saved, what was typed still in the browser — and, once the lock is let go, nothing was:
// no event was written after the refused post.
func TestBusyDatabaseSaysBusyAndChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out SQLite's busy timeout")
	}
	ctx := context.Background()
	path := testdb.DSN(t, "sqlite")
	db := testdb.OpenDSN(t, path)
	f, base := start(t, db)
	c := f.Allocated(t)
	casePath := "/cases/" + request.PathRef(c.Ref)
	ivy := newClient(t, base, "ivy")
	_, page := ivy.get(casePath)
	before, _ := db.LatestSeq(ctx)

	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	res, err := ivy.http.PostForm(base+casePath+"/do/add-note", url.Values{"csrf": {ivy.csrf(page)},
		"version": {itoa(c.Version)}, "text": {"written while the database was locked"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	lock.Close()

	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("a note posted to a locked database: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(string(body), response.BusyMessage(res.Request)) ||
		!strings.Contains(string(body), "still in your browser") || strings.Contains(string(body), "cannot reach") {
		t.Errorf("a locked database's page does not say it is busy: %s", body)
	}
	onlyReads(t, db, c.ID, before)
	// The lock let go, the same note is taken: the refusal was the lock's.
	_, page = ivy.get(casePath)
	if status, body := ivy.post(casePath+"/do/add-note", url.Values{"csrf": {ivy.csrf(page)},
		"version": {itoa(c.Version)}, "text": {"written after the lock"}}); status != http.StatusOK {
		t.Errorf("the note once unlocked: %d %s", status, body)
	}
}
