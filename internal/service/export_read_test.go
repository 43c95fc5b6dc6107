package service_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestExportLogsTheRead: the export writes every chosen case's notes and
// contacts, so its read is recorded as other reads of many cases are: one
// records.read event, by who exported (a person, never Holdfast), naming
// the cases.
func TestExportLogsTheRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		if _, err := f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "the victim's mother says she is frightened"}); err != nil {
			t.Fatal(err)
		}
		before, err := db.ForceEvents(ctx, []string{domain.EvRecordsRead})
		if err != nil {
			t.Fatal(err)
		}
		// Holdfast itself may not export: the read would name no one.
		var none strings.Builder
		if _, err := f.Svc.Export(ctx, service.SystemActor("export"), service.ExportFilter{}, &none); err == nil ||
			none.Len() != 0 {
			t.Fatalf("the system exported (%v, %d bytes): an export must name who ran it", err, none.Len())
		}
		exporter := f.Admin
		var out strings.Builder
		if _, err := f.Svc.Export(ctx, exporter, service.ExportFilter{}, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "frightened") {
			t.Fatal("the export holds no note")
		}
		after, err := db.ForceEvents(ctx, []string{domain.EvRecordsRead})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 {
			t.Fatalf("the export left %d read events, want 1", len(after)-len(before))
		}
		e := after[len(after)-1]
		var p domain.RecordsRead
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if e.Actor != exporter.ID() || p.View != service.ExportView || !slices.Contains(p.Cases, c.ID) {
			t.Errorf("the export's read names %s, view %q, cases %v: want %s, %q, %s",
				e.Actor, p.View, p.Cases, exporter.ID(), service.ExportView, c.ID)
		}
	})
}
