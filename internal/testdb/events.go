package testdb

import (
	"context"
	"strings"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// RecordEvents counts the log's events other than security events (sign-ins,
// token use, refusals: service/auth_log.go), which a refused request rightly
// adds: for tests that a refusal changed nothing in the record.
func RecordEvents(ctx context.Context, st store.Store) (int64, error) {
	var n int64
	err := st.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
		if !strings.HasPrefix(e.Type, "security.") {
			n++
		}
		return nil
	})
	return n, err
}
