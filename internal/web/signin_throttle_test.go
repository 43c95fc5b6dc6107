package web

import (
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/service"
)

// TestThrottledMessage: a person refused with 429 is told, in words, how
// long to wait and that they should then sign in again.
func TestThrottledMessage(t *testing.T) {
	for err, want := range map[error]string{
		&service.Throttled{RetryAfter: time.Second, Reason: "x"}: "There have been too many attempts to sign in. " +
			"Wait 1 second, then sign in again",
		&service.Throttled{RetryAfter: 3 * time.Second, Reason: "x"}: "There have been too many attempts to " +
			"sign in. Wait 3 seconds, then sign in again",
		&service.Throttled{RetryAfter: 15 * time.Minute, Reason: "x"}: "There have been too many attempts to " +
			"sign in. Wait 15 minutes, then sign in again",
		errors.New("other"): "There have been too many attempts to sign in. Wait a minute, then sign in again",
	} {
		if got := throttledMessage(err); got != want {
			t.Errorf("%v: %q, want %q", err, got, want)
		}
	}
}
