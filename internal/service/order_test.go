package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestForbiddenBeforeStale: a read-only inspector's note on a version
// that has moved on was answered 409 (reload and try again) before 403:
// who may comes first, and a person who may still hears of the version.
func TestForbiddenBeforeStale(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		for _, version := range []int64{c.Version - 1, c.Version + 5} {
			_, err := f.Svc.AddNote(ctx, f.External, c.ID, service.NewNote{Version: version, Text: "A note."})
			if !errors.Is(err, service.ErrForbidden) || errors.Is(err, service.ErrConflict) {
				t.Errorf("inspector's note on version %d: %v, want forbidden", version, err)
			}
			_, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: version, Text: "A note."})
			if !errors.Is(err, service.ErrConflict) {
				t.Errorf("investigator's note on version %d: %v, want a conflict", version, err)
			}
		}
	})
}
