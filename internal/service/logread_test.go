package service_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// wantLoggedRead checks what the logs out of the case document (contacts,
// notes, reviews: issue 20) owe a reader: another team's officer is
// refused the case and nothing is recorded as read; reader, with
// need-to-know, gets the case with got(c) holding the logged items and
// exactly one read recorded; the administrator's export holds inExport.
func wantLoggedRead(t *testing.T, db *sqlstore.DB, f *fixture.Force, c *domain.Case, reader *service.Actor,
	purpose string, got func(*domain.Case) error, inExport string) {
	t.Helper()
	reads := func() int {
		n := 0
		if err := db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
			if e.CaseID == c.ID && e.Type == domain.EvCaseViewed {
				n++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := reads()
	if _, err := f.Svc.ViewCase(ctx, f.OtherTeam, c.Ref, "curious"); !errors.Is(err, service.ErrNotFound) {
		t.Fatalf("another team's officer read the case: %v", err)
	}
	if n := reads(); n != before {
		t.Fatalf("a refused read was recorded as a read: %d reads, were %d", n, before)
	}
	read, err := f.Svc.ViewCase(ctx, reader, c.Ref, purpose)
	if err != nil {
		t.Fatal(err)
	}
	if err := got(read); err != nil {
		t.Fatal(err)
	}
	if n := reads(); n != before+1 {
		t.Fatalf("the read was not recorded: %d reads, were %d", n, before)
	}
	var out bytes.Buffer
	if _, err := f.Svc.Export(ctx, f.Admin, service.ExportFilter{}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), inExport) {
		t.Fatalf("the export lost %q: %s", inExport, out.String())
	}
}
