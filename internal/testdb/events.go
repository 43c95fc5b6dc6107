package testdb

import (
	"context"
	"strings"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// RecordEvents counts the log's events other than security events (sign-ins,
// token use, refusals: service/auth_log.go), which a refused request rightly
// adds, nor the seal of a credential issued with one (a test's first request
// as a person issues their API token, sealed where it is issued:
// ledger/credentials.go): for tests that a refusal changed nothing in the
// record.
func RecordEvents(ctx context.Context, st store.Store) (int64, error) {
	var n int64
	err := st.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
		if !strings.HasPrefix(e.Type, "security.") && e.Type != "ledger.credentials_sealed" {
			n++
		}
		return nil
	})
	return n, err
}
